"""Sequential Phragmén (pabutools' sequential_phragmen), for approval and choose-1 ballots.

Voters earn virtual money continuously from 0. A plan is bought as soon as its supporters together have
earned its cost: the new maximal load of a plan is (its cost + its supporters' loads) / its supporters, and
the plan with the lowest new maximal load is bought next, all its supporters' loads becoming that value.
Counting stops when a plan with the lowest new load does not fit in the budget left (plans costing more
than the whole budget are left out from the start). Exact arithmetic; floats only screen candidates.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from buurtbudget.counting.outcome import Outcome
from buurtbudget.counting.profile import Profile
from buurtbudget.counting.rules.base import Options, money, outcome, plan_results
from buurtbudget.counting.tiebreak import tie_ranks

PHRAGMEN = " ".join(__doc__.split()) if __doc__ else ""


def count_phragmen(profile: Profile, options: Options) -> Outcome:
    ranks = tie_ranks(profile, options.tie_break or "lexicographic")
    n_p = profile.n_projects
    costs = profile.costs
    support = [int(s) for s in profile.support.tolist()]
    remaining = [p for p in range(n_p) if costs[p] <= profile.budget]
    gw = profile.group_weight
    # last[g]: the index (into `loads`) of the last bought plan group g supports; 0 = load 0
    last = np.zeros(len(gw), dtype=np.int64)
    loads: list[Fraction] = [Fraction(0)]
    load_float = [0.0]
    order: list[int] = []
    spent = Fraction(0)
    plans = plan_results(profile)
    counts = _load_counts(profile, last, 1)
    while remaining:
        new_load: dict[int, Fraction | None] = {}
        approx: dict[int, float] = {}
        for p in remaining:
            if support[p] == 0:
                approx[p] = math.inf
            else:
                row = counts[p]
                approx[p] = (float(row @ np.array(load_float)) + float(costs[p])) / support[p]
        low = min(approx.values())
        if math.isinf(low):
            tied = list(remaining)
        else:
            near = [p for p in remaining if approx[p] <= low * (1 + 1e-9) + 1e-300]
            for p in near:
                row = counts[p]
                total = sum((int(c) * loads[i] for i, c in enumerate(row.tolist()) if c), Fraction(0))
                new_load[p] = (total + costs[p]) / support[p]
            best = min(v for v in new_load.values() if v is not None)
            tied = [p for p in near if new_load[p] == best]
        if any(spent + costs[p] > profile.budget for p in tied):
            blocker = min((p for p in tied if spent + costs[p] > profile.budget), key=ranks.__getitem__)
            for p in remaining:
                plans[p].reason = "stopped"
                plans[p].detail = (
                    f"Not selected: counting stopped when plan {profile.ids[blocker]} came next and did not fit "
                    f"({money(profile.budget - spent)} left)."
                )
            break
        chosen = min(tied, key=ranks.__getitem__)
        remaining.remove(chosen)
        order.append(chosen)
        spent += costs[chosen]
        plan = plans[chosen]
        if support[chosen]:
            value = new_load[chosen]
            assert value is not None
            loads.append(value)
            load_float.append(float(value))
            groups = profile.supporters(chosen)
            last[groups] = len(loads) - 1
            counts = _load_counts(profile, last, len(loads))
            plan.detail = f"Selected in round {len(order)}: its supporters' load became {float(value):.6g}."
        else:
            plan.detail = (
                f"Selected in round {len(order)}: it has no supporters but every remaining plan fits."
            )
        plan.reason = "bought"
    for p in range(n_p):
        if costs[p] > profile.budget:
            plans[p].reason = "too-expensive"
            plans[p].detail = f"Not selected: it costs more than the whole budget of {money(profile.budget)}."
    return outcome("phragmen", PHRAGMEN, profile, plans, order)


def _load_counts(profile: Profile, last: np.ndarray, n_loads: int) -> np.ndarray:
    """counts[p, i]: supporters of plan p whose current load is loads[i]."""
    owner = np.repeat(np.arange(len(profile.group_weight)), np.diff(profile.group_ptr))
    flat = profile.group_projects * n_loads + last[owner]
    weights = profile.group_weight[owner].astype(np.float64)
    counts = np.bincount(flat, weights=weights, minlength=profile.n_projects * n_loads)
    return np.rint(counts).astype(np.int64).reshape(profile.n_projects, n_loads)
