"""Reading the regiegroep: members, the work queue, meetings, overdue initiatives and published decisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from buurtbudget.accounts.models import Role, RoleAssignment
from buurtbudget.areas.models import Area
from buurtbudget.consultations.models import Consultation
from buurtbudget.consultations.selectors import consultations_for
from buurtbudget.initiatives.models import Initiative, InitiativeStatus
from buurtbudget.schemes.models import DEFAULT_RULES, Scheme
from buurtbudget.tenancy.models import Municipality

from . import rules as regie_rules
from .models import (
    AgendaItem,
    Assessment,
    Attendance,
    Decision,
    InterestDeclaration,
    Meeting,
    MemberRole,
    Membership,
    SteeringGroup,
)

UNDECIDED = (InitiativeStatus.SUBMITTED, InitiativeStatus.IN_CONSULTATION)
MANAGE = "regiegroep.manage"


def group_of(*, scheme: Scheme) -> SteeringGroup | None:
    return SteeringGroup.objects.filter(scheme=scheme).select_related("scheme", "scheme__area").first()


def active_memberships(*, group: SteeringGroup) -> list[Membership]:
    return list(
        Membership.objects.filter(group=group, ended_at__isnull=True)
        .select_related("user")
        .order_by("-role", "user__name", "pk")
    )


def membership(*, user: Any, scheme_id: int) -> Membership | None:
    """The user's active membership of the scheme's regiegroep."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.filter(group__scheme_id=scheme_id, user=user, ended_at__isnull=True)
        .select_related("group")
        .first()
    )


def memberships_of(*, user: Any, municipality: Municipality) -> list[Membership]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Membership.objects.filter(user=user, group__municipality=municipality, ended_at__isnull=True)
        .select_related("group__scheme__area")
        .order_by("group__scheme__name")
    )


def groups_in(*, municipality: Municipality) -> list[SteeringGroup]:
    return list(
        SteeringGroup.objects.filter(municipality=municipality)
        .select_related("scheme")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(ended_at__isnull=True)
                .select_related("user")
                .order_by("-role", "user__name"),
                to_attr="active_members",
            )
        )
        .order_by("scheme__name")
    )


def schemes_in(*, municipality: Municipality) -> QuerySet[Scheme]:
    return Scheme.objects.filter(municipality=municipality).order_by("name")


def quorum_rule(scheme: Scheme) -> Any:
    return (scheme.rules or {}).get(regie_rules.QUORUM_RULE)


def rules_of(initiative: Initiative) -> dict[str, Any]:
    """The rules an initiative is judged by: its rule version (those in force when it was submitted)."""
    if initiative.rule_version is not None:
        return {**DEFAULT_RULES, **(initiative.rule_version.rules or {})}
    return {**DEFAULT_RULES, **(initiative.scheme.rules or {})}


def is_overdue(initiative: Initiative, today: dt.date | None = None) -> bool:
    day = today or timezone.localdate()
    return (
        initiative.status in UNDECIDED
        and initiative.decision_due_on is not None
        and initiative.decision_due_on < day
    )


@dataclass
class QueueRow:
    initiative: Initiative
    overdue: bool
    assessed: bool = False
    interest: bool = False
    consultation: Consultation | None = None
    is_chair: bool = False


@dataclass
class WorkQueue:
    rows: list[QueueRow] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    manages: bool = False

    @property
    def overdue(self) -> list[QueueRow]:
        return [row for row in self.rows if row.overdue]


