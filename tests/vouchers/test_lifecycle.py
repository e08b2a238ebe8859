import datetime as dt

import pytest
from django.utils import timezone, translation

from buurtbudget.ledger import services as ledger
from buurtbudget.ledger.models import AccountKind
from buurtbudget.ledger.selectors import verify_balances
from buurtbudget.schemes import services as schemes
from buurtbudget.statemachine.services import TransitionNotAllowed
from buurtbudget.vouchers import services as vouchers
from buurtbudget.vouchers.models import Voucher, VoucherStatus
from buurtbudget.vouchers.selectors import balance_cents, spendable_problem, voucher_account
from tests.factories import UserFactory
from tests.factories.money import account, funded_scheme, issued_voucher, key

pytestmark = pytest.mark.django_db
S = VoucherStatus


def scheme_balance(scheme):
    return schemes.scheme_account(scheme=scheme).balance_cents


def test_issue_reserves_money_from_the_scheme():
    scheme = funded_scheme(amount_cents=1_000_000)
    voucher = issued_voucher(scheme, amount_cents=300_000)
    assert voucher.status == S.ISSUED and len(voucher.code) == 13
    assert balance_cents(voucher) == 300_000 and scheme_balance(scheme) == 700_000
    assert spendable_problem(voucher) is None


def test_issue_is_idempotent():
    scheme = funded_scheme(amount_cents=1_000_000)
    holder = UserFactory()
    k = key()
    first = issued_voucher(scheme, amount_cents=300_000, holder=holder, idempotency_key=k)
    again = issued_voucher(scheme, amount_cents=300_000, holder=holder, idempotency_key=k)
    assert first == again and Voucher.objects.count() == 1 and scheme_balance(scheme) == 700_000
    with pytest.raises(ledger.IdempotencyConflict):
        issued_voucher(scheme, amount_cents=400_000, holder=holder, idempotency_key=k)


def test_issue_fails_clearly_when_scheme_lacks_money():
    scheme = funded_scheme(amount_cents=200_000)
    issued_voucher(scheme, amount_cents=150_000)
    with pytest.raises(ledger.InsufficientFunds, match="niet genoeg geld"):
        issued_voucher(scheme, amount_cents=50_001)
    assert Voucher.objects.count() == 1 and scheme_balance(scheme) == 50_000


@pytest.mark.parametrize(
    "amount, valid_until", [(24_999, None), (1_000_001, None), (0, None), (100_000, dt.date(2020, 1, 1))]
)
def test_issue_refuses_bad_input(amount, valid_until):
    scheme = funded_scheme()
    kwargs = {"valid_until": valid_until} if valid_until else {}
    with pytest.raises(vouchers.VoucherError):
        issued_voucher(scheme, amount_cents=amount, **kwargs)
    assert not Voucher.objects.exists()


def spend(voucher, cents):
    payable = account(voucher.municipality, kind=AccountKind.PAYABLE)
    from django.db import transaction

    with transaction.atomic():
        ledger.book(
            municipality=voucher.municipality,
            kind="payment",
            description="betaling",
            idempotency_key=key(),
            postings=[(voucher_account(voucher), -cents), (payable, cents)],
        )
        return vouchers.record_redemption(voucher=voucher, actor=None)


def test_redemption_status_follows_balance_and_overspending_is_refused():
    voucher = issued_voucher(amount_cents=100_000)
    assert spend(voucher, 40_000).status == S.PARTLY_REDEEMED
    with pytest.raises(ledger.InsufficientFunds):
        spend(voucher, 60_001)
    assert spend(voucher, 60_000).status == S.FULLY_REDEEMED
    closed = vouchers.close_voucher(voucher=voucher, actor=None)
    assert closed.status == S.CLOSED and balance_cents(voucher) == 0


def test_cancel_then_close_returns_rest_to_scheme():
    scheme = funded_scheme(amount_cents=1_000_000)
    voucher = issued_voucher(scheme, amount_cents=100_000)
    spend(voucher, 30_000)
    with pytest.raises(TransitionNotAllowed, match="(?i)reden|reason"):
        vouchers.cancel_voucher(voucher=voucher, actor=None, reason="")
    vouchers.cancel_voucher(voucher=voucher, actor=None, reason="plan gaat niet door")
    assert spendable_problem(voucher)
    vouchers.close_voucher(voucher=voucher, actor=None)
    assert balance_cents(voucher) == 0 and scheme_balance(scheme) == 970_000
    assert verify_balances() == []


