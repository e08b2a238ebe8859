"""Greedy rules: walk the plans from the highest score down and fund each one that still fits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from buurtbudget.counting.outcome import Outcome, PlanResult
from buurtbudget.counting.profile import Profile
from buurtbudget.counting.rules.base import Options, money, outcome, plan_results
from buurtbudget.counting.scores import file_scores
from buurtbudget.counting.tiebreak import tie_ranks

GREEDY = (
    "Greedy (pabutools' greedy_utilitarian_welfare with Cost_Sat): order the plans by the number of voters "
    "who support them (their total cost satisfaction divided by their cost), ties by the tie-break; walk "
    "down the list and fund every plan whose cost fits in the money still left, skipping those that do not."
)
REMAINDER = (
    "Greedy with remainder: order the plans by score (the file's score or votes column, else the ballots), "
    "fund them while they fit; the first plan that does not fit gets the money that is left, scaled down "
    "from its cost, and counting stops."
)


@dataclass(slots=True)
class Walk:
    """How a greedy walk treats the plans it meets."""

    stop_at_first_misfit: bool = False  # greedy-no-skip: stop at the first plan that does not fit
    remainder: bool = False  # greedy-remainder: the first misfit gets what is left, then stop
    eighty_percent: bool = False  # Poznań: the first misfit is funded if 80% of it is left, then stop
    skip: Callable[[int], str | None] | None = None  # a reason to pass a plan by (e.g. below threshold)


def walk(profile: Profile, plans: list[PlanResult], order: list[int], walk: Walk) -> list[int]:
    """Walk `order`, fill in every plan's explanation and return the selected plans in order."""
    left = profile.budget
    chosen: list[int] = []
    stopped_at: int | None = None
    for p in order:
        plan = plans[p]
        if stopped_at is not None:
            plan.reason = "not-reached"
            plan.detail = f"Not considered: counting stopped at plan {profile.ids[stopped_at]}."
            continue
        reason = walk.skip(p) if walk.skip else None
        if reason is not None:
            plan.reason = "skipped"
            plan.detail = reason
            continue
        plan.money_left = left
        if plan.cost <= left:
            left -= plan.cost
            chosen.append(p)
            plan.reason = "fits"
            plan.detail = f"Selected: it cost {money(plan.cost)}, and {money(plan.money_left)} was left."
            continue
        plan.taken_by = [profile.ids[q] for q in chosen]
        taken = ", ".join(plan.taken_by) or "no plan"
        plan.reason = "did-not-fit"
        plan.detail = (
            f"Did not fit: it costs {money(plan.cost)} but only {money(left)} was left; "
            f"the money went to {taken}."
        )
        if walk.remainder and left > 0:
            plan.awarded = left
            chosen.append(p)
            plan.reason = "remainder"
            share = left / plan.cost * 100
            plan.detail = (
                f"Selected with the remainder: it costs {money(plan.cost)} and gets the {money(left)} that was "
                f"left ({float(share):.1f}% of its cost)."
            )
            left = Fraction(0)
        elif walk.eighty_percent and left >= plan.cost * Fraction(4, 5):
            chosen.append(p)
            plan.reason = "eighty-percent"
            plan.detail = (
                f"Selected under the 80% rule: it costs {money(plan.cost)} and {money(left)} was left, at least "
                "80% of its cost; the difference comes from reserves."
            )
        if walk.stop_at_first_misfit or walk.remainder or walk.eighty_percent:
            stopped_at = p
    return chosen


def count_greedy(profile: Profile, options: Options) -> Outcome:
    ranks = tie_ranks(profile, options.tie_break or "lexicographic")
    density = [
        Fraction(int(profile.support[p])) if profile.support[p] > 0 and profile.costs[p] > 0 else Fraction(0)
        for p in range(profile.n_projects)
    ]
    order = sorted(range(profile.n_projects), key=lambda p: (-density[p], ranks[p]))
    plans = plan_results(profile, density)
    return outcome("greedy", GREEDY, profile, plans, walk(profile, plans, order, Walk()))


def threshold_skip(scores: list[Fraction], threshold: Fraction | None) -> Callable[[int], str | None] | None:
    if threshold is None:
        return None

    def skip(p: int) -> str | None:
        if scores[p] < threshold:
            return f"Below the threshold: its score {scores[p]} is under {threshold}."
        return None

    return skip


def count_greedy_remainder(profile: Profile, options: Options) -> Outcome:
    scores, _ = file_scores(profile.election)
    ranks = tie_ranks(profile, options.tie_break or "lexicographic")
    order = sorted(range(profile.n_projects), key=lambda p: (-scores[p], ranks[p]))
    plans = plan_results(profile, scores)
    chosen = walk(profile, plans, order, Walk(remainder=True))
    return outcome("greedy-remainder", REMAINDER, profile, plans, chosen)
