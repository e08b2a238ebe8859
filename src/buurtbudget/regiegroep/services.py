"""The regiegroep at work: appoint members, declare interests, assess, meet, decide, extend the decision term
and remind about overdue decisions.

Every function runs in one durable transaction, writes its audit event and schedules its e-mails on commit.
Deciding to award also issues a voucher (see `decide` for the order of the two transactions).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from buurtbudget.accounts import selectors as account_selectors
from buurtbudget.accounts import services as accounts
from buurtbudget.accounts.models import Role, User
from buurtbudget.audit import services as audit
from buurtbudget.consultations.models import Consultation, ConsultationStatus
from buurtbudget.initiatives import services as initiatives
from buurtbudget.initiatives.lifecycle import INITIATIVE_MACHINE
from buurtbudget.initiatives.models import Initiative
from buurtbudget.ledger.services import LedgerError, format_cents
from buurtbudget.schemes.models import Scheme
from buurtbudget.statemachine.services import TransitionNotAllowed, apply_transition
from buurtbudget.vouchers import services as vouchers
from buurtbudget.vouchers.models import Voucher, VoucherStatus

from . import rules as regie_rules
from . import selectors
from .models import (
    AWARDING_OUTCOMES,
    PUBLISHED_OUTCOMES,
    Advice,
    AgendaItem,
    Answer,
    Assessment,
    Attendance,
    Decision,
    InterestDeclaration,
    Meeting,
    MemberRole,
    Membership,
    Outcome,
    ReminderSent,
    SteeringGroup,
)

MANAGE = "regiegroep.manage"
ASSESS = "regiegroep.assess"
CHAIR = "regiegroep.chair"
DECIDE = "regiegroep.decide"
UNDECIDED = selectors.UNDECIDED
MAX_TEXT = 5000

# Decision outcome -> the initiatives service's decision.
_LIFECYCLE_DECISION: dict[str, str] = {
    Outcome.AWARD: "award",
    Outcome.AWARD_LOWER: "award",
    Outcome.AWARD_CONDITIONS: "award",
    Outcome.ASK_CHANGES: "request_changes",
    Outcome.REJECT: "reject",
}


class DecisionRefused(ValidationError):
    """A decision cannot be taken now (no quorum, consultation missing, ...); nothing changed."""


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > MAX_TEXT:
        raise ValidationError(
            {field: _("This text is too long: at most %(n)s characters.") % {"n": MAX_TEXT}}
        )
    return value


def _member(*, user: Any, scheme_id: int) -> Membership:
    found = selectors.membership(user=user, scheme_id=scheme_id)
    if found is None:
        raise PermissionDenied(_("You are not a member of the regiegroep of this scheme."))
    return found


def _chair(*, user: Any, group: SteeringGroup) -> Membership:
    found = _member(user=user, scheme_id=group.scheme_id)
    if not found.is_chair or not user.has_perm(CHAIR, group):
        raise PermissionDenied(_("Only the chair of the regiegroep can do this."))
    return found


def _has_interest(*, user: Any, initiative: Initiative) -> bool:
    return InterestDeclaration.objects.filter(initiative=initiative, member=user).exists()


# Members -----------------------------------------------------------------------------------------------


def appoint_member(*, actor: User, scheme: Scheme, user: User, role: str = MemberRole.MEMBER) -> Membership:
    """Appoint a member or the chair of a scheme's regiegroep (budget manager). Appointing someone who is
    already a member changes their role. A group has one chair.

    The role assignment (STEERING_MEMBER / STEERING_CHAIR, scoped to the scheme's area, or its municipality)
    is made first through `accounts.services.assign_role`, which runs its own durable transaction and is
    idempotent: when the membership step then fails, a retry finds the role already there."""
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Choose member or chair.")})
    if not actor.has_perm(MANAGE, scheme):
        raise PermissionDenied(_("Only the budget manager can appoint the regiegroep."))
    if not user.is_active:
        raise ValidationError({"user": _("This account is not active.")})
    current = selectors.membership(user=user, scheme_id=scheme.pk)
    if role == MemberRole.CHAIR and current is not None and current.is_chair:
        return current
    if (
        role == MemberRole.CHAIR
        and Membership.objects.filter(group__scheme=scheme, role=MemberRole.CHAIR, ended_at__isnull=True)
        .exclude(user=user)
        .exists()
    ):
        raise ValidationError(
            {"role": _("This regiegroep already has a chair. First make the current chair a member.")}
        )
    accounts.assign_role(
        actor=actor,
        user=user,
        role=Role.STEERING_CHAIR if role == MemberRole.CHAIR else Role.STEERING_MEMBER,
        municipality=scheme.municipality,
        area=scheme.area,
    )
    result = _save_membership(actor=actor, scheme=scheme, user=user, role=role)
    _sync_roles(actor=actor, user=user, scheme=scheme)
    return result


def _save_membership(*, actor: User, scheme: Scheme, user: User, role: str) -> Membership:
    with transaction.atomic(durable=True):
        group, _created = SteeringGroup.objects.get_or_create(
            scheme=scheme, defaults={"municipality_id": scheme.municipality_id}
        )
        existing = (
            Membership.objects.select_for_update()
            .filter(group=group, user=user, ended_at__isnull=True)
            .first()
        )
        if existing is not None:
            if existing.role == role:
                return existing
            before = existing.role
            existing.role = role
            existing.save(update_fields=["role"])
            audit.record(
                actor=actor,
                action="regiegroep.member.role_changed",
                municipality=scheme.municipality,
                obj=existing,
                before={"role": before},
                after={"role": role},
            )
            return existing
        created = Membership.objects.create(group=group, user=user, role=role, appointed_by=actor)
        audit.record(
            actor=actor,
            action="regiegroep.member.appointed",
            municipality=scheme.municipality,
            obj=created,
            after={"scheme": scheme.pk, "user": user.pk, "role": role},
        )
        return created


def end_membership(*, actor: User, membership: Membership, reason: str = "") -> Membership:
    """End a membership (budget manager). The person keeps no say in the group's decisions."""
    group = SteeringGroup.objects.select_related("scheme__area", "municipality").get(pk=membership.group_id)
    if not actor.has_perm(MANAGE, group.scheme):
        raise PermissionDenied(_("Only the budget manager can change the regiegroep."))
    with transaction.atomic(durable=True):
        locked = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        if locked.ended_at is not None:
            return locked
        locked.ended_at = timezone.now()
        locked.save(update_fields=["ended_at"])
        audit.record(
            actor=actor,
            action="regiegroep.member.ended",
            municipality=group.municipality,
            obj=locked,
            before={"role": locked.role},
            details={"reason": reason} if reason else {},
        )
    _sync_roles(actor=actor, user=locked.user, scheme=group.scheme)
    return locked


def _sync_roles(*, actor: User, user: User, scheme: Scheme) -> None:
    """Keep the steering roles at the scheme's scope in step with the memberships there: a member who
    stepped down as chair, or whose membership ended, loses the role that no membership needs any more."""

    def same_area(field: str) -> dict[str, Any]:
        return {f"{field}__isnull": True} if scheme.area_id is None else {f"{field}_id": scheme.area_id}

    needed = {
        Role.STEERING_CHAIR if m.is_chair else Role.STEERING_MEMBER
        for m in Membership.objects.filter(
            user=user,
            ended_at__isnull=True,
            group__municipality_id=scheme.municipality_id,
            **same_area("group__scheme__area"),
        )
    }
    stale = account_selectors.roles_of(user=user).filter(
        municipality_id=scheme.municipality_id,
        object_key="",
        **same_area("area"),
        role__in=[Role.STEERING_MEMBER, Role.STEERING_CHAIR],
    )
    for assignment in stale:
        if assignment.role not in needed:
            accounts.revoke_role(actor=actor, assignment=assignment)


# Interests and assessments --------------------------------------------------------------------------------


def declare_interest(*, actor: User, initiative: Initiative, reason: str) -> InterestDeclaration:
    """A member declares an interest: they take no part in this initiative's assessment and decision.
    An assessment they already made is withdrawn (recorded in the audit trail)."""
    text = _text(reason, "reason", _("Say what your interest is."))
    _member(user=actor, scheme_id=initiative.scheme_id)
    if not actor.has_perm(ASSESS, initiative):
        raise PermissionDenied(_("You may not do this."))
    with transaction.atomic(durable=True):
        locked = (
            Initiative.objects.select_for_update(of=("self",))
            .select_related("municipality")
            .get(pk=initiative.pk)
        )
        if locked.status not in UNDECIDED:
            raise ValidationError(_("This initiative has already been decided."))
        if InterestDeclaration.objects.filter(initiative=locked, member=actor).exists():
            raise ValidationError(_("You already declared an interest in this initiative."))
        declaration = InterestDeclaration.objects.create(initiative=locked, member=actor, reason=text)
        withdrawn = Assessment.objects.filter(initiative=locked, member=actor).first()
        if withdrawn is not None:
            withdrawn.delete()
        audit.record(
            actor=actor,
            action="regiegroep.interest.declared",
            municipality=locked.municipality,
            obj=locked,
            after={"member": actor.pk},
            details={"reason": text, "assessment_withdrawn": withdrawn is not None},
        )
        return declaration


def clean_answers(*, initiative: Initiative, answers: Mapping[str, str]) -> dict[str, str]:
    """Every checklist item of the initiative's rule version answered yes, no or not clear."""
    items = regie_rules.checklist(selectors.rules_of(initiative))
    keys = [item.key for item in items]
    unknown = set(answers) - set(keys)
    if unknown:
        raise ValidationError(
            _("Unknown checklist items: %(items)s.") % {"items": ", ".join(sorted(unknown))}
        )
    missing = [item.label for item in items if answers.get(item.key) not in Answer.values]
    if missing:
        raise ValidationError(
            _("Answer every question of the checklist. Still open: %(items)s") % {"items": " ".join(missing)}
        )
    return {key: str(answers[key]) for key in keys}


def assess(
    *, actor: User, initiative: Initiative, answers: Mapping[str, str], advice: str, notes: str = ""
) -> Assessment:
    """A member's assessment against the checklist (made or revised until the decision)."""
    if advice not in Advice.values:
        raise ValidationError({"advice": _("Choose your advice: award, ask for changes or reject.")})
    if len(notes or "") > MAX_TEXT:
        raise ValidationError(
            {"notes": _("This text is too long: at most %(n)s characters.") % {"n": MAX_TEXT}}
        )
    _member(user=actor, scheme_id=initiative.scheme_id)
    if not actor.has_perm(ASSESS, initiative):
        raise PermissionDenied(_("You may not assess this initiative."))
    with transaction.atomic(durable=True):
        locked = (
            Initiative.objects.select_for_update(of=("self",))
            .select_related("municipality", "rule_version", "scheme")
            .get(pk=initiative.pk)
        )
        if _has_interest(user=actor, initiative=locked):
            raise PermissionDenied(_("You declared an interest in this initiative, so you do not assess it."))
        if locked.status not in UNDECIDED:
            raise ValidationError(_("This initiative has already been decided."))
        cleaned = clean_answers(initiative=locked, answers=answers)
        existing = Assessment.objects.select_for_update().filter(initiative=locked, member=actor).first()
        before = audit.snapshot(existing, ["answers", "advice"]) if existing is not None else None
        if existing is None:
            assessment = Assessment.objects.create(
                initiative=locked, member=actor, answers=cleaned, advice=advice, notes=(notes or "").strip()
            )
        else:
            existing.answers, existing.advice, existing.notes = cleaned, advice, (notes or "").strip()
            existing.save(update_fields=["answers", "advice", "notes", "updated_at"])
            assessment = existing
        audit.record(
            actor=actor,
            action="regiegroep.assessment.saved",
            municipality=locked.municipality,
            obj=locked,
            before=before,
            after={"answers": cleaned, "advice": advice},
            details={"rule_version": locked.rule_version.number if locked.rule_version else None},
        )
        return assessment


# Meetings -----------------------------------------------------------------------------------------------


def create_meeting(
    *,
    actor: User,
    scheme: Scheme,
    held_on: dt.date,
    location: str = "",
    initiatives: Iterable[Initiative] = (),
) -> Meeting:
    group = selectors.group_of(scheme=scheme)
    if group is None:
        raise ValidationError(_("This scheme has no regiegroep yet."))
    _chair(user=actor, group=group)
    with transaction.atomic(durable=True):
        meeting = Meeting.objects.create(
            group=group, held_on=held_on, location=location.strip(), created_by=actor
        )
        _set_agenda(meeting=meeting, initiatives=list(initiatives))
        audit.record(
            actor=actor,
            action="regiegroep.meeting.created",
            municipality=scheme.municipality,
            obj=meeting,
            after={"held_on": held_on.isoformat(), "location": meeting.location},
        )
        return meeting


def _set_agenda(*, meeting: Meeting, initiatives: list[Initiative]) -> list[int]:
    decided = set(Decision.objects.filter(meeting=meeting).values_list("initiative_id", flat=True))
    wanted: list[int] = []
    for initiative in initiatives:
        if initiative.scheme_id != meeting.group.scheme_id:
            raise ValidationError(_("An initiative of another scheme cannot be on this agenda."))
        if initiative.pk not in wanted:
            wanted.append(initiative.pk)
    missing_decided = decided - set(wanted)
    if missing_decided:
        raise ValidationError(_("An initiative that was decided at this meeting stays on its agenda."))
    allowed = (
        set(
            Initiative.objects.filter(pk__in=wanted).filter(status__in=UNDECIDED).values_list("pk", flat=True)
        )
        | decided
    )
    if set(wanted) - allowed:
        raise ValidationError(_("Only undecided initiatives can be put on the agenda."))
    AgendaItem.objects.filter(meeting=meeting).exclude(initiative_id__in=wanted).delete()
    existing = {item.initiative_id: item for item in AgendaItem.objects.filter(meeting=meeting)}
    for position, pk in enumerate(wanted, start=1):
        item = existing.get(pk)
        if item is None:
            AgendaItem.objects.create(meeting=meeting, initiative_id=pk, position=position)
        elif item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    return wanted


def set_agenda(*, actor: User, meeting: Meeting, initiatives: Iterable[Initiative]) -> list[int]:
    _chair(user=actor, group=meeting.group)
    with transaction.atomic(durable=True):
        locked = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("group__municipality")
            .get(pk=meeting.pk)
        )
        before = list(AgendaItem.objects.filter(meeting=locked).values_list("initiative_id", flat=True))
        after = _set_agenda(meeting=locked, initiatives=list(initiatives))
        audit.record(
            actor=actor,
            action="regiegroep.meeting.agenda_set",
            municipality=locked.group.municipality,
            obj=locked,
            before={"agenda": before},
            after={"agenda": after},
        )
        return after


