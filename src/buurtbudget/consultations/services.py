"""Running a wijkraadpleging: open it (the initiative moves to in_consultation), residents of the area respond
once each, it closes after its period, and its outcome is published for the regiegroep's decision record.

Every function runs in one durable transaction and writes its audit event; lifecycles go through
`statemachine.services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtbudget.areas.selectors import areas_for_address
from buurtbudget.audit import services as audit
from buurtbudget.initiatives.lifecycle import INITIATIVE_MACHINE
from buurtbudget.initiatives.models import Initiative, InitiativeStatus
from buurtbudget.statemachine.machine import StateMachine
from buurtbudget.statemachine.machine import transition as step
from buurtbudget.statemachine.services import TransitionNotAllowed, apply_transition

from .models import Choice, Consultation, ConsultationStatus, Response

S = ConsultationStatus
CHAIR = "regiegroep.chair"
DEFAULT_PERIOD_DAYS = 21
MAX_TEXT = 2000


def _period_over(consultation: Consultation, actor: Any) -> str | None:
    if consultation.closes_on < timezone.localdate():
        return None
    return _("The consultation is still running until %(date)s.") % {
        "date": consultation.closes_on.strftime("%d-%m-%Y")
    }


CONSULTATION_MACHINE = StateMachine(
    model=Consultation,
    state_field="status",
    audit_prefix="consultations.consultation",
    transitions=(
        step("close", sources=[S.OPEN], target=S.CLOSED, label="Close", guards=[_period_over]),
        step(
            "publish", sources=[S.CLOSED], target=S.PUBLISHED, label="Publish the outcome", permission=CHAIR
        ),
    ),
)


def period_days(initiative: Initiative) -> int:
    """The consultation period from the initiative's rule version (default 3 weeks)."""
    version = initiative.rule_version
    value = version.rules.get("consultation_period_days") if version is not None else None
    if value is None:
        value = initiative.scheme.rule("consultation_period_days")
    return int(value) if value else DEFAULT_PERIOD_DAYS


def open_consultation(
    *, actor: Any, initiative: Initiative, opens_on: dt.date | None = None, days: int | None = None
) -> Consultation:
    """Open the public consultation of a submitted initiative; it moves to in_consultation."""
    start = opens_on or timezone.localdate()
    length = days if days is not None else period_days(initiative)
    if length < 1:
        raise ValidationError(_("A consultation lasts at least one day."))
    if start < timezone.localdate():
        raise ValidationError(_("A consultation cannot start in the past."))
    with transaction.atomic(durable=True):
        locked = (
            Initiative.objects.select_for_update(of=("self",))
            .select_related("scheme__area", "area", "municipality")
            .get(pk=initiative.pk)
        )
        if not actor.has_perm(CHAIR, locked):
            raise PermissionDenied(_("Only the chair of the regiegroep can open a consultation."))
        if locked.status != InitiativeStatus.SUBMITTED:
            raise ValidationError(_("Only a submitted initiative can go to a consultation."))
        area = locked.area or locked.scheme.area
        if area is None:
            raise ValidationError(_("This initiative has no area, so no one can be asked for advice."))
        consultation = Consultation.objects.create(
            municipality=locked.municipality,
            initiative=locked,
            area=area,
            opens_on=start,
            closes_on=start + dt.timedelta(days=length),
            opened_by=actor,
        )
        audit.record(
            actor=actor,
            action="consultations.consultation.open",
            municipality=locked.municipality,
            obj=consultation,
            after={
                "initiative": locked.pk,
                "area": area.pk,
                "opens_on": consultation.opens_on.isoformat(),
                "closes_on": consultation.closes_on.isoformat(),
            },
        )
        apply_transition(
            machine=INITIATIVE_MACHINE,
            instance=locked,
            name="start_consultation",
            actor=actor,
            details={"consultation": consultation.pk},
        )
        initiative.status = locked.status
        return consultation


def resident_problem(*, resident: Any, consultation: Consultation) -> str | None:
    """Why this person may not respond (None when they may): period, log-in, address in the area."""
    today = timezone.localdate()
    if consultation.status != S.OPEN or today > consultation.closes_on:
        return _("This consultation is closed.")
    if today < consultation.opens_on:
        return _("This consultation opens on %(date)s.") % {
            "date": consultation.opens_on.strftime("%d-%m-%Y")
        }
    if not getattr(resident, "is_authenticated", False):
        return _("Log in to give your advice.")
    if not resident.postcode or not resident.house_number:
        return _(
            "Fill in your postcode and house number in your profile, so we can check that you live here."
        )
    areas = areas_for_address(
        postcode=resident.postcode, house_number=resident.house_number, municipality=consultation.municipality
    )
    if consultation.area_id not in {a.pk for a in areas}:
        return _("Only residents of %(area)s can respond. Your address is not in this area.") % {
            "area": consultation.area.name
        }
    return None


