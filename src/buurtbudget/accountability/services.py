"""Accounting and settlement of an awarded initiative (SPEC §3, §4: verantwoording, vaststelling).

Each function runs in one durable transaction with its audit event and schedules its e-mails on commit.
Money only moves through the ledger: the voucher's rest returns to the scheme (as `vouchers.close_voucher`
does, composed here into the settlement's own transaction) and a claw-back is booked as a receivable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtbudget.accounts.models import User
from buurtbudget.audit import services as audit
from buurtbudget.contrib.uploads import UploadRejected, check_document
from buurtbudget.initiatives import services as initiatives
from buurtbudget.initiatives.lifecycle import INITIATIVE_MACHINE, MANAGE_OWN, SETTLE
from buurtbudget.initiatives.models import Initiative
from buurtbudget.initiatives.models import InitiativeStatus as S
from buurtbudget.ledger import services as ledger
from buurtbudget.ledger.models import AccountKind, LedgerAccount
from buurtbudget.notifications.effects import people_involved
from buurtbudget.notifications.services import notify
from buurtbudget.payments.models import PaymentRequest, PaymentStatus
from buurtbudget.schemes import services as schemes
from buurtbudget.schemes.models import Scheme
from buurtbudget.statemachine.services import TransitionNotAllowed, apply_transition
from buurtbudget.vouchers.models import Voucher, VoucherStatus
from buurtbudget.vouchers.selectors import voucher_account
from buurtbudget.vouchers.services import VOUCHER_MACHINE

from . import selectors
from .models import DeadlineReminder, ExecutionReport, ReportPhoto, Settlement

ACCEPT_PERMISSIONS = ("regiegroep.decide", SETTLE)
MAX_PHOTOS = 10
MAX_TEXT = 10_000
CLAWBACK = "accountability.clawback"

__all__ = ["TransitionNotAllowed"]


def _locked(initiative: Initiative) -> Initiative:
    return (
        Initiative.objects.select_for_update(of=("self",))
        .select_related("municipality", "scheme__area", "area", "initiator", "contact_official")
        .get(pk=initiative.pk)
    )


def _date(value: dt.date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def _tell(initiative: Initiative, template: str, key: str, **context: Any) -> None:
    notify(
        recipients=people_involved(initiative),
        template=template,
        context={"title": initiative.title, "municipality": initiative.municipality.name, **context},
        key=key,
    )


# The execution report -----------------------------------------------------------------------------------


def submit_report(
    *,
    actor: User,
    initiative: Initiative,
    what_happened: str,
    participants: int,
    spending_notes: str = "",
    photos: Sequence[tuple[IO[bytes], str]] = (),
) -> ExecutionReport:
    """The initiator reports what happened, how many took part and (optionally) photos, and so accounts for
    the initiative: in execution → accounting due → accounted. `photos` are (stream, original name); only
    JPEG and PNG are accepted, checked by content. A report sent back is replaced by the new one."""
    what_happened = (what_happened or "").strip()
    spending_notes = (spending_notes or "").strip()
    errors: dict[str, str] = {}
    if not what_happened:
        errors["what_happened"] = _("Describe what happened.")
    elif len(what_happened) > MAX_TEXT or len(spending_notes) > MAX_TEXT:
        errors["what_happened"] = _("The text is too long (at most 10,000 characters).")
    if type(participants) is not int or participants < 0:
        errors["participants"] = _("Give the number of people who took part (0 or more).")
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = _("At most 10 photos.")
    checked = []
    for stream, name in photos:
        try:
            document = check_document(stream)
        except UploadRejected as rejected:
            errors["photos"] = str(rejected)
            break
        if document.kind not in ("jpeg", "png"):
            errors["photos"] = _("A photo must be a JPEG or PNG file.")
            break
        checked.append((stream, name, document))
    if errors:
        raise ValidationError(errors)

    with transaction.atomic(durable=True):
        locked = _locked(initiative)
        if not actor.has_perm(MANAGE_OWN, locked):
            raise PermissionDenied(_("You may not do this."))
        if locked.status == S.IN_EXECUTION:
            apply_transition(
                machine=INITIATIVE_MACHINE, instance=locked, name="finish_execution", actor=actor
            )
        if locked.status != S.ACCOUNTING_DUE:
            raise TransitionNotAllowed(_("A report can be sent only after the award, before the settlement."))
        now = timezone.now()
        report, created = ExecutionReport.objects.update_or_create(
            initiative=locked,
            defaults={
                "what_happened": what_happened,
                "participants": participants,
                "spending_notes": spending_notes,
                "submitted_by": actor,
                "submitted_at": now,
                "accepted_by": None,
                "accepted_at": None,
            },
        )
        if report.photos.count() + len(checked) > MAX_PHOTOS:
            raise ValidationError({"photos": _("At most 10 photos.")})
        for stream, name, document in checked:
            photo = ReportPhoto(
                report=report,
                original_name=(name or "")[:200],
                content_type=document.content_type,
                size=document.size,
            )
            photo.file.save(f"photo.{document.extension}", File(stream), save=False)
            photo.save()
        apply_transition(machine=INITIATIVE_MACHINE, instance=locked, name="account", actor=actor)
        audit.record(
            actor=actor,
            action="accountability.report.submitted",
            municipality=locked.municipality,
            obj=locked,
            after={"participants": participants, "photos": len(checked), "resubmitted": not created},
        )
        _tell(
            locked,
            "accountability/email/report_submitted",
            key=f"report:{report.pk}:{now.isoformat()}",
            participants=participants,
        )
    initiative.status = locked.status
    return report


def _may_accept(actor: Any, initiative: Initiative) -> bool:
    return any(actor.has_perm(permission, initiative) for permission in ACCEPT_PERMISSIONS)


def accept_report(*, actor: User, initiative: Initiative) -> ExecutionReport:
    """The regiegroep or a budget manager accepts the report: the initiative may then be settled."""
    with transaction.atomic(durable=True):
        locked = _locked(initiative)
        if not _may_accept(actor, locked):
            raise PermissionDenied(_("You may not do this."))
        report = ExecutionReport.objects.select_for_update().filter(initiative=locked).first()
        if report is None or locked.status != S.ACCOUNTED:
            raise ValidationError(_("There is no submitted report to accept."))
        if report.accepted_at is None:
            report.accepted_by = actor
            report.accepted_at = timezone.now()
            report.save(update_fields=["accepted_by", "accepted_at"])
            audit.record(
                actor=actor,
                action="accountability.report.accepted",
                municipality=locked.municipality,
                obj=locked,
            )
            _tell(
                locked,
                "accountability/email/report_accepted",
                key=f"report:{report.pk}:accepted:{report.accepted_at.isoformat()}",
            )
        return report


def return_report(*, actor: User, initiative: Initiative, reason: str) -> Initiative:
    """A budget manager sends the report back with a reason: the initiators improve and resubmit it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    with transaction.atomic(durable=True):
        locked = _locked(initiative)
        apply_transition(
            machine=INITIATIVE_MACHINE, instance=locked, name="return_accounting", actor=actor, reason=reason
        )
        ExecutionReport.objects.filter(initiative=locked).update(accepted_by=None, accepted_at=None)
        _tell(
            locked,
            "accountability/email/report_returned",
            key=f"report:{locked.pk}:returned:{timezone.now().isoformat()}",
            reason=reason,
        )
    initiative.status = locked.status
    return locked