def record_attendance(*, actor: User, meeting: Meeting, present: Iterable[User]) -> list[int]:
    """Who of the members attends. Decisions already taken keep the voters they had."""
    _chair(user=actor, group=meeting.group)
    member_ids = {m.user_id for m in selectors.active_memberships(group=meeting.group)}
    wanted = sorted({p.pk for p in present})
    if set(wanted) - member_ids:
        raise ValidationError(_("Only members of the regiegroep can be recorded as present."))
    with transaction.atomic(durable=True):
        locked = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("group__municipality")
            .get(pk=meeting.pk)
        )
        before = sorted(Attendance.objects.filter(meeting=locked).values_list("member_id", flat=True))
        Attendance.objects.filter(meeting=locked).exclude(member_id__in=wanted).delete()
        for pk in set(wanted) - set(before):
            Attendance.objects.create(meeting=locked, member_id=pk)
        audit.record(
            actor=actor,
            action="regiegroep.meeting.attendance",
            municipality=locked.group.municipality,
            obj=locked,
            before={"present": before},
            after={"present": wanted},
        )
        return wanted


def save_minutes(*, actor: User, meeting: Meeting, minutes: str) -> Meeting:
    _chair(user=actor, group=meeting.group)
    text = (minutes or "").strip()
    if len(text) > 50_000:
        raise ValidationError({"minutes": _("The minutes are too long.")})
    with transaction.atomic(durable=True):
        locked = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("group__municipality")
            .get(pk=meeting.pk)
        )
        before = locked.minutes
        locked.minutes = text
        locked.save(update_fields=["minutes"])
        audit.record(
            actor=actor,
            action="regiegroep.meeting.minutes",
            municipality=locked.group.municipality,
            obj=locked,
            before={"minutes": before},
            after={"minutes": text},
        )
        return locked