def respond(*, resident: Any, consultation: Consultation, choice: str, text: str = "") -> Response:
    """A resident of the area gives their advice, once."""
    text = (text or "").strip()
    if choice not in Choice.values:
        raise ValidationError({"choice": _("Choose for, against or only a comment.")})
    if choice == Choice.COMMENT and not text:
        raise ValidationError({"text": _("Write your comment.")})
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {"text": _("Your comment is too long: at most %(n)s characters.") % {"n": MAX_TEXT}}
        )
    with transaction.atomic(durable=True):
        locked = (
            Consultation.objects.select_for_update(of=("self",))
            .select_related("area", "municipality")
            .get(pk=consultation.pk)
        )
        problem = resident_problem(resident=resident, consultation=locked)
        if problem:
            raise ValidationError(problem)
        if Response.objects.filter(consultation=locked, resident=resident).exists():
            raise ValidationError(_("You already gave your advice on this plan. You can respond only once."))
        try:
            with transaction.atomic():
                response = Response.objects.create(
                    consultation=locked, resident=resident, choice=choice, text=text
                )
        except IntegrityError:
            raise ValidationError(
                _("You already gave your advice on this plan. You can respond only once.")
            ) from None
        audit.record(
            actor=resident,
            action="consultations.response.create",
            municipality=locked.municipality,
            obj=response,
            details={"consultation": locked.pk, "choice": choice},
        )
        return response


def _count(consultation: Consultation) -> dict[str, int]:
    rows = (
        Response.objects.filter(consultation=consultation).values("choice").annotate(n=Count("pk")).order_by()
    )
    counts = {row["choice"]: int(row["n"]) for row in rows}
    return {
        "count_for": counts.get(Choice.FOR, 0),
        "count_against": counts.get(Choice.AGAINST, 0),
        "count_comment": counts.get(Choice.COMMENT, 0),
    }


def _move(
    *, actor: Any, consultation: Consultation, name: str, details: dict[str, Any] | None = None
) -> Consultation:
    try:
        return apply_transition(
            machine=CONSULTATION_MACHINE, instance=consultation, name=name, actor=actor, details=details
        )
    except TransitionNotAllowed as exc:
        raise ValidationError(str(exc)) from exc


def _close(*, actor: Any, consultation: Consultation) -> Consultation:
    locked = _move(actor=actor, consultation=consultation, name="close")
    counts = _count(locked)
    for name, value in counts.items():
        setattr(locked, name, value)
    locked.closed_at = timezone.now()
    locked.save(update_fields=[*counts, "closed_at"])
    audit.record(
        actor=actor,
        action="consultations.consultation.counted",
        municipality=locked.municipality,
        obj=locked,
        after=counts,
    )
    return locked


def close_consultation(*, actor: Any, consultation: Consultation) -> Consultation:
    """Close a consultation whose period is over and fix its counts."""
    if actor is not None and not actor.has_perm(CHAIR, consultation):
        raise PermissionDenied(_("Only the chair of the regiegroep can close a consultation."))
    with transaction.atomic(durable=True):
        return _close(actor=actor, consultation=consultation)


def close_due_consultations(*, today: dt.date | None = None) -> int:
    """Close every open consultation whose period is over (the background task). Returns how many."""
    day = today or timezone.localdate()
    closed = 0
    for consultation in Consultation.objects.filter(status=S.OPEN, closes_on__lt=day).select_related(
        "municipality", "area"
    ):
        with transaction.atomic(durable=True):
            _close(actor=None, consultation=consultation)
        closed += 1
    return closed


def publish_outcome(*, actor: Any, consultation: Consultation, summary: str) -> Consultation:
    """Publish the counts and a summary; the regiegroep may decide from then on."""
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Write a short summary of the outcome.")})
    if not actor.has_perm(CHAIR, consultation):
        raise PermissionDenied(_("Only the chair of the regiegroep can publish the outcome."))
    with transaction.atomic(durable=True):
        locked = _move(actor=actor, consultation=consultation, name="publish", details={"summary": summary})
        locked.outcome_summary = summary
        locked.published_at = timezone.now()
        locked.save(update_fields=["outcome_summary", "published_at"])
        return locked