def test_expire_only_after_validity_then_close_to_source_when_scheme_closed():
    scheme = funded_scheme(amount_cents=1_000_000)
    today = timezone.localdate()
    voucher = issued_voucher(scheme, amount_cents=100_000, valid_until=today)
    with pytest.raises(TransitionNotAllowed, match="nog geldig"):
        vouchers.expire_voucher(voucher=voucher, actor=None)
    Voucher.objects.filter(pk=voucher.pk).update(valid_until=today - dt.timedelta(days=1))
    voucher.refresh_from_db()
    vouchers.expire_voucher(voucher=voucher, actor=None)
    schemes.close_scheme(actor=None, scheme=scheme)
    vouchers.close_voucher(voucher=voucher, actor=None)
    source = schemes.source_account(municipality=scheme.municipality)
    assert source.balance_cents == 0 and scheme_balance(scheme) == 0


ALL_TRANSITIONS = {"redeem_partly", "redeem_fully", "expire", "cancel", "close"}
ALLOWED = {
    S.ISSUED: {"redeem_partly", "redeem_fully", "expire", "cancel"},
    S.PARTLY_REDEEMED: {"redeem_fully", "expire", "cancel"},
    S.FULLY_REDEEMED: {"close"},
    S.EXPIRED: {"close"},
    S.CANCELLED: {"close"},
    S.CLOSED: set(),
}


def test_lifecycle_table_and_every_forbidden_transition_is_refused():
    from buurtbudget.statemachine.services import transition

    machine = vouchers.VOUCHER_MACHINE
    for state in S.values:
        assert {t.name for t in machine.available_from(state)} == ALLOWED[state]
    voucher = issued_voucher(amount_cents=100_000)
    for state in S.values:
        for name in ALL_TRANSITIONS - ALLOWED[state]:
            Voucher.objects.filter(pk=voucher.pk).update(status=state)
            with pytest.raises(TransitionNotAllowed):
                transition(machine=machine, instance=voucher, name=name, actor=None, reason="x")
            assert Voucher.objects.get(pk=voucher.pk).status == state
    Voucher.objects.filter(pk=voucher.pk).update(status=S.ISSUED)
    with pytest.raises(TransitionNotAllowed):
        vouchers.close_voucher(voucher=voucher, actor=None)
    assert balance_cents(voucher) == 100_000


def _advance_account(voucher):
    return account(
        voucher.municipality,
        kind=AccountKind.CASH_ADVANCE,
        owner_key=f"{voucher.owner_key}:holder:{voucher.holder_id}",
    )


def _move(voucher, postings):
    from django.db import transaction

    with transaction.atomic():
        ledger.book(
            municipality=voucher.municipality,
            kind="payment",
            description="kasvoorschot",
            idempotency_key=key(),
            postings=postings,
        )
        return vouchers.record_redemption(voucher=voucher, actor=None)


def test_close_is_refused_while_a_cash_advance_is_open_and_rest_returns_after_settling():
    from buurtbudget.audit.models import AuditEvent
    from buurtbudget.ledger.models import JournalEntry

    scheme = funded_scheme(amount_cents=1_000_000)
    voucher = issued_voucher(scheme, amount_cents=100_000)
    advance = _advance_account(voucher)
    voucher = _move(voucher, [(voucher_account(voucher), -100_000), (advance, 100_000)])
    assert voucher.status == S.FULLY_REDEEMED
    before = (AuditEvent.objects.count(), JournalEntry.objects.count())
    with pytest.raises(vouchers.VoucherError) as dutch:
        vouchers.close_voucher(voucher=voucher, actor=None)
    assert str(dutch.value) == (
        "Deze voucher heeft nog een kasvoorschot dat niet is verantwoord. Verantwoord het eerst."
    )
    with translation.override("en"), pytest.raises(vouchers.VoucherError) as english:
        vouchers.close_voucher(voucher=voucher, actor=None)
    assert str(english.value) == (
        "This voucher still has a cash advance that has not been accounted for. Account for it first."
    )
    voucher.refresh_from_db()
    assert voucher.status == S.FULLY_REDEEMED
    assert (AuditEvent.objects.count(), JournalEntry.objects.count()) == before
    # Settled: 60,00 spent, 40,00 back on the voucher; closing now returns that rest to the scheme.
    payable = account(voucher.municipality)
    _move(voucher, [(advance, -100_000), (payable, 60_000), (voucher_account(voucher), 40_000)])
    closed = vouchers.close_voucher(voucher=voucher, actor=None)
    assert closed.status == S.CLOSED and balance_cents(voucher) == 0
    assert scheme_balance(scheme) == 940_000 and verify_balances() == []
