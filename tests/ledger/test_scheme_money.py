"""The scheme's money overview (/<gemeente>/beheer/geld/<scheme>/): figures from the ledger, a balancing
trial balance, tenancy isolation and a pinned number of queries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from buurtbudget.accounts.models import Role
from buurtbudget.contrib import camt
from buurtbudget.ledger.models import AccountKind, LedgerAccount
from buurtbudget.ledger.selectors import scheme_money_overview
from buurtbudget.payments import services as payments
from buurtbudget.payments.models import PaymentRequest
from buurtbudget.schemes import services as schemes
from buurtbudget.vouchers import services as vouchers
from tests.factories import MunicipalityFactory, UserFactory
from tests.factories.community import budget_manager
from tests.factories.money import funded_scheme, key
from tests.factories.payments import PAYEE_IBAN, PDF_BYTES, PayingOrganisationFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_2fa(settings):
    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = False


def _issue(scheme, amount_cents, holder=None):
    return vouchers.issue_voucher(
        actor=None,
        scheme=scheme,
        holder=holder or UserFactory(),
        amount_cents=amount_cents,
        valid_until=dt.date(2099, 12, 31),
        conditions="",
        idempotency_key=key(),
    )


@pytest.fixture
def money():
    """Fund, reserve, issue, request/approve/export/reconcile a payment, then cancel and close the voucher."""
    scheme = funded_scheme(amount_cents=1_000_000)
    schemes.reserve_overhead(
        actor=None, scheme=scheme, category="execution", amount_cents=50_000, idempotency_key=key()
    )
    voucher = _issue(scheme, 100_000)
    organisation = PayingOrganisationFactory(municipality=scheme.municipality)
    payer = staff(organisation, Role.PAYER)
    treasurer = staff(organisation, Role.TREASURER)
    payment = payments.request_payment(
        actor=voucher.holder,
        voucher_code=voucher.code,
        payee_name="Bakkerij Jansen",
        payee_iban=PAYEE_IBAN,
        amount="300.00",
        description="Taart",
        document=io.BytesIO(PDF_BYTES),
        idempotency_key=key(),
    )
    payments.approve_payment(actor=payer, payment_request=payment)
    batch = payments.export_sepa(actor=treasurer, paying_organisation=organisation)
    assert batch is not None
    lines = [
        camt.StatementLine(
            end_to_end_id=e2e, amount_cents=cents, currency="EUR", credit=False, booking_date=None
        )
        for e2e, cents in PaymentRequest.objects.filter(batch=batch).values_list(
            "end_to_end_id", "amount_cents"
        )
    ]
    payments.import_statement(
        actor=treasurer,
        paying_organisation=organisation,
        content=camt.write_camt053(account_iban=organisation.iban, lines=lines),
    )
    voucher.refresh_from_db()
    vouchers.cancel_voucher(voucher=voucher, actor=None, reason="plan vervalt")
    voucher.refresh_from_db()
    vouchers.close_voucher(voucher=voucher, actor=None)
    return scheme, organisation


def test_figures_equal_the_ledger(money):
    scheme, organisation = money
    overview = scheme_money_overview(scheme=scheme)
    assert overview.funded_cents == 1_000_000
    assert overview.awarded_cents == 100_000
    assert overview.reserved_cents == 50_000
    assert overview.overhead_cap_cents == 100_000  # 10 % of the funding
    assert overview.paid_cents == 30_000
    assert overview.returned_cents == 70_000
    scheme_budget = LedgerAccount.objects.get(kind=AccountKind.SCHEME_BUDGET, scheme=scheme)
    assert scheme_budget.balance_cents == 1_000_000 - 50_000 - 100_000 + 70_000
    paid_out = LedgerAccount.objects.get(kind=AccountKind.PAID_OUT, owner_key=organisation.owner_key)
    assert paid_out.balance_cents == overview.paid_cents
    assert overview.debit_total_cents + overview.credit_total_cents == 0
    assert overview.debit_total_cents > 0
    nets = {row.account_id: row.net_cents for row in overview.trial_balance}
    assert nets[scheme_budget.pk] == scheme_budget.balance_cents
    voucher_account = LedgerAccount.objects.get(kind=AccountKind.VOUCHER, scheme=scheme)
    assert nets[voucher_account.pk] == voucher_account.balance_cents == 0


def test_page_shows_the_figures_and_is_linked_from_the_scheme_list(client, money):
    scheme, _organisation = money
    client.force_login(budget_manager(scheme.municipality))
    url = reverse("core:scheme_money", kwargs={"gemeente": scheme.municipality.slug, "scheme": scheme.slug})
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="funded">€ 10.000,00' in html
    assert 'data-figure="paid">€ 300,00' in html
    assert 'data-figure="returned">€ 700,00' in html
    listing = client.get(reverse("core:scheme_list", kwargs={"gemeente": scheme.municipality.slug}))
    assert url in listing.content.decode()


def test_another_municipalitys_manager_is_refused(client, money):
    scheme, _organisation = money
    client.force_login(budget_manager(MunicipalityFactory()))
    url = reverse("core:scheme_money", kwargs={"gemeente": scheme.municipality.slug, "scheme": scheme.slug})
    assert client.get(url).status_code == 403


def test_query_count_is_pinned(client, money, django_assert_num_queries):
    scheme, _organisation = money
    client.force_login(budget_manager(scheme.municipality))
    url = reverse("core:scheme_money", kwargs={"gemeente": scheme.municipality.slug, "scheme": scheme.slug})
    client.get(url)
    with django_assert_num_queries(QUERIES):
        assert client.get(url).status_code == 200
    for _ in range(3):
        _issue(scheme, 25_000)
    with django_assert_num_queries(QUERIES):
        assert client.get(url).status_code == 200


QUERIES = 7
