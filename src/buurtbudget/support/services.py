"""Changing support: the fixed contact official, the ACTIE check and notes. One durable transaction each,
with its audit event; e-mails go out after commit through `notifications.notify`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from buurtbudget.accounts.models import User
from buurtbudget.audit import services as audit
from buurtbudget.initiatives.models import Initiative
from buurtbudget.notifications.services import notify

from .models import DIMENSIONS, ActieCheck, SupportNeed, SupportNote

ASSIGN = "support.assign_official"
SUPPORT = "initiatives.support"
MAX_NOTE = 5000


def is_contact_official(user: Any, initiative: Initiative) -> bool:
    """The initiative's own contact official, who still holds a contact-official role covering it."""
    return bool(
        getattr(user, "is_authenticated", False)
        and initiative.contact_official_id == user.pk
        and user.has_perm(SUPPORT, initiative)
    )


def assign_contact_official(
    *, actor: User, initiative: Initiative, official: User, reason: str = ""
) -> Initiative:
    """Make `official` the initiative's one fixed contact official. Only a budget manager of the
    municipality does this; changing an existing official needs a reason. The initiator and the new
    official are told by e-mail."""
    reason = (reason or "").strip()
    with transaction.atomic(durable=True):
        locked = (
            Initiative.objects.select_for_update(of=("self",))
            .select_related("scheme__area", "area")
            .get(pk=initiative.pk)
        )
        if not actor.has_perm(ASSIGN, locked):
            raise PermissionDenied(_("You may not do this."))
        if not official.is_active or not official.has_perm(SUPPORT, locked):
            raise ValidationError(
                {"official": _("This person is not a contact official for this initiative's area.")}
            )
        before = locked.contact_official_id
        if before == official.pk:
            return locked
        if before is not None and not reason:
            raise ValidationError({"reason": _("Give a reason for changing the contact official.")})
        # Initiative.contact_official is set here only (the initiatives app has no service for it yet).
        Initiative.objects.filter(pk=locked.pk).update(contact_official=official)
        locked.contact_official = official
        audit.record(
            actor=actor,
            action="support.contact_official.assigned"
            if before is None
            else "support.contact_official.changed",
            municipality=locked.municipality,
            obj=locked,
            before={"contact_official": before},
            after={"contact_official": official.pk},
            details={"reason": reason} if reason else {},
        )
        notify(
            recipients=[locked.initiator, official],
            template="support/email/contact_official",
            context={"title": locked.title, "official_name": str(official), "official_email": official.email},
            key=f"support:contact:{locked.pk}:{official.pk}:{before or 0}",
        )
    initiative.contact_official = official
    return locked


def _clean_scores(scores: dict[str, Any]) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    errors: dict[str, str] = {}
    for name, label, _help in DIMENSIONS:
        value = scores.get(name)
        number: int | None = None
        if isinstance(value, (int, str)) and not isinstance(value, bool):
            try:
                number = int(value)
            except ValueError:
                number = None
        if number is None or number not in SupportNeed.values:
            errors[name] = _("Choose how much support is needed for %(dimension)s.") % {"dimension": label}
        else:
            cleaned[name] = number
    if errors:
        raise ValidationError(errors)
    return cleaned


def save_actie_check(
    *, actor: User, initiative: Initiative, scores: dict[str, Any], note: str = ""
) -> ActieCheck:
    """The contact official records (or updates) the ACTIE support check: per dimension 1 (no support
    needed) to 4 (much support needed), plus a note."""
    cleaned = _clean_scores(scores)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": _("The note is too long (at most 5000 characters).")})
    with transaction.atomic(durable=True):
        locked = (
            Initiative.objects.select_for_update(of=("self",))
            .select_related("scheme__area", "area")
            .get(pk=initiative.pk)
        )
        if not is_contact_official(actor, locked):
            raise PermissionDenied(_("Only the initiative's contact official fills in the ACTIE check."))
        check = ActieCheck.objects.filter(initiative=locked).first()
        before = {name: getattr(check, name) for name in cleaned} | {"note": check.note} if check else None
        if check is None:
            check = ActieCheck(initiative=locked)
        for name, value in cleaned.items():
            setattr(check, name, value)
        check.note = note
        check.filled_in_by = actor
        check.save()
        audit.record(
            actor=actor,
            action="support.actie_check.saved",
            municipality=locked.municipality,
            obj=locked,
            before=before,
            after={**cleaned, "note": note},
        )
        return check


def add_note(*, actor: User, initiative: Initiative, text: str) -> SupportNote:
    """The contact official writes a note for the regiegroep (not public)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the note first.")})
    if len(text) > MAX_NOTE:
        raise ValidationError({"text": _("The note is too long (at most 5000 characters).")})
    with transaction.atomic(durable=True):
        locked = (
            Initiative.objects.select_for_update(of=("self",))
            .select_related("scheme__area", "area")
            .get(pk=initiative.pk)
        )
        if not is_contact_official(actor, locked):
            raise PermissionDenied(_("Only the initiative's contact official writes support notes."))
        note = SupportNote.objects.create(initiative=locked, author=actor, text=text)
        audit.record(
            actor=actor,
            action="support.note.added",
            municipality=locked.municipality,
            obj=locked,
            details={"note": note.pk},
        )
        return note