# Settlement ---------------------------------------------------------------------------------------------


def _close_voucher(*, actor: Any, voucher: Voucher, reason: str) -> int:
    """Inside the settlement's transaction: end the voucher (cancel if still usable, then close) and return
    its rest to the scheme (or the municipality when the scheme has closed). Returns the cents returned."""
    if voucher.status in (VoucherStatus.ISSUED, VoucherStatus.PARTLY_REDEEMED):
        voucher = apply_transition(
            machine=VOUCHER_MACHINE, instance=voucher, name="cancel", actor=actor, reason=reason
        )
    if voucher.status != VoucherStatus.CLOSED:
        voucher = apply_transition(machine=VOUCHER_MACHINE, instance=voucher, name="close", actor=actor)
    account = LedgerAccount.objects.select_for_update().get(pk=voucher_account(voucher).pk)
    if account.balance_cents <= 0:
        return 0
    rest = account.balance_cents
    schemes.return_to_scheme_or_source(
        actor=actor,
        scheme=Scheme.objects.get(pk=voucher.scheme_id),
        from_account=account,
        amount_cents=rest,
        # The key vouchers.close_voucher uses: the rest is returned once, whoever closes the voucher.
        idempotency_key=f"voucher:{voucher.pk}:close",
        why=f"Rest van voucher {voucher.display_code} terug bij vaststelling / rest returned at settlement",
    )
    return rest


