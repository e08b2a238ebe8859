import pytest

from buurtbudget.audit.models import AuditEvent
from buurtbudget.ledger import services as ledger
from buurtbudget.ledger.selectors import verify_balances
from buurtbudget.schemes import services as schemes
from buurtbudget.schemes.models import DEFAULT_RULES
from tests.factories import MunicipalityFactory, SchemeFactory
from tests.factories.money import funded_scheme, key

pytestmark = pytest.mark.django_db


def test_create_scheme_has_default_rules_accounts_and_audit():
    import datetime as dt

    gemeente = MunicipalityFactory()
    scheme = schemes.create_scheme(
        actor=None,
        municipality=gemeente,
        name="Buurtbudget Noord",
        slug="noord",
        starts_on=dt.date(2026, 1, 1),
        rules={"overhead_cap_percent": 5},
    )
    assert scheme.rule("overhead_cap_percent") == 5
    assert scheme.rule("support_party_cap_percent") == DEFAULT_RULES["support_party_cap_percent"] == 8
    assert scheme.rule("voucher_min_cents") == 25_000
    assert scheme.ledger_accounts.count() == 4
    assert AuditEvent.objects.filter(action="schemes.create").exists()


def test_fund_scheme_moves_source_budget_to_scheme():
    scheme = funded_scheme(amount_cents=0)
    schemes.fund_scheme(actor=None, scheme=scheme, amount_cents=1_000_00, idempotency_key=key())
    assert schemes.scheme_account(scheme=scheme).balance_cents == 1_000_00
    assert schemes.source_account(municipality=scheme.municipality).balance_cents == -1_000_00
    with pytest.raises(ledger.LedgerError):
        schemes.fund_scheme(actor=None, scheme=scheme, amount_cents=0, idempotency_key=key())


def test_overhead_cap_allows_exactly_ten_percent_and_refuses_one_cent_more():
    scheme = funded_scheme(amount_cents=1_000_000)
    schemes.reserve_overhead(
        actor=None, scheme=scheme, category="execution", amount_cents=60_000, idempotency_key=key()
    )
    schemes.reserve_overhead(
        actor=None, scheme=scheme, category="communication", amount_cents=40_000, idempotency_key=key()
    )
    with pytest.raises(schemes.CapExceeded, match="plafond"):
        schemes.reserve_overhead(
            actor=None, scheme=scheme, category="support", amount_cents=1, idempotency_key=key()
        )
    assert schemes.overhead_totals(scheme=scheme) == (1_000_000, 100_000)
    assert schemes.scheme_account(scheme=scheme).balance_cents == 900_000
    # More funding raises the cap.
    schemes.fund_scheme(actor=None, scheme=scheme, amount_cents=10, idempotency_key=key())
    schemes.reserve_overhead(
        actor=None, scheme=scheme, category="support", amount_cents=1, idempotency_key=key()
    )
    assert verify_balances() == []


def test_overhead_cap_follows_the_schemes_rules():
    scheme = funded_scheme(amount_cents=1_000_000, rules={"overhead_cap_percent": "2.5"})
    with pytest.raises(schemes.CapExceeded):
        schemes.reserve_overhead(
            actor=None, scheme=scheme, category="execution", amount_cents=25_001, idempotency_key=key()
        )
    schemes.reserve_overhead(
        actor=None, scheme=scheme, category="execution", amount_cents=25_000, idempotency_key=key()
    )


def test_overhead_reservation_is_idempotent_and_checks_category():
    scheme = funded_scheme(amount_cents=1_000_000)
    k = key()
    first = schemes.reserve_overhead(
        actor=None, scheme=scheme, category="execution", amount_cents=100_000, idempotency_key=k
    )
    again = schemes.reserve_overhead(
        actor=None, scheme=scheme, category="execution", amount_cents=100_000, idempotency_key=k
    )
    assert first == again
    with pytest.raises(ledger.LedgerError):
        schemes.reserve_overhead(
            actor=None, scheme=scheme, category="lunch", amount_cents=1, idempotency_key=key()
        )


def test_support_party_cap():
    scheme = SchemeFactory()
    schemes.check_support_party_cap(scheme=scheme, award_cents=1_000_000, support_party_cents=80_000)
    with pytest.raises(schemes.CapExceeded, match="ondersteuner"):
        schemes.check_support_party_cap(scheme=scheme, award_cents=1_000_000, support_party_cents=80_001)


def test_close_scheme_returns_unallocated_budget_to_source():
    scheme = funded_scheme(amount_cents=500_000)
    schemes.close_scheme(actor=None, scheme=scheme)
    assert scheme.is_closed
    assert schemes.scheme_account(scheme=scheme).balance_cents == 0
    assert schemes.source_account(municipality=scheme.municipality).balance_cents == 0
