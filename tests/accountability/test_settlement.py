"""Accounting and settlement: report, accept, settle; the rest returns to the scheme, claw-backs are booked."""

import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from buurtbudget.accountability import selectors, services
from buurtbudget.accountability.models import ExecutionReport, ReportPhoto, Settlement
from buurtbudget.audit.models import AuditEvent
from buurtbudget.initiatives.models import InitiativeStatus as S
from buurtbudget.ledger.models import AccountKind, LedgerAccount
from buurtbudget.ledger.selectors import verify_balances
from buurtbudget.schemes import services as schemes
from buurtbudget.schemes.services import scheme_account
from buurtbudget.vouchers import selectors as voucher_selectors
from buurtbudget.vouchers.models import VoucherStatus
from tests.factories.accountability import awarded_initiative, spend
from tests.factories.payments import PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def awarded():  # type: ignore[no-untyped-def]
    return awarded_initiative()


def _report(awarded, photos=()):  # type: ignore[no-untyped-def]
    return services.submit_report(
        actor=awarded.initiative.initiator,
        initiative=awarded.initiative,
        what_happened="We hebben de moestuin aangelegd; 30 buren hielpen mee.",
        participants=30,
        photos=photos,
    )


def test_the_holder_reports_and_the_initiative_is_accounted(awarded) -> None:  # type: ignore[no-untyped-def]
    spend(awarded, "400.00")
    report = _report(awarded, photos=[(io.BytesIO(PNG_BYTES), "moestuin.png")])

    awarded.refresh()
    assert awarded.initiative.status == S.ACCOUNTED
    assert (report.participants, report.accepted_at) == (30, None)
    photo = ReportPhoto.objects.get(report=report)
    assert photo.content_type == "image/png" and photo.file.name.endswith(".png")
    assert "moestuin" not in photo.file.name  # our own file name, never the uploader's
    spending = selectors.spending(awarded.initiative)
    assert (spending.awarded_cents, spending.spent_cents, spending.remaining_cents) == (
        150_000,
        40_000,
        110_000,
    )
    assert [line.amount_cents for line in spending.lines] == [150_000, -40_000]


def test_a_bad_report_changes_nothing(awarded) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        _report(awarded, photos=[(io.BytesIO(PDF_BYTES), "bon.pdf")])
    assert "photos" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.submit_report(
            actor=awarded.initiative.initiator,
            initiative=awarded.initiative,
            what_happened=" ",
            participants=-1,
        )
    with pytest.raises(PermissionDenied):
        services.submit_report(
            actor=awarded.group.chair, initiative=awarded.initiative, what_happened="x", participants=1
        )
    awarded.refresh()
    assert awarded.initiative.status == S.IN_EXECUTION
    assert not ExecutionReport.objects.exists()