def _book_clawback(*, actor: Any, initiative: Initiative, amount_cents: int, reason: str) -> None:
    """A claim on the holder: receivable +amount against 'claimed back' (settled when the money comes in)."""
    municipality = initiative.municipality
    receivable = ledger.account_for(
        municipality=municipality,
        kind=AccountKind.CLAWBACK,
        owner_key=f"initiative:{initiative.pk}",
        name=f"Terugvordering / claw-back: {initiative.title}"[:200],
        scheme=initiative.scheme,
    )
    claimed = ledger.account_for(
        municipality=municipality,
        kind=AccountKind.CLAWBACK,
        owner_key=f"initiative:{initiative.pk}:claimed",
        name=f"Teruggevorderd / clawed back: {initiative.title}"[:200],
        may_go_negative=True,
        scheme=initiative.scheme,
    )
    ledger.book(
        municipality=municipality,
        kind=CLAWBACK,
        description=f"Terugvordering / claw-back {initiative.title}: {reason}",
        idempotency_key=f"initiative:{initiative.pk}:clawback",
        postings=[(receivable, amount_cents), (claimed, -amount_cents)],
        actor=actor,
    )


def settle(*, actor: User, initiative: Initiative, clawback_cents: int = 0, reason: str = "") -> Settlement:
    """Settle (vaststellen) an accounted initiative whose report was accepted: the voucher is ended and its
    unspent rest returns to the scheme; when spending did not follow the award, `clawback_cents` (at most
    what was spent) is claimed back from the holder, with a reason. Only a budget manager settles."""
    reason = (reason or "").strip()
    if type(clawback_cents) is not int or clawback_cents < 0:
        raise ValidationError({"clawback_cents": _("The amount to claw back must be 0 or more.")})
    if clawback_cents and not reason:
        raise ValidationError({"reason": _("Give the reason for the claw-back.")})
    with transaction.atomic(durable=True):
        locked = _locked(initiative)
        if not actor.has_perm(SETTLE, locked):
            raise PermissionDenied(_("You may not do this."))
        report = ExecutionReport.objects.filter(initiative=locked).first()
        if locked.status != S.ACCOUNTED or report is None or report.accepted_at is None:
            raise ValidationError(_("Only an initiative with an accepted report can be settled."))
        voucher = selectors.voucher_of(locked)
        if voucher is not None:
            voucher = (
                Voucher.objects.select_for_update(of=("self",))
                .select_related("municipality", "scheme")
                .get(pk=voucher.pk)
            )
            if PaymentRequest.objects.filter(voucher=voucher, status=PaymentStatus.SUBMITTED).exists():
                raise ValidationError(_("First approve or reject the open payment requests of this voucher."))
        before = selectors.spending(locked)
        spent = before.spent_cents
        if clawback_cents > spent:
            raise ValidationError(
                {
                    "clawback_cents": _("You cannot claw back more than was spent (%(spent)s).")
                    % {"spent": ledger.format_cents(spent)}
                }
            )
        returned = (
            _close_voucher(actor=actor, voucher=voucher, reason=reason or "Vastgesteld / settled")
            if voucher
            else 0
        )
        if clawback_cents:
            _book_clawback(actor=actor, initiative=locked, amount_cents=clawback_cents, reason=reason)
        try:
            with transaction.atomic():
                settlement = Settlement.objects.create(
                    initiative=locked,
                    voucher=voucher,
                    awarded_cents=locked.awarded_cents or 0,
                    spent_cents=spent,
                    returned_cents=before.returned_cents + returned,
                    clawback_cents=clawback_cents,
                    reason=reason,
                    settled_by=actor,
                )
        except IntegrityError:
            raise ValidationError(_("This initiative has already been settled.")) from None
        apply_transition(
            machine=INITIATIVE_MACHINE,
            instance=locked,
            name="settle",
            actor=actor,
            reason=reason,
            details={
                "spent_cents": spent,
                "returned_cents": settlement.returned_cents,
                "clawback_cents": clawback_cents,
            },
        )
        audit.record(
            actor=actor,
            action="accountability.settlement.settled",
            municipality=locked.municipality,
            obj=locked,
            after={
                "awarded_cents": settlement.awarded_cents,
                "spent_cents": spent,
                "returned_cents": settlement.returned_cents,
                "clawback_cents": clawback_cents,
                "voucher": voucher.pk if voucher else None,
            },
            details={"reason": reason} if reason else {},
        )
        _tell(
            locked,
            "accountability/email/settled",
            key=f"settlement:{settlement.pk}",
            spent=ledger.format_cents(spent),
            returned=ledger.format_cents(settlement.returned_cents),
            clawback=ledger.format_cents(clawback_cents) if clawback_cents else "",
            reason=reason,
        )
    initiative.status = locked.status
    return settlement


