"""The demo's running voucher scheme in Utrecht: one initiative in every state, and the ledger adds up."""

from io import StringIO

import pytest
from django.core.management import call_command

from buurtbudget.accountability.models import Settlement
from buurtbudget.initiatives.models import Initiative
from buurtbudget.initiatives.models import InitiativeStatus as S
from buurtbudget.ledger.models import JournalEntry
from buurtbudget.ledger.selectors import posted_balance, unbalanced_entries, verify_balances
from buurtbudget.payments.models import PaymentRequest
from buurtbudget.regiegroep.models import Membership
from buurtbudget.schemes import services as schemes
from buurtbudget.schemes.models import Scheme
from buurtbudget.vouchers.models import Voucher, VoucherStatus

pytestmark = pytest.mark.django_db

EVERY_STATE = [
    S.DRAFT,
    S.SUBMITTED,
    S.IN_CONSULTATION,
    S.CHANGES_REQUESTED,
    S.IN_EXECUTION,
    S.REJECTED,
    S.WITHDRAWN,
    S.ACCOUNTING_DUE,
    S.ACCOUNTED,
    S.SETTLED,
    S.CLOSED,
]


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Scheme, Initiative, Voucher, PaymentRequest, Membership, Settlement, JournalEntry)
    )


@pytest.fixture
def demo_output() -> str:
    call_command("demo", stdout=StringIO())
    counts = _counts()
    out = StringIO()
    call_command("demo", stdout=out)
    assert _counts() == counts  # the second run adds nothing
    return out.getvalue()


def test_the_utrecht_voucher_scheme_has_an_initiative_in_every_state(demo_output: str) -> None:
    scheme = Scheme.objects.get(municipality__slug="utrecht", slug="bewonersbudget-overvecht")
    states = sorted(Initiative.objects.filter(scheme=scheme).values_list("status", flat=True))
    assert states == sorted(EVERY_STATE)
    assert "Bewonersbudget Overvecht" in demo_output
    assert sorted(m.user.email for m in Membership.objects.filter(group__scheme=scheme)) == [
        "regiegroep2@utrecht.example",
        "regiegroep@utrecht.example",
        "voorzitter@utrecht.example",
    ]

    running = Initiative.objects.get(scheme=scheme, status=S.IN_EXECUTION)
    voucher = Voucher.objects.get(scheme=scheme, holder=running.initiator, amount_cents=running.awarded_cents)
    assert voucher.status not in (VoucherStatus.CLOSED, VoucherStatus.CANCELLED)
    assert posted_balance(schemes_voucher_account(voucher)) == 250_000 - 60_000

    for state in (S.SETTLED, S.CLOSED):
        settled = Initiative.objects.get(scheme=scheme, status=state)
        settlement = Settlement.objects.get(initiative=settled)
        assert settlement.returned_cents == settlement.awarded_cents - settlement.spent_cents > 0
        assert Voucher.objects.get(pk=settlement.voucher_id).status == VoucherStatus.CLOSED


def schemes_voucher_account(voucher: Voucher):  # type: ignore[no-untyped-def]
    from buurtbudget.payments.services import _voucher_account

    return _voucher_account(voucher)


def test_the_demo_ledger_verifies(demo_output: str) -> None:
    assert verify_balances() == []
    assert unbalanced_entries() == []
    scheme = Scheme.objects.get(municipality__slug="utrecht", slug="bewonersbudget-overvecht")
    assert posted_balance(schemes.scheme_account(scheme=scheme)) > 0
