"""Changing initiatives. Every function runs in one durable transaction, writes its audit event and schedules
its e-mails on commit. Views only validate input and call these."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtbudget.accounts.backends import forget_roles
from buurtbudget.accounts.models import Role, RoleAssignment, User
from buurtbudget.accounts.permissions import object_key
from buurtbudget.areas.models import Area
from buurtbudget.areas.postcodes import is_valid_postcode, normalise_postcode
from buurtbudget.areas.selectors import areas_for_address
from buurtbudget.audit import services as audit
from buurtbudget.contrib.uploads import UploadRejected, check_document
from buurtbudget.schemes import services as scheme_services
from buurtbudget.schemes.models import ProcessModel, Scheme
from buurtbudget.statemachine.services import TransitionNotAllowed, apply_transition

from .lifecycle import DECIDE, INITIATIVE_MACHINE, MANAGE_OWN
from .models import (
    Attachment,
    AttachmentKind,
    BudgetLine,
    BudgetLineKind,
    CoInitiator,
    FeeRecipient,
    Initiative,
    InitiativeStatus,
)

DRAFT_FIELDS = (
    "title",
    "what_and_why",
    "for_whom",
    "location",
    "location_postcode",
    "location_house_number",
    "starts_on",
    "ends_on",
    "own_contribution_cents",
    "parental_consent",
    "excluded_purposes_declared",
)
MAX_BUDGET_LINES = 30
MAX_CO_INITIATORS = 10
MAX_ATTACHMENTS = 10

__all__ = ["TransitionNotAllowed"]


def _locked_editable(*, actor: User, initiative: Initiative) -> Initiative:
    """Lock the initiative and check that `actor` may still edit it."""
    locked = (
        Initiative.objects.select_for_update(of=("self",))
        .select_related("scheme", "municipality")
        .get(pk=initiative.pk)
    )
    if not actor.has_perm(MANAGE_OWN, locked):
        raise PermissionDenied(_("You may not change this initiative."))
    if not locked.is_editable:
        raise ValidationError(_("This initiative can no longer be changed: it has been submitted."))
    return locked


def _grant_initiator_role(*, actor: Any, user: User, initiative: Initiative) -> None:
    """The initiator's permissions on this one initiative: an object-scoped initiator role.

    Written here, inside the caller's transaction, because `accounts.services.assign_role` is durable and
    checks the actor's right to manage roles (a resident making a draft has none)."""
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=Role.INITIATOR,
        municipality=initiative.municipality,
        area=None,
        object_key=object_key(initiative),
        defaults={"granted_by": None},
    )
    if created:
        audit.record(
            actor=actor,
            action="accounts.role_assigned",
            municipality=initiative.municipality,
            obj=assignment,
            after={"user": user.pk, "role": Role.INITIATOR, "area": None, "object": object_key(initiative)},
        )
    forget_roles(user)


def find_place(*, scheme: Scheme, postcode: str, house_number: int | None) -> Area:
    """The deepest area of the scheme's municipality that an address lies in, or ValidationError."""
    code = normalise_postcode(postcode or "")
    if not is_valid_postcode(code):
        raise ValidationError({"location_postcode": _("Enter a postcode like 1234 AB.")})
    found = areas_for_address(postcode=code, house_number=house_number, municipality=scheme.municipality)
    if not found:
        raise ValidationError(
            {
                "location_postcode": _("We cannot find this address in %(municipality)s.")
                % {"municipality": scheme.municipality.name}
            }
        )
    return max(found, key=lambda a: a.depth)


def _apply_changes(*, initiative: Initiative, changes: dict[str, Any]) -> list[str]:
    unknown = set(changes) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"not draft fields: {sorted(unknown)}")
    for name, value in changes.items():
        if name == "location_postcode":
            value = normalise_postcode(value or "")
        setattr(initiative, name, value)
    if initiative.own_contribution_cents is None or initiative.own_contribution_cents < 0:
        raise ValidationError({"own_contribution_cents": _("The own contribution cannot be negative.")})
    if initiative.starts_on and initiative.ends_on and initiative.ends_on < initiative.starts_on:
        raise ValidationError({"ends_on": _("The end date is before the start date.")})
    fields = list(changes)
    if "location_postcode" in changes or "location_house_number" in changes:
        if initiative.location_postcode:
            initiative.area = find_place(
                scheme=initiative.scheme,
                postcode=initiative.location_postcode,
                house_number=initiative.location_house_number,
            )
        else:
            initiative.area = None
        fields.append("area")
    return fields


