"""Reading rounds and plans."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from buurtbudget.areas.models import Area
from buurtbudget.tenancy.models import Municipality

from .models import CostLine, Phase, Plan, PlanStatus, Round


def rounds_of(*, municipality: Municipality) -> QuerySet[Round]:
    return Round.objects.filter(municipality=municipality).select_related("area")


def round_by_slug(*, municipality: Municipality, slug: str) -> Round | None:
    found = rounds_of(municipality=municipality).filter(slug=slug).first()
    if found is not None:
        found.municipality = municipality
    return found


def plans_of(*, round: Round) -> QuerySet[Plan]:
    """Every plan of a round with its supporters counted, its area and its cost lines: two queries."""
    return (
        Plan.objects.filter(round=round)
        .select_related("area")
        .annotate(supporters=Count("supports"))
        .prefetch_related(Prefetch("cost_lines", queryset=CostLine.objects.order_by("position", "pk")))
        .order_by("title", "pk")
    )


def supported_plan_ids(*, round: Round, user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Plan.objects.filter(round=round, supports__user=user).values_list("pk", flat=True))


def ballot_plans(*, round: Round, area: Area | None) -> list[Plan]:
    """The plans on the ballot that a voter living in `area` may vote on: plans of that area or above it."""
    plans = Plan.objects.filter(
        round=round, status__in=[PlanStatus.ON_BALLOT, PlanStatus.FUNDED, PlanStatus.NOT_FUNDED]
    )
    if area is not None:
        plans = plans.filter(area_id__in=area.ancestor_ids)
    return list(plans.select_related("area").order_by("title", "pk"))


def resident_actions(*, round: Round) -> str:
    """What a resident can do now, by phase (the public round page shows it prominently)."""
    return {
        Phase.PLANS: "submit",
        Phase.SUPPORT: "support",
        Phase.FEASIBILITY: "wait_feasibility",
        Phase.SELECTION: "wait_selection",
        Phase.VOTING: "vote",
        Phase.RESULT: "wait_result",
        Phase.EXECUTION: "result",
    }[Phase(round.phase)]