# Deciding -----------------------------------------------------------------------------------------------


def consultation_needed(initiative: Initiative) -> bool:
    """Above the consultation threshold of its rules, an initiative needs a published consultation."""
    threshold = int(selectors.rules_of(initiative)["consultation_threshold_cents"])
    return initiative.requested_cents > threshold


def _published_consultation(initiative: Initiative) -> Consultation | None:
    qs = Consultation.objects.filter(initiative=initiative, status=ConsultationStatus.PUBLISHED)
    if initiative.submitted_at is not None:
        # A consultation on an earlier version of the plan does not count after a resubmission.
        qs = qs.filter(created_at__gte=initiative.submitted_at)
    return qs.order_by("-published_at", "-pk").first()


def _check(
    *, actor: User, meeting: Meeting, initiative: Initiative
) -> tuple[regie_rules.Quorum, Consultation | None]:
    """Everything that must hold before a decision; raises with a message for the person deciding."""
    if (
        initiative.municipality_id != meeting.group.municipality_id
        or initiative.scheme_id != meeting.group.scheme_id
    ):
        raise PermissionDenied(_("This initiative does not belong to this regiegroep."))
    _member(user=actor, scheme_id=initiative.scheme_id)
    if not actor.has_perm(DECIDE, initiative):
        raise PermissionDenied(_("You may not decide on this initiative."))
    if _has_interest(user=actor, initiative=initiative):
        raise PermissionDenied(
            _("You declared an interest in this initiative, so you take no part in its decision.")
        )
    if initiative.status not in UNDECIDED:
        raise DecisionRefused(_("This initiative has already been decided or is not submitted."))
    if not AgendaItem.objects.filter(meeting=meeting, initiative=initiative).exists():
        raise DecisionRefused(_("Put the initiative on the agenda of this meeting first."))
    present = list(Attendance.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    if actor.pk not in present:
        raise DecisionRefused(_("Only members present at the meeting can record its decisions."))
    members = [m.user_id for m in selectors.active_memberships(group=meeting.group)]
    recused = list(
        InterestDeclaration.objects.filter(initiative=initiative).values_list("member_id", flat=True)
    )
    count = regie_rules.quorum(
        member_ids=members,
        present_ids=present,
        recused_ids=recused,
        rule=selectors.quorum_rule(meeting.group.scheme),
    )
    if not count.reached:
        raise DecisionRefused(
            _(
                "No quorum: %(voters)s members without an interest are present, %(needed)s are needed "
                "(of %(members)s members)."
            )
            % {"voters": len(count.voters), "needed": count.needed, "members": count.members}
        )
    consultation = _published_consultation(initiative)
    if consultation_needed(initiative) and consultation is None:
        raise DecisionRefused(
            _(
                "This initiative asks for more than %(amount)s: the neighbourhood consultation must be held and "
                "its outcome published before the regiegroep decides."
            )
            % {"amount": format_cents(int(selectors.rules_of(initiative)["consultation_threshold_cents"]))}
        )
    return count, consultation


def _clean_amount(
    *, initiative: Initiative, outcome: str, amount_cents: int | None, conditions: str
) -> int | None:
    if outcome not in AWARDING_OUTCOMES:
        return None
    if outcome == Outcome.AWARD_LOWER:
        if type(amount_cents) is not int or not 0 < amount_cents < initiative.requested_cents:
            raise ValidationError(
                {
                    "amount": _("Give an amount above € 0 and below the requested %(amount)s.")
                    % {"amount": format_cents(initiative.requested_cents)}
                }
            )
        return amount_cents
    if outcome == Outcome.AWARD_CONDITIONS and not conditions:
        raise ValidationError({"conditions": _("Write down the conditions.")})
    return initiative.requested_cents


def _award_key(initiative: Initiative) -> str:
    """One voucher per award of one submission; a voucher cancelled after a failed award is not reused."""
    stamp = int(initiative.submitted_at.timestamp()) if initiative.submitted_at else 0
    base = f"regiegroep:initiative:{initiative.pk}:{stamp}"
    spoiled = Voucher.objects.filter(
        issue_key__startswith=base, status__in=[VoucherStatus.CANCELLED, VoucherStatus.CLOSED]
    ).count()
    return f"{base}:{spoiled}"


def decide(
    *,
    actor: User,
    meeting: Meeting,
    initiative: Initiative,
    outcome: str,
    reasons: str,
    amount_cents: int | None = None,
    conditions: str = "",
) -> Decision:
    """Record the regiegroep's decision on an initiative at a meeting.

    Refused (nothing changes) when the actor is not a present member, declared an interest, the initiative
    is not on the agenda or already decided, there is no quorum of present members without an interest, or
    a required consultation has not been published. Award issues a voucher and moves the initiative to
    awarded and on to in_execution; ask_changes → changes_requested; reject → rejected. Award and reject are
    published on the area's page.

    Money: `vouchers.services.issue_voucher` only runs in its own durable transaction, so an award first
    issues the voucher (idempotent key per submission; no money → refused, nothing else changed), then
    records the decision and the transitions in one durable transaction. If that second step fails, the
    voucher is cancelled and closed again, which returns its money to the scheme.
    """
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose a decision.")})
    reasons = _text(reasons, "reasons", _("Give the reasons for the decision."))
    conditions = (conditions or "").strip()
    initiative = Initiative.objects.select_related("scheme", "rule_version", "municipality", "initiator").get(
        pk=initiative.pk
    )
    amount = _clean_amount(
        initiative=initiative, outcome=outcome, amount_cents=amount_cents, conditions=conditions
    )
    _check(actor=actor, meeting=meeting, initiative=initiative)

    voucher: Voucher | None = None
    issued_now = False
    if amount is not None:
        rules = selectors.rules_of(initiative)
        key = _award_key(initiative)
        issued_now = not Voucher.objects.filter(issue_key=key).exists()
        try:
            voucher = vouchers.issue_voucher(
                actor=actor,
                scheme=initiative.scheme,
                holder=initiative.initiator,
                amount_cents=amount,
                valid_until=timezone.localdate() + dt.timedelta(days=int(rules["execution_term_days"])),
                conditions=conditions,
                idempotency_key=key,
            )
        except LedgerError as exc:
            raise DecisionRefused(
                _("The voucher could not be issued, so nothing was decided: %(why)s") % {"why": exc}
            ) from exc
    try:
        with transaction.atomic(durable=True):
            locked = (
                Initiative.objects.select_for_update(of=("self",))
                .select_related("rule_version")
                .get(pk=initiative.pk)
            )
            locked.scheme = initiative.scheme
            locked.municipality = initiative.municipality
            count, consultation = _check(actor=actor, meeting=meeting, initiative=locked)
            decision = Decision.objects.create(
                municipality_id=locked.municipality_id,
                initiative=locked,
                meeting=meeting,
                outcome=outcome,
                amount_cents=amount,
                conditions=conditions,
                reasons=reasons,
                rule_version=locked.rule_version,
                consultation=consultation,
                voucher=voucher,
                decided_by=actor,
                is_public=outcome in PUBLISHED_OUTCOMES,
            )
            decision.voters.set(sorted(count.voters))
            decision.recused.set(sorted(count.recused))
            audit.record(
                actor=actor,
                action="regiegroep.decision.taken",
                municipality=locked.municipality,
                obj=decision,
                after={
                    "initiative": locked.pk,
                    "outcome": outcome,
                    "amount_cents": amount,
                    "voucher": voucher.pk if voucher else None,
                },
                details={
                    "reasons": reasons,
                    "conditions": conditions,
                    "meeting": meeting.pk,
                    "rule_version": locked.rule_version.number if locked.rule_version else None,
                    "voters": sorted(count.voters),
                    "recused": sorted(count.recused),
                    "quorum_needed": count.needed,
                    "consultation": consultation.pk if consultation else None,
                },
            )
            initiatives.apply_decision(
                actor=actor,
                initiative=locked,
                decision=_LIFECYCLE_DECISION[outcome],
                reason=reasons,
                awarded_cents=amount,
            )
            if voucher is not None:
                apply_transition(
                    machine=INITIATIVE_MACHINE,
                    instance=locked,
                    name="start_execution",
                    actor=actor,
                    details={"voucher": voucher.pk},
                )
            transaction.on_commit(lambda: _tell_initiator(decision.pk))
    except BaseException:
        if voucher is not None and issued_now:
            _undo_voucher(actor=actor, voucher=voucher)
        raise
    initiative.status = locked.status
    return decision


def _undo_voucher(*, actor: Any, voucher: Voucher) -> None:
    """Return the money of a voucher whose award was not recorded. A voucher that a recorded decision holds
    stays: a concurrent request for the same award (same idempotency key) won the race and uses it."""
    if Decision.objects.filter(voucher=voucher).exists():
        return
    try:
        cancelled = vouchers.cancel_voucher(
            voucher=voucher, actor=actor, reason="Besluit niet vastgelegd / decision not recorded"
        )
        vouchers.close_voucher(voucher=cancelled, actor=actor)
    except (TransitionNotAllowed, LedgerError):  # pragma: no cover - already cancelled or closed
        pass


def _tell_initiator(decision_pk: int) -> None:
    decision = Decision.objects.select_related("initiative__initiator", "initiative__municipality").get(
        pk=decision_pk
    )
    person = decision.initiative.initiator
    if not person.email:
        return
    with translation.override(person.preferred_language or "nl"):
        subject = _("Decision on your initiative '%(title)s'") % {"title": decision.initiative.title}
        lines = [
            _("The regiegroep has decided on your initiative '%(title)s'.")
            % {"title": decision.initiative.title},
            _("Decision: %(outcome)s") % {"outcome": decision.get_outcome_display()},
        ]
        if decision.amount_cents:
            lines.append(_("Amount: %(amount)s") % {"amount": format_cents(decision.amount_cents)})
        if decision.conditions:
            lines.append(_("Conditions: %(conditions)s") % {"conditions": decision.conditions})
        lines.append(_("Reasons: %(reasons)s") % {"reasons": decision.reasons})
    send_mail(subject, "\n\n".join(lines), settings.DEFAULT_FROM_EMAIL, [person.email])


# Decision term ------------------------------------------------------------------------------------------


def extend_decision_term(*, actor: User, initiative: Initiative, reason: str) -> Initiative:
    """The chair extends the decision term once (by the rules' extension, default 4 weeks), with a reason.
    The initiatives service stores and audits it and refuses a second extension."""
    _text(reason, "reason", _("Give a reason for the extension."))
    group = selectors.group_of(scheme=initiative.scheme)
    if group is None:
        raise PermissionDenied(_("This scheme has no regiegroep yet."))
    _chair(user=actor, group=group)
    return initiatives.extend_decision_term(actor=actor, initiative=initiative, reason=reason.strip())


def send_decision_reminders(*, today: dt.date | None = None) -> int:
    """E-mail the chair and the budget managers about every overdue decision, once a day per initiative.
    Returns the number of initiatives reminded about."""
    day = today or timezone.localdate()
    sent = 0
    for initiative in selectors.overdue_initiatives(today=day):
        people = selectors.reminder_recipients(initiative=initiative)
        try:
            with transaction.atomic(durable=True):
                with transaction.atomic():
                    ReminderSent.objects.create(initiative=initiative, sent_on=day, recipients=len(people))
                audit.record(
                    actor=None,
                    action="regiegroep.reminder.sent",
                    municipality=initiative.municipality,
                    obj=initiative,
                    details={
                        "due_on": initiative.decision_due_on.isoformat()
                        if initiative.decision_due_on
                        else None,
                        "recipients": len(people),
                    },
                )
                transaction.on_commit(partial(_send_reminder, initiative, people))
        except IntegrityError:
            continue  # already reminded today
        sent += 1
    return sent


def _send_reminder(initiative: Initiative, people: list[Any]) -> None:
    for person in people:
        with translation.override(person.preferred_language or "nl"):
            subject = _("Overdue decision: %(title)s") % {"title": initiative.title}
            body = _(
                "The regiegroep should have decided on the initiative '%(title)s' (scheme %(scheme)s) by "
                "%(date)s. Please decide soon, or extend the decision term once with a reason."
            ) % {
                "title": initiative.title,
                "scheme": initiative.scheme.name,
                "date": initiative.decision_due_on.strftime("%d-%m-%Y") if initiative.decision_due_on else "",
            }
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