def create_draft(*, actor: User, scheme: Scheme, changes: dict[str, Any], client_key: str = "") -> Initiative:
    """Start an initiative under a voucher scheme; the resident is its initiator.

    `client_key` (from the form) makes a retried request return the draft it made the first time."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in first."))
    client_key = client_key[:64]
    if client_key:
        existing = Initiative.objects.filter(initiator=actor, client_key=client_key).first()
        if existing is not None:
            return existing
    if scheme.process_model != ProcessModel.VOUCHER or scheme.is_closed:
        raise ValidationError(_("This scheme does not take initiatives."))
    if not (changes.get("title") or "").strip():
        raise ValidationError({"title": _("Give your plan a title.")})
    with transaction.atomic(durable=True):
        initiative = Initiative(
            municipality=scheme.municipality, scheme=scheme, initiator=actor, title="", client_key=client_key
        )
        _apply_changes(initiative=initiative, changes=changes)
        try:
            with transaction.atomic():
                initiative.save()
        except IntegrityError:
            # The same form sent twice at once: the other request made the draft.
            if not client_key:
                raise
            return Initiative.objects.get(initiator=actor, client_key=client_key)
        _grant_initiator_role(actor=actor, user=actor, initiative=initiative)
        audit.record(
            actor=actor,
            action="initiatives.initiative.create_draft",
            municipality=initiative.municipality,
            obj=initiative,
            after=audit.snapshot(initiative, ["title", "scheme", "area"]),
        )
        return initiative


def update_draft(*, actor: User, initiative: Initiative, changes: dict[str, Any]) -> Initiative:
    with transaction.atomic(durable=True):
        locked = _locked_editable(actor=actor, initiative=initiative)
        if "title" in changes and not (changes["title"] or "").strip():
            raise ValidationError({"title": _("Give your plan a title.")})
        before = audit.snapshot(locked, list(changes))
        fields = _apply_changes(initiative=locked, changes=changes)
        if fields:
            locked.save(update_fields=[*fields, "updated_at"])
        audit.record(
            actor=actor,
            action="initiatives.initiative.update_draft",
            municipality=locked.municipality,
            obj=locked,
            before=before,
            after=audit.snapshot(locked, list(changes)),
        )
        return locked


def _clean_line(line: dict[str, Any]) -> dict[str, Any]:
    description = (line.get("description") or "").strip()
    amount = line.get("amount_cents")
    kind = line.get("kind") or BudgetLineKind.OTHER
    if not description:
        raise ValidationError({"description": _("Say what the money is for.")})
    if type(amount) is not int or amount <= 0:
        raise ValidationError({"amount_cents": _("Enter an amount of more than 0 euro.")})
    if kind not in BudgetLineKind.values:
        raise ValidationError({"kind": _("Choose a kind of cost.")})
    cleaned: dict[str, Any] = {
        "description": description[:200],
        "amount_cents": amount,
        "kind": kind,
        "fee_recipient": "",
        "hours": None,
        "hourly_rate_cents": None,
    }
    if kind == BudgetLineKind.FEES:
        recipient = line.get("fee_recipient") or ""
        hours = line.get("hours")
        rate = line.get("hourly_rate_cents")
        if recipient not in FeeRecipient.values:
            raise ValidationError({"fee_recipient": _("Say who is paid: a resident or a professional.")})
        if hours is None or Decimal(hours) <= 0:
            raise ValidationError({"hours": _("Enter the number of hours.")})
        if type(rate) is not int or rate <= 0:
            raise ValidationError({"hourly_rate_cents": _("Enter the rate per hour.")})
        cleaned.update(fee_recipient=recipient, hours=Decimal(hours), hourly_rate_cents=rate)
    return cleaned


def add_budget_line(*, actor: User, initiative: Initiative, line: dict[str, Any]) -> BudgetLine:
    cleaned = _clean_line(line)
    with transaction.atomic(durable=True):
        locked = _locked_editable(actor=actor, initiative=initiative)
        count = locked.budget_lines.count()
        if count >= MAX_BUDGET_LINES:
            raise ValidationError(_("A budget has at most %(n)s lines.") % {"n": MAX_BUDGET_LINES})
        created = BudgetLine.objects.create(initiative=locked, position=count, **cleaned)
        audit.record(
            actor=actor,
            action="initiatives.initiative.budget_line_added",
            municipality=locked.municipality,
            obj=locked,
            after={
                "line": created.pk,
                "description": created.description,
                "amount_cents": created.amount_cents,
            },
        )
        return created


def remove_budget_line(*, actor: User, line: BudgetLine) -> None:
    with transaction.atomic(durable=True):
        locked = _locked_editable(actor=actor, initiative=line.initiative)
        current = BudgetLine.objects.filter(pk=line.pk, initiative=locked).first()
        if current is None:
            return  # already removed: a retried request changes nothing
        audit.record(
            actor=actor,
            action="initiatives.initiative.budget_line_removed",
            municipality=locked.municipality,
            obj=locked,
            before={
                "line": current.pk,
                "description": current.description,
                "amount_cents": current.amount_cents,
            },
        )
        current.delete()


def set_budget(
    *, actor: User, initiative: Initiative, lines: list[dict[str, Any]], own_contribution_cents: int
) -> Initiative:
    """Replace all budget lines and the own contribution at once (the budget page's form): all or nothing."""
    cleaned = [_clean_line(line) for line in lines]
    if len(cleaned) > MAX_BUDGET_LINES:
        raise ValidationError(_("A budget has at most %(n)s lines.") % {"n": MAX_BUDGET_LINES})
    if type(own_contribution_cents) is not int or own_contribution_cents < 0:
        raise ValidationError({"own_contribution_cents": _("The own contribution cannot be negative.")})
    with transaction.atomic(durable=True):
        locked = _locked_editable(actor=actor, initiative=initiative)
        before = {
            "lines": [[b.description, b.amount_cents, b.kind] for b in locked.budget_lines.all()],
            "own_contribution_cents": locked.own_contribution_cents,
        }
        locked.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(
            [BudgetLine(initiative=locked, position=i, **line) for i, line in enumerate(cleaned)]
        )
        locked.own_contribution_cents = own_contribution_cents
        locked.requested_cents = sum(line["amount_cents"] for line in cleaned)
        locked.save(update_fields=["own_contribution_cents", "requested_cents", "updated_at"])
        audit.record(
            actor=actor,
            action="initiatives.initiative.budget_set",
            municipality=locked.municipality,
            obj=locked,
            before=before,
            after={
                "lines": [[b["description"], b["amount_cents"], b["kind"]] for b in cleaned],
                "own_contribution_cents": own_contribution_cents,
            },
        )
        return locked


def _send_invitation(co: CoInitiator, inviter_name: str) -> None:
    path = reverse("initiatives:confirm_co_initiator", kwargs={"token": co.token})
    base = getattr(settings, "PUBLIC_BASE_URL", "").rstrip("/")
    send_mail(
        subject=_("Invitation: help with the plan '%(title)s'") % {"title": co.initiative.title},
        message=_(
            "%(name)s asks you to be a co-initiator of the plan '%(title)s'.\n\n"
            "Agree via this link (sign in or make an account first):\n%(url)s\n\n"
            "Do you not know this plan? Then you can ignore this e-mail."
        )
        % {"name": inviter_name, "title": co.initiative.title, "url": f"{base}{path}"},
        from_email=None,
        recipient_list=[co.email],
    )


def invite_co_initiator(*, actor: User, initiative: Initiative, email: str) -> CoInitiator:
    address = (email or "").strip().lower()
    try:
        from django.core.validators import validate_email

        validate_email(address)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    if address == actor.email.lower():
        raise ValidationError({"email": _("You cannot invite yourself.")})
    with transaction.atomic(durable=True):
        locked = _locked_editable(actor=actor, initiative=initiative)
        existing = CoInitiator.objects.filter(initiative=locked, email=address).first()
        if existing is not None:
            return existing  # invited before: no second invitation
        if CoInitiator.objects.filter(initiative=locked).count() >= MAX_CO_INITIATORS:
            raise ValidationError(_("You can invite at most %(n)s people.") % {"n": MAX_CO_INITIATORS})
        co = CoInitiator.objects.create(initiative=locked, email=address)
        audit.record(
            actor=actor,
            action="initiatives.initiative.co_initiator_invited",
            municipality=locked.municipality,
            obj=locked,
            after={"co_initiator": co.pk},
        )
        name = actor.get_full_name()
        transaction.on_commit(lambda: _send_invitation(co, name))
        return co


def confirm_co_initiator(*, actor: User, token: str) -> CoInitiator:
    """The invited person agrees to be a co-initiator (signed in, with the link from the e-mail)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in first."))
    with transaction.atomic(durable=True):
        co = (
            CoInitiator.objects.select_for_update(of=("self",))
            .select_related("initiative")
            .filter(token=token)
            .first()
        )
        if co is None:
            raise ValidationError(_("This invitation link is not valid."))
        if co.initiative.initiator_id == actor.pk:
            raise ValidationError(_("You are the initiator of this plan yourself."))
        if co.confirmed_at is not None:
            if co.user_id == actor.pk:
                return co  # confirmed before: a second click changes nothing
            raise ValidationError(_("This invitation has already been used."))
        if co.initiative.status in (
            InitiativeStatus.WITHDRAWN,
            InitiativeStatus.REJECTED,
            InitiativeStatus.CLOSED,
        ):
            raise ValidationError(_("This plan is no longer running."))
        co.user = actor
        co.confirmed_at = timezone.now()
        co.save(update_fields=["user", "confirmed_at"])
        audit.record(
            actor=actor,
            action="initiatives.initiative.co_initiator_confirmed",
            municipality=co.initiative.municipality,
            obj=co.initiative,
            after={"co_initiator": co.pk},
        )
        return co


def remove_co_initiator(*, actor: User, co_initiator: CoInitiator) -> None:
    with transaction.atomic(durable=True):
        locked = _locked_editable(actor=actor, initiative=co_initiator.initiative)
        deleted, _rows = CoInitiator.objects.filter(pk=co_initiator.pk, initiative=locked).delete()
        if deleted:
            audit.record(
                actor=actor,
                action="initiatives.initiative.co_initiator_removed",
                municipality=locked.municipality,
                obj=locked,
                before={"co_initiator": co_initiator.pk},
            )


def add_attachment(
    *, actor: User, initiative: Initiative, stream: IO[bytes], name: str, kind: str, size: int | None = None
) -> Attachment:
    """Attach a photo (JPEG/PNG) or document (PDF/JPEG/PNG), checked by its content."""
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("Choose photo or document.")})
    try:
        checked = check_document(stream, size=size)
    except UploadRejected as error:
        raise ValidationError({"file": str(error)}) from None
    if kind == AttachmentKind.PHOTO and checked.kind not in ("jpeg", "png"):
        raise ValidationError({"file": _("A photo must be a JPEG or PNG file.")})
    with transaction.atomic(durable=True):
        locked = _locked_editable(actor=actor, initiative=initiative)
        if Attachment.objects.filter(initiative=locked).count() >= MAX_ATTACHMENTS:
            raise ValidationError(_("You can add at most %(n)s files.") % {"n": MAX_ATTACHMENTS})
        attachment = Attachment(
            initiative=locked,
            kind=kind,
            content_type=checked.content_type,
            size=checked.size,
            original_name=(name or "")[-200:],
        )
        attachment.file.save(f"upload.{checked.extension}", File(stream), save=False)
        path = attachment.file.name
        try:
            attachment.save()
            audit.record(
                actor=actor,
                action="initiatives.initiative.attachment_added",
                municipality=locked.municipality,
                obj=locked,
                after={
                    "attachment": attachment.pk,
                    "content_type": checked.content_type,
                    "size": checked.size,
                },
            )
        except Exception:
            attachment.file.storage.delete(path)
            raise
        return attachment


def remove_attachment(*, actor: User, attachment: Attachment) -> None:
    with transaction.atomic(durable=True):
        locked = _locked_editable(actor=actor, initiative=attachment.initiative)
        current = Attachment.objects.filter(pk=attachment.pk, initiative=locked).first()
        if current is None:
            return
        path, storage = current.file.name, current.file.storage
        audit.record(
            actor=actor,
            action="initiatives.initiative.attachment_removed",
            municipality=locked.municipality,
            obj=locked,
            before={"attachment": current.pk},
        )
        current.delete()
        transaction.on_commit(lambda: storage.delete(path))


def submit(*, actor: User, initiative: Initiative) -> Initiative:
    """Submit (or, after a request for changes, resubmit) an initiative.

    Stores the requested amount and the scheme's rule version in force now, runs the automatic rule check
    against that version (refused when a blocking rule fails), and starts the decision term."""
    with transaction.atomic(durable=True):
        locked = (
            Initiative.objects.select_for_update(of=("self",)).select_related("scheme").get(pk=initiative.pk)
        )
        if not actor.has_perm(MANAGE_OWN, locked):
            raise PermissionDenied(_("You may not submit this initiative."))
        version = scheme_services.ensure_rule_version(scheme=locked.scheme)
        locked.rule_version = version
        locked.requested_cents = sum(locked.budget_lines.values_list("amount_cents", flat=True))
        locked.save(update_fields=["rule_version", "requested_cents", "updated_at"])
        apply_transition(
            machine=INITIATIVE_MACHINE,
            instance=locked,
            name="submit",
            actor=actor,
            details={"rule_version": version.number, "requested_cents": locked.requested_cents},
        )
        now = timezone.now()
        locked.submitted_at = now
        locked.decision_due_on = timezone.localdate(now) + dt.timedelta(
            days=int(version.rule("decision_term_days"))
        )
        locked.decision_term_extended = False
        locked.save(update_fields=["submitted_at", "decision_due_on", "decision_term_extended", "updated_at"])
        initiative.status = locked.status
        return locked


def withdraw(*, actor: User, initiative: Initiative, reason: str = "") -> Initiative:
    with transaction.atomic(durable=True):
        return apply_transition(
            machine=INITIATIVE_MACHINE, instance=initiative, name="withdraw", actor=actor, reason=reason
        )


DECISIONS = ("award", "reject", "request_changes")


def apply_decision(
    *, actor: User, initiative: Initiative, decision: str, reason: str, awarded_cents: int | None = None
) -> Initiative:
    """Record a regiegroep decision inside the caller's transaction (the regiegroep's decide service).

    Award: the awarded amount (default: the requested amount, never more), the execution and accounting
    terms from the initiative's rule version. The rule version is kept with the decision's audit event."""
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    locked = (
        Initiative.objects.select_for_update(of=("self",))
        .select_related("rule_version")
        .get(pk=initiative.pk)
    )
    version = locked.rule_version
    details: dict[str, Any] = {"rule_version": version.number if version else None}
    if decision == "award":
        amount = locked.requested_cents if awarded_cents is None else awarded_cents
        if type(amount) is not int or amount <= 0 or amount > locked.requested_cents:
            raise ValidationError(
                _("The awarded amount must be more than 0 and at most the requested amount.")
            )
        details["awarded_cents"] = amount
    apply_transition(
        machine=INITIATIVE_MACHINE,
        instance=locked,
        name=decision,
        actor=actor,
        reason=reason,
        details=details,
    )
    now = timezone.now()
    locked.decided_at = now
    fields = ["decided_at", "updated_at"]
    if decision == "award" and version is not None:
        locked.awarded_cents = details["awarded_cents"]
        locked.execution_ends_on = timezone.localdate(now) + dt.timedelta(
            days=int(version.rule("execution_term_days"))
        )
        locked.accounting_due_on = locked.execution_ends_on + dt.timedelta(
            days=int(version.rule("accounting_term_days"))
        )
        fields += ["awarded_cents", "execution_ends_on", "accounting_due_on"]
    locked.save(update_fields=fields)
    initiative.status = locked.status
    return locked


def decide(
    *, actor: User, initiative: Initiative, decision: str, reason: str, awarded_cents: int | None = None
) -> Initiative:
    with transaction.atomic(durable=True):
        return apply_decision(
            actor=actor, initiative=initiative, decision=decision, reason=reason, awarded_cents=awarded_cents
        )


def extend_decision_term(*, actor: User, initiative: Initiative, reason: str) -> Initiative:
    """Extend the decision term once, by the scheme's extension (default 4 weeks), with a reason."""
    if not reason.strip():
        raise ValidationError(_("A reason is required."))
    with transaction.atomic(durable=True):
        locked = (
            Initiative.objects.select_for_update(of=("self",))
            .select_related("rule_version")
            .get(pk=initiative.pk)
        )
        if not actor.has_perm(DECIDE, locked):
            raise PermissionDenied(_("You may not do this."))
        if locked.status not in (InitiativeStatus.SUBMITTED, InitiativeStatus.IN_CONSULTATION):
            raise ValidationError(_("Only the term of an undecided initiative can be extended."))
        if locked.decision_term_extended or locked.decision_due_on is None or locked.rule_version is None:
            raise ValidationError(_("The decision term can be extended only once."))
        before = locked.decision_due_on
        locked.decision_due_on = before + dt.timedelta(
            days=int(locked.rule_version.rule("decision_term_extension_days"))
        )
        locked.decision_term_extended = True
        locked.save(update_fields=["decision_due_on", "decision_term_extended", "updated_at"])
        audit.record(
            actor=actor,
            action="initiatives.initiative.decision_term_extended",
            municipality=locked.municipality,
            obj=locked,
            before={"decision_due_on": str(before)},
            after={"decision_due_on": str(locked.decision_due_on)},
            details={"reason": reason},
        )
        return locked


def move(*, actor: User | None, initiative: Initiative, name: str, reason: str = "") -> Initiative:
    """The later steps (start_execution, finish_execution, execution_term_ended, account, return_accounting,
    settle, close, start_consultation) that have no data of their own yet."""
    if name in ("submit", *DECISIONS):
        raise ValueError(f"use the service for {name!r}")
    with transaction.atomic(durable=True):
        return apply_transition(
            machine=INITIATIVE_MACHINE, instance=initiative, name=name, actor=actor, reason=reason
        )