def test_settling_returns_the_rest_to_the_scheme(awarded, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    spend(awarded, "400.00")
    _report(awarded)
    services.accept_report(actor=awarded.group.chair, initiative=awarded.initiative)
    scheme_before = scheme_account(scheme=awarded.scheme).balance_cents

    with django_capture_on_commit_callbacks(execute=True):
        settlement = services.settle(actor=awarded.manager, initiative=awarded.initiative)

    awarded.refresh()
    assert awarded.initiative.status == S.SETTLED
    assert awarded.voucher.status == VoucherStatus.CLOSED
    assert voucher_selectors.balance_cents(awarded.voucher) == 0
    assert scheme_account(scheme=awarded.scheme).balance_cents == scheme_before + 110_000
    assert (
        settlement.awarded_cents,
        settlement.spent_cents,
        settlement.returned_cents,
        settlement.clawback_cents,
    ) == (
        150_000,
        40_000,
        110_000,
        0,
    )
    assert verify_balances(municipality=awarded.scheme.municipality) == []
    event = AuditEvent.objects.get(action="accountability.settlement.settled")
    assert event.actor == awarded.manager and event.after["returned_cents"] == 110_000
    assert awarded.initiative.initiator.email in {m.to[0] for m in mail.outbox}
    # Settling twice is refused and books nothing more.
    with pytest.raises(ValidationError):
        services.settle(actor=awarded.manager, initiative=awarded.initiative)
    assert scheme_account(scheme=awarded.scheme).balance_cents == scheme_before + 110_000


def test_once_the_scheme_has_closed_the_rest_returns_to_the_municipality(awarded) -> None:  # type: ignore[no-untyped-def]
    spend(awarded, "400.00")
    _report(awarded)
    services.accept_report(actor=awarded.manager, initiative=awarded.initiative)
    schemes.close_scheme(actor=awarded.manager, scheme=awarded.scheme)
    source = schemes.source_account(municipality=awarded.scheme.municipality)
    source.refresh_from_db()
    before = source.balance_cents

    settlement = services.settle(actor=awarded.manager, initiative=awarded.initiative)

    source.refresh_from_db()
    assert source.balance_cents == before + 110_000
    assert settlement.returned_cents == 110_000
    assert selectors.spending(awarded.initiative).returned_cents == 110_000
    assert verify_balances(municipality=awarded.scheme.municipality) == []


def test_a_clawback_is_booked_and_recorded_when_spending_did_not_follow_the_award(awarded) -> None:  # type: ignore[no-untyped-def]
    spend(awarded, "400.00")
    _report(awarded)
    services.accept_report(actor=awarded.manager, initiative=awarded.initiative)

    with pytest.raises(ValidationError):  # a claw-back needs a reason
        services.settle(actor=awarded.manager, initiative=awarded.initiative, clawback_cents=10_000)
    with pytest.raises(ValidationError):  # never more than was spent
        services.settle(
            actor=awarded.manager, initiative=awarded.initiative, clawback_cents=40_001, reason="x"
        )
    assert not Settlement.objects.exists()
    assert voucher_selectors.balance_cents(awarded.voucher) == 110_000

    settlement = services.settle(
        actor=awarded.manager,
        initiative=awarded.initiative,
        clawback_cents=10_000,
        reason="Een factuur van € 100 was voor een privéfeest.",
    )
    assert settlement.clawback_cents == 10_000
    receivable = LedgerAccount.objects.get(
        kind=AccountKind.CLAWBACK, owner_key=f"initiative:{awarded.initiative.pk}"
    )
    assert receivable.balance_cents == 10_000
    event = AuditEvent.objects.get(action="accountability.settlement.settled")
    assert event.after["clawback_cents"] == 10_000 and "privéfeest" in event.details["reason"]
    assert verify_balances(municipality=awarded.scheme.municipality) == []


def test_only_an_accepted_report_is_settled_and_only_by_the_budget_manager(awarded) -> None:  # type: ignore[no-untyped-def]
    _report(awarded)
    with pytest.raises(ValidationError):
        services.settle(actor=awarded.manager, initiative=awarded.initiative)
    with pytest.raises(PermissionDenied):
        services.accept_report(actor=awarded.initiative.initiator, initiative=awarded.initiative)
    services.accept_report(actor=awarded.group.chair, initiative=awarded.initiative)
    with pytest.raises(PermissionDenied):
        services.settle(actor=awarded.group.chair, initiative=awarded.initiative)
    awarded.refresh()
    assert awarded.initiative.status == S.ACCOUNTED
    assert awarded.voucher.status == VoucherStatus.ISSUED


def test_a_returned_report_is_improved_and_sent_again(awarded) -> None:  # type: ignore[no-untyped-def]
    _report(awarded)
    services.return_report(actor=awarded.manager, initiative=awarded.initiative, reason="Voeg foto's toe.")
    awarded.refresh()
    assert awarded.initiative.status == S.ACCOUNTING_DUE
    _report(awarded, photos=[(io.BytesIO(PNG_BYTES), "foto.png")])
    awarded.refresh()
    assert awarded.initiative.status == S.ACCOUNTED
    assert ExecutionReport.objects.count() == 1