# Deadline reminders -------------------------------------------------------------------------------------


def send_deadline_reminders(*, today: dt.date | None = None) -> int:
    """E-mail the people involved before (14 and 3 days) and after the execution and accounting deadlines,
    once per deadline and stage: rerunning the task (the same day or later) sends nothing twice. Then
    initiatives whose execution term has ended move on to accounting due. Returns the reminders sent."""
    day = today or timezone.localdate()
    sent = 0
    for due in selectors.reminders_due(today=day):
        initiative = due.initiative
        people = people_involved(initiative)
        try:
            with transaction.atomic(durable=True):
                with transaction.atomic():
                    reminder = DeadlineReminder.objects.create(
                        initiative=initiative,
                        kind=due.kind,
                        stage=due.stage,
                        due_on=due.due_on,
                        sent_on=day,
                        recipients=len(people),
                    )
                audit.record(
                    actor=None,
                    action="accountability.reminder.sent",
                    municipality=initiative.municipality,
                    obj=initiative,
                    details={"kind": due.kind, "stage": due.stage, "due_on": due.due_on.isoformat()},
                )
                notify(
                    recipients=people,
                    template=f"accountability/email/{due.kind}_reminder",
                    context={
                        "title": initiative.title,
                        "municipality": initiative.municipality.name,
                        "due_on": _date(due.due_on),
                        "days_left": due.days_left,
                        "overdue": due.stage == "overdue",
                    },
                    key=f"reminder:{reminder.pk}",
                )
        except IntegrityError:
            continue  # this stage of this deadline was reminded about before
        sent += 1
    end_execution_terms(today=day)
    return sent


def end_execution_terms(*, today: dt.date) -> int:
    """Initiatives whose execution term has ended move on to accounting due (the initiatives lifecycle's
    `execution_term_ended`, by the system). Returns how many moved."""
    moved = 0
    for initiative in selectors.execution_ended(today=today):
        try:
            initiatives.move(actor=None, initiative=initiative, name="execution_term_ended")
        except TransitionNotAllowed:
            continue  # moved meanwhile, or the term was extended
        moved += 1
    return moved
