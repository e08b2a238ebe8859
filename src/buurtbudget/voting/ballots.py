"""Checking a ballot against the round's rule. Pure: the plans and rules come in, a clean ballot goes out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from buurtbudget.ledger.services import format_cents


class BallotRefused(ValueError):
    """The ballot breaks the round's rule; the message says what to change."""


@dataclass(frozen=True)
class BallotPlan:
    id: int
    cost_cents: int


def check_choices(
    *, rules: dict[str, Any], budget_cents: int, plans: Sequence[BallotPlan], choices: dict[str, Any]
) -> dict[str, list[int]]:
    """Return {"plans": [...], "points": [...]} or raise BallotRefused.

    `plans` are the plans this voter may vote on. For ranking ballots the plan order is the ranking.
    """
    kind = rules["ballot_type"]
    allowed = {p.id: p for p in plans}
    raw_ids = choices.get("plans") or []
    try:
        ids = [int(i) for i in raw_ids]
    except (TypeError, ValueError):
        raise BallotRefused(_("The ballot is not readable. Please fill it in again.")) from None
    if len(set(ids)) != len(ids):
        raise BallotRefused(_("A plan appears more than once on your ballot."))
    outside = [i for i in ids if i not in allowed]
    if outside:
        raise BallotRefused(
            _(
                "Your ballot holds a plan that is not on the ballot of your area. You can only vote on the plans shown."
            )
        )
    if not ids:
        raise BallotRefused(_("Choose at least one plan."))
    if kind == "approval_budget":
        total = sum(allowed[i].cost_cents for i in ids)
        if total > budget_cents:
            raise BallotRefused(
                _(
                    "The plans you chose cost %(total)s together; the budget is %(budget)s. Choose fewer plans."
                )
                % {"total": format_cents(total), "budget": format_cents(budget_cents)}
            )
        minimum = budget_cents * int(rules.get("min_spend_percent", 0)) // 100
        if total < minimum:
            raise BallotRefused(
                _("Choose plans worth at least %(min)s together; you chose %(total)s.")
                % {"min": format_cents(minimum), "total": format_cents(total)}
            )
        return {"plans": sorted(ids), "points": []}
    if kind == "approval_count":
        low, high = int(rules["min_plans"]), int(rules["max_plans"])
        if not low <= len(ids) <= high:
            raise BallotRefused(
                _("Choose at least %(min)d and at most %(max)d plans; you chose %(n)d.")
                % {"min": low, "max": high, "n": len(ids)}
            )
        return {"plans": sorted(ids), "points": []}
    if kind == "cumulative":
        try:
            points = [int(p) for p in choices.get("points") or []]
        except (TypeError, ValueError):
            raise BallotRefused(_("Points are whole numbers.")) from None
        if len(points) != len(ids) or any(p <= 0 for p in points):
            raise BallotRefused(_("Give every plan you choose 1 point or more."))
        limit = int(rules["points"])
        if sum(points) > limit:
            raise BallotRefused(
                _("You gave %(n)d points; you have %(max)d to give.") % {"n": sum(points), "max": limit}
            )
        pairs = sorted(zip(ids, points, strict=True))
        return {"plans": [i for i, _p in pairs], "points": [p for _i, p in pairs]}
    if kind == "ranking":
        limit = int(rules["max_ranked"])
        if len(ids) > limit:
            raise BallotRefused(_("Rank at most %(max)d plans.") % {"max": limit})
        return {"plans": ids, "points": []}
    raise BallotRefused(_("This round has an unknown ballot type."))