def work_queue(
    *,
    user: Any,
    municipality: Municipality,
    today: dt.date | None = None,
    memberships: list[Membership] | None = None,
) -> WorkQueue:
    """Undecided initiatives for this user: those of their regiegroepen, or all of the municipality for a
    budget manager. Overdue ones first. A fixed number of queries, whatever the number of initiatives."""
    day = today or timezone.localdate()
    mine = memberships if memberships is not None else memberships_of(user=user, municipality=municipality)
    manages = bool(user.has_perm(MANAGE, municipality))
    qs = Initiative.objects.filter(municipality=municipality, status__in=UNDECIDED).select_related(
        "scheme", "area"
    )
    if not manages:
        qs = qs.filter(scheme_id__in=[m.group.scheme_id for m in mine])
    initiatives = list(qs.order_by("decision_due_on", "pk"))
    ids = [i.pk for i in initiatives]
    assessed: set[int] = set()
    interests: set[int] = set()
    if mine and ids:
        assessed = set(
            Assessment.objects.filter(member=user, initiative_id__in=ids).values_list(
                "initiative_id", flat=True
            )
        )
        interests = set(
            InterestDeclaration.objects.filter(member=user, initiative_id__in=ids).values_list(
                "initiative_id", flat=True
            )
        )
    consultations = consultations_for(initiative_ids=ids) if ids else {}
    chair_of = {m.group.scheme_id for m in mine if m.role == MemberRole.CHAIR}
    rows = [
        QueueRow(
            initiative=i,
            overdue=is_overdue(i, day),
            assessed=i.pk in assessed,
            interest=i.pk in interests,
            consultation=consultations.get(i.pk),
            is_chair=i.scheme_id in chair_of,
        )
        for i in initiatives
    ]
    rows.sort(key=lambda r: (not r.overdue, r.initiative.decision_due_on or day, r.initiative.pk))
    return WorkQueue(rows=rows, memberships=mine, manages=manages)


def initiative_for_staff(*, municipality: Municipality, pk: int) -> Initiative | None:
    return (
        Initiative.objects.filter(municipality=municipality, pk=pk)
        .select_related("scheme", "scheme__area", "area", "rule_version", "municipality")
        .first()
    )


def latest_consultation(*, initiative: Initiative) -> Consultation | None:
    return consultations_for(initiative_ids=[initiative.pk]).get(initiative.pk)


def initiatives_by_id(*, municipality: Municipality, ids: list[int]) -> list[Initiative]:
    """Initiatives of this municipality in the order of `ids` (unknown ids left out)."""
    found = {i.pk: i for i in Initiative.objects.filter(pk__in=ids, municipality=municipality)}
    return [found[pk] for pk in ids if pk in found]


def members_by_id(*, group: SteeringGroup, ids: list[int]) -> list[Any]:
    """Users among the group's active members with these ids."""
    return [m.user for m in active_memberships(group=group) if m.user_id in set(ids)]


def assessment_of(*, member: Any, initiative: Initiative) -> Assessment | None:
    return Assessment.objects.filter(member=member, initiative=initiative).first()


def interest_of(*, member: Any, initiative: Initiative) -> InterestDeclaration | None:
    return InterestDeclaration.objects.filter(member=member, initiative=initiative).first()


def meetings_of(*, group: SteeringGroup) -> QuerySet[Meeting]:
    return Meeting.objects.filter(group=group).order_by("-held_on", "-pk")


def meetings_in(*, municipality: Municipality, scheme_ids: list[int] | None = None) -> list[Meeting]:
    qs = Meeting.objects.filter(group__municipality=municipality).select_related("group__scheme")
    if scheme_ids is not None:
        qs = qs.filter(group__scheme_id__in=scheme_ids)
    return list(qs.order_by("-held_on", "-pk")[:20])


@dataclass
class AgendaRow:
    item: AgendaItem
    initiative: Initiative
    assessments: list[Assessment]
    interests: list[InterestDeclaration]
    decision: Decision | None
    consultation: Consultation | None
    quorum: regie_rules.Quorum
    needs_consultation: bool
    checklist: list[regie_rules.ChecklistItem]


@dataclass
class MeetingScreen:
    meeting: Meeting
    members: list[Membership]
    present_ids: set[int]
    rows: list[AgendaRow]
    meeting_quorum: regie_rules.Quorum
    candidates: list[Initiative]


def meeting_for_staff(*, municipality: Municipality, pk: int) -> Meeting | None:
    return (
        Meeting.objects.filter(group__municipality=municipality, pk=pk)
        .select_related("group", "group__scheme", "group__scheme__area", "group__municipality")
        .first()
    )


