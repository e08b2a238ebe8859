"""Reading initiatives."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from buurtbudget.accounts.backends import role_assignments
from buurtbudget.accounts.models import Role
from buurtbudget.areas.selectors import areas_for_address
from buurtbudget.schemes import selectors as scheme_selectors
from buurtbudget.schemes.models import Scheme, default_rules

from .models import Attachment, BudgetLine, CoInitiator, Initiative
from .rule_check import CheckInput, LineInput

# Municipal staff who run schemes may not submit to them themselves (SPEC §3, "who may submit").
SCHEME_STAFF_ROLES = frozenset(
    {Role.BUDGET_MANAGER, Role.CONTACT_OFFICIAL, Role.DISTRICT_OFFICER, Role.PAYER, Role.TREASURER}
)


def initiatives_of(*, user: Any) -> QuerySet[Initiative]:
    """A resident's own initiatives (as initiator or confirmed co-initiator), for "Mijn initiatieven"."""
    if not getattr(user, "is_authenticated", False):
        return Initiative.objects.none()
    return (
        Initiative.objects.filter(
            Q(initiator=user) | Q(co_initiators__user=user, co_initiators__confirmed_at__isnull=False)
        )
        .distinct()
        .select_related("scheme", "municipality", "area")
        .order_by("-updated_at", "-pk")
    )


def own_initiative(*, user: Any, pk: int) -> Initiative | None:
    """An initiative of which `user` is the initiator, with what its pages show; None otherwise."""
    return _with_details(user=user, pk=pk, co_initiators_too=False)


def visible_initiative(*, user: Any, pk: int) -> Initiative | None:
    """An initiative of which `user` is the initiator or a confirmed co-initiator (read-only for them)."""
    return _with_details(user=user, pk=pk, co_initiators_too=True)


def _with_details(*, user: Any, pk: int, co_initiators_too: bool) -> Initiative | None:
    if not getattr(user, "is_authenticated", False):
        return None
    who = Q(initiator=user)
    if co_initiators_too:
        who |= Q(
            pk__in=CoInitiator.objects.filter(user=user, confirmed_at__isnull=False).values("initiative_id")
        )
    return (
        Initiative.objects.filter(who, pk=pk)
        .select_related("scheme", "scheme__area", "municipality", "area", "rule_version", "initiator")
        .prefetch_related(
            Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("position", "pk")),
            Prefetch("co_initiators", queryset=CoInitiator.objects.order_by("invited_at", "pk")),
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
        )
        .first()
    )


def initiatives_in(*, municipality: Any, status: str | None = None) -> QuerySet[Initiative]:
    qs = Initiative.objects.filter(municipality=municipality).select_related("scheme", "area", "initiator")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("decision_due_on", "pk")


def co_invitation(*, token: str) -> CoInitiator | None:
    return (
        CoInitiator.objects.filter(token=token)
        .select_related("initiative", "initiative__municipality")
        .first()
    )


def rules_for(*, initiative: Initiative) -> tuple[dict[str, Any], int | None]:
    """(rules, version number) an initiative is judged by: its stored version once submitted, else the one
    in force now (or the scheme's own rules when it has no version yet)."""
    version = initiative.rule_version
    if version is None or initiative.is_editable:
        version = scheme_selectors.current_rule_version(initiative.scheme) or version
    if version is not None:
        return {**default_rules(), **version.rules}, version.number
    return {**default_rules(), **(initiative.scheme.rules or {})}, None


def check_input(*, initiative: Initiative, rules: dict[str, Any] | None = None) -> CheckInput:
    """Gather what the rule check needs (a few queries)."""
    scheme: Scheme = initiative.scheme
    if rules is None:
        rules, _number = rules_for(initiative=initiative)
    user = initiative.initiator
    home_ids: frozenset[int] = frozenset()
    has_home = bool(user.postcode and user.house_number)
    if has_home:
        home_ids = frozenset(
            a.pk
            for a in areas_for_address(
                postcode=user.postcode, house_number=user.house_number, municipality=initiative.municipality
            )
        )
    area = initiative.area
    lines = tuple(
        LineInput(
            description=line.description,
            amount_cents=line.amount_cents,
            kind=line.kind,
            fee_recipient=line.fee_recipient,
            hours=line.hours,
            hourly_rate_cents=line.hourly_rate_cents,
        )
        for line in initiative.budget_lines.all()
    )
    confirmed = sum(1 for c in initiative.co_initiators.all() if c.confirmed_at is not None)
    is_staff = any(
        role in SCHEME_STAFF_ROLES and municipality_id == initiative.municipality_id
        for role, municipality_id, _area, _key in role_assignments(user)
    )
    return CheckInput(
        rules=rules,
        today=timezone.localdate(),
        scheme_open=scheme_selectors.is_open_for_submissions(scheme=scheme),
        title=initiative.title,
        what_and_why=initiative.what_and_why,
        for_whom=initiative.for_whom,
        location=initiative.location,
        starts_on=initiative.starts_on,
        ends_on=initiative.ends_on,
        lines=lines,
        home_area_ids=home_ids,
        has_home_address=has_home,
        place_area_ids=frozenset(area.ancestor_ids) if area else frozenset(),
        has_place=area is not None,
        scheme_area_id=scheme.area_id,
        birth_year=user.birth_year,
        parental_consent=initiative.parental_consent,
        excluded_purposes_declared=initiative.excluded_purposes_declared,
        confirmed_co_initiators=confirmed,
        initiator_is_scheme_staff=is_staff,
    )


def status_counts(*, municipality: Any) -> dict[str, int]:
    rows = (
        Initiative.objects.filter(municipality=municipality)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}


DECISION_ACTIONS = tuple(
    f"initiatives.initiative.{name}"
    for name in ("submit", "withdraw", "start_consultation", "award", "reject", "request_changes")
)


def history_of(*, initiative: Initiative) -> list[dict[str, Any]]:
    """Submissions and decisions of an initiative, oldest first, each with its reason and rule version."""
    from buurtbudget.audit.models import AuditEvent

    events = AuditEvent.objects.filter(
        object_type="initiatives.initiative", object_id=str(initiative.pk), action__in=DECISION_ACTIONS
    ).order_by("created_at", "pk")
    return [
        {
            "step": event.action.rsplit(".", 1)[1],
            "at": event.created_at,
            "reason": (event.details or {}).get("reason", ""),
            "rule_version": (event.details or {}).get("rule_version"),
            "awarded_cents": (event.details or {}).get("awarded_cents"),
        }
        for event in events
    ]