def meeting_screen(*, meeting: Meeting) -> MeetingScreen:
    """Everything the meeting page shows, in a fixed number of queries."""
    members = active_memberships(group=meeting.group)
    member_ids = [m.user_id for m in members]
    present_ids = set(Attendance.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("initiative", "initiative__rule_version", "initiative__scheme", "initiative__area")
        .order_by("position", "pk")
    )
    ids = [item.initiative_id for item in items]
    assessments: dict[int, list[Assessment]] = {}
    for a in Assessment.objects.filter(initiative_id__in=ids).select_related("member").order_by("created_at"):
        assessments.setdefault(a.initiative_id, []).append(a)
    interests: dict[int, list[InterestDeclaration]] = {}
    for d in (
        InterestDeclaration.objects.filter(initiative_id__in=ids)
        .select_related("member")
        .order_by("declared_at")
    ):
        interests.setdefault(d.initiative_id, []).append(d)
    decisions: dict[int, Decision] = {}
    for decision in Decision.objects.filter(meeting=meeting).order_by("decided_at"):
        decisions[decision.initiative_id] = decision
    consultations = consultations_for(initiative_ids=ids) if ids else {}
    rule = quorum_rule(meeting.group.scheme)
    rows = []
    for item in items:
        initiative = item.initiative
        rules = rules_of(initiative)
        rows.append(
            AgendaRow(
                item=item,
                initiative=initiative,
                assessments=assessments.get(initiative.pk, []),
                interests=interests.get(initiative.pk, []),
                decision=decisions.get(initiative.pk),
                consultation=consultations.get(initiative.pk),
                quorum=regie_rules.quorum(
                    member_ids=member_ids,
                    present_ids=list(present_ids),
                    recused_ids=[d.member_id for d in interests.get(initiative.pk, [])],
                    rule=rule,
                ),
                needs_consultation=initiative.requested_cents > int(rules["consultation_threshold_cents"]),
                checklist=regie_rules.checklist(rules),
            )
        )
    candidates = list(
        Initiative.objects.filter(scheme_id=meeting.group.scheme_id, status__in=UNDECIDED)
        .exclude(pk__in=ids)
        .order_by("decision_due_on", "pk")
    )
    return MeetingScreen(
        meeting=meeting,
        members=members,
        present_ids=present_ids,
        rows=rows,
        meeting_quorum=regie_rules.quorum(
            member_ids=member_ids, present_ids=list(present_ids), recused_ids=[], rule=rule
        ),
        candidates=candidates,
    )


def overdue_initiatives(
    *, today: dt.date | None = None, municipality: Municipality | None = None
) -> QuerySet[Initiative]:
    day = today or timezone.localdate()
    qs = Initiative.objects.filter(status__in=UNDECIDED, decision_due_on__lt=day)
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    return qs.select_related("scheme", "municipality").order_by("decision_due_on", "pk")


def reminder_recipients(*, initiative: Initiative) -> list[Any]:
    """The chair of the initiative's regiegroep and the municipality's budget managers (with an e-mail)."""
    chairs = [
        m.user
        for m in Membership.objects.filter(
            group__scheme_id=initiative.scheme_id, role=MemberRole.CHAIR, ended_at__isnull=True
        ).select_related("user")
    ]
    managers = [
        r.user
        for r in RoleAssignment.objects.filter(
            municipality_id=initiative.municipality_id, role=Role.BUDGET_MANAGER
        ).select_related("user")
    ]
    seen: set[int] = set()
    people = []
    for person in [*chairs, *managers]:
        if person.pk not in seen and person.is_active and person.email:
            seen.add(person.pk)
            people.append(person)
    return people


def published_decisions(*, area: Area, limit: int = 50) -> list[Decision]:
    """Public decisions (award, reject) on initiatives in this area or below it: one query."""
    return list(
        Decision.objects.filter(is_public=True, municipality_id=area.municipality_id)
        .filter(Q(initiative__area__path__startswith=area.path))
        .select_related("initiative", "consultation")
        .order_by("-decided_at", "-pk")[:limit]
    )
