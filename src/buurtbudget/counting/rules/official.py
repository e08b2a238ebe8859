"""`official`: the rule the file's META names, with the parameters META gives, as pabulib's checker
(pabulib-checker) and equalshares.net define them.

* greedy, greedy-threshold, greedy-exclusive: order plans by the file's score (its `score` column, else its
  `votes` column, else the ballots), ties in file order; fund every plan that fits; with
  `min_project_score_threshold`, plans scoring below it are passed over.
* greedy-no-skip: the same, but stop at the first plan (at or above the threshold) that does not fit;
  plans with the placeholder cost 999999999 are passed over.
* greedy-custom: for Poznań, greedy-no-skip where the first plan that does not fit is still funded if at
  least 80% of its cost is left; otherwise plain greedy.
* equalshares, equalshares/add1 (and their -comparison forms): the Method of Equal Shares on whole currency
  units (costs and budget rounded down), ties by lower cost, then more supporters. The add1 completion
  first runs with budget / voters each, then with floor(budget / voters) + 1, + 2, ... and keeps the last
  outcome that costs no more than the budget: unlike pabutools it does not stop at an exhaustive outcome.
  The -comparison forms then compare that outcome with greedy (by approvals, ties in file order, on the
  same whole units): if more voters approve more plans of the greedy outcome than of the Equal Shares
  outcome, greedy wins.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

from buurtbudget.counting.outcome import Outcome
from buurtbudget.counting.profile import Profile
from buurtbudget.counting.rules.base import Options, RuleError, outcome, plan_results
from buurtbudget.counting.rules.greedy import Walk, threshold_skip, walk
from buurtbudget.counting.rules.mes import Verdict, mes_outcome, scan_budgets
from buurtbudget.counting.rules.mes_core import MesData
from buurtbudget.counting.rules.mes_fast import fast_run
from buurtbudget.counting.scores import file_scores
from buurtbudget.counting.tiebreak import tie_ranks

OFFICIAL = " ".join(__doc__.split("\n\n", 1)[0].split()) if __doc__ else ""
SENTINEL_COST = Fraction(999999999)
GREEDY_RULES = ("greedy", "greedy-threshold", "greedy-exclusive", "greedy-no-skip", "greedy-custom")
MES_RULES = ("equalshares", "equalshares-comparison", "equalshares/add1", "equalshares/add1-comparison")
KNOWN_RULES = GREEDY_RULES + MES_RULES


def count_official(profile: Profile, options: Options) -> Outcome:
    rule = profile.election.rule
    if rule in GREEDY_RULES:
        result = _greedy(profile, options, rule)
    elif rule in MES_RULES:
        result = _equal_shares(profile, options, rule)
    else:
        raise RuleError(
            f"Het bestand noemt geen bekende regel ({rule or 'leeg'}); kies een regel met --rule",
            f"The file names no known rule ({rule or 'empty'}); choose a rule with --rule",
        )
    result.rule = "official"
    result.applied = rule
    result.definition = _definition(rule)
    return result


_GREEDY_BASE = (
    "Order the plans by the file's score (its score column, else its votes column, else the ballots), ties "
    "in file order; with min_project_score_threshold in META, plans scoring below it are passed over. "
)
_MES_BASE = (
    "The Method of Equal Shares as equalshares.net and pabulib's checker compute it: in whole currency units "
    "(costs and budget rounded down), each voter gets budget / voters; each round the plan whose supporters "
    "can pay it with the lowest price per unit of cost is bought (ties: lower cost, then more supporters). "
)
DEFINITIONS = {
    "greedy": _GREEDY_BASE + "Fund every plan that fits in the money left, skipping those that do not.",
    "greedy-threshold": _GREEDY_BASE
    + "Fund every plan that fits in the money left, skipping those that do not.",
    "greedy-exclusive": _GREEDY_BASE
    + "Fund every plan that fits in the money left (checked as plain greedy).",
    "greedy-no-skip": _GREEDY_BASE
    + "Fund plans while they fit and stop at the first plan that does not fit; plans with the placeholder "
    "cost 999999999 are passed over.",
    "greedy-custom": _GREEDY_BASE
    + "Poznań: fund plans while they fit; the first plan that does not fit is still funded if at least 80% "
    "of its cost is left, and counting stops. Elsewhere: plain greedy.",
    "equalshares": _MES_BASE,
    "equalshares-comparison": _MES_BASE
    + "Then compare with greedy by approvals (ties in file order): if more voters approve more plans of "
    "the greedy outcome, greedy wins.",
    "equalshares/add1": _MES_BASE
    + "Add-one completion: run again with floor(budget / voters) + 1, + 2, ... per voter and keep the last "
    "outcome that costs no more than the budget (unlike pabutools, an exhaustive outcome does not stop it).",
    "equalshares/add1-comparison": _MES_BASE
    + "Add-one completion as equalshares/add1, then compare with greedy by approvals (ties in file order): if "
    "more voters approve more plans of the greedy outcome, greedy wins.",
}


def _definition(rule: str) -> str:
    return f"official: the rule the file's META names ({rule}). " + DEFINITIONS[rule]


def _threshold(profile: Profile) -> Fraction | None:
    raw = profile.election.meta.get("min_project_score_threshold", "").strip()
    return Fraction(int(float(raw))) if raw else None


def _greedy(profile: Profile, options: Options, rule: str) -> Outcome:
    scores, _source = file_scores(profile.election)
    ranks = tie_ranks(profile, options.tie_break or "file-order")
    order = sorted(range(profile.n_projects), key=lambda p: (-scores[p], ranks[p]))
    plans = plan_results(profile, scores)
    below = threshold_skip(scores, _threshold(profile))
    poznan = rule == "greedy-custom" and (
        profile.election.meta.get("unit", "") == "Poznań" or "80%" in profile.election.meta.get("comment", "")
    )
    how = Walk(skip=below)
    if rule == "greedy-no-skip":

        def skip(p: int) -> str | None:
            if profile.costs[p] == SENTINEL_COST:
                return "Passed over: its cost 999999999 marks a withdrawn plan."
            return below(p) if below else None

        how = Walk(stop_at_first_misfit=True, skip=skip)
    elif poznan:
        how = Walk(eighty_percent=True, skip=below)
    return outcome(rule, OFFICIAL, profile, plans, walk(profile, plans, order, how))


def _equal_shares(profile: Profile, options: Options, rule: str) -> Outcome:
    costs = [Fraction(math.floor(c)) for c in profile.costs]
    budget = Fraction(math.floor(profile.budget))
    eligible = [p for p in range(profile.n_projects) if costs[p] > 0 and profile.support[p] > 0]
    ranks = _equalshares_ranks(profile, costs, options)
    data = MesData.build(profile, costs, eligible, ranks)
    n = profile.n_voters
    order: list[int] = []
    b: Fraction | None = None
    if n:
        b = budget / n
        order = fast_run(data, b).order
        if rule.startswith("equalshares/add1"):
            order, last = scan_budgets(
                data, Fraction(int(budget) // n + 1), _checker_verdict(data, budget), order
            )
            b = last if last is not None else b
    result = mes_outcome(rule, OFFICIAL, profile, data, order, b, options)
    if any(cost != profile.costs[p] for p, cost in enumerate(costs)) or budget != profile.budget:
        result.notes.append("Equal Shares counts whole currency units: costs and budget are rounded down.")
    if rule.endswith("-comparison"):
        greedy = _approval_greedy(profile, costs, budget)
        if _prefer_greedy(profile, order, greedy):
            plans = plan_results(profile)
            result = outcome(rule, OFFICIAL, profile, plans, greedy)
            result.notes.append(
                "More voters prefer the greedy outcome to the Equal Shares outcome, so greedy wins."
            )
        else:
            result.notes.append(
                "Not more voters prefer the greedy outcome, so the Equal Shares outcome stands."
            )
    return result


def _equalshares_ranks(profile: Profile, costs: list[Fraction], options: Options) -> list[int]:
    if options.tie_break:
        return tie_ranks(profile, options.tie_break)
    order = sorted(
        range(profile.n_projects), key=lambda p: (costs[p], -int(profile.support[p]), profile.ids[p])
    )
    ranks = [0] * profile.n_projects
    for rank, p in enumerate(order):
        ranks[p] = rank
    return ranks


def _checker_verdict(data: MesData, budget: Fraction) -> Callable[[list[int], Fraction], Verdict]:
    everything = sum((data.costs[p] for p in data.eligible), Fraction(0))
    all_eligible = set(data.eligible)

    def verdict(order: list[int], b: Fraction) -> Verdict:
        if sum((data.costs[p] for p in order), Fraction(0)) > budget:
            return "previous"
        if b >= everything and set(order) == all_eligible:
            return "this"  # every voter alone can pay for everything: nothing changes any more
        return "go"

    return verdict


def _approval_greedy(profile: Profile, costs: list[Fraction], budget: Fraction) -> list[int]:
    order = sorted(range(profile.n_projects), key=lambda p: -int(profile.support[p]))
    chosen: list[int] = []
    spent = Fraction(0)
    for p in order:
        if spent + costs[p] <= budget:
            chosen.append(p)
            spent += costs[p]
    return chosen


def _prefer_greedy(profile: Profile, mes: list[int], greedy: list[int]) -> bool:
    """Whether more voters approve more plans of `greedy` than of `mes` (pabulib's 'satisfaction' mode)."""
    in_mes = [False] * profile.n_projects
    in_greedy = [False] * profile.n_projects
    for p in mes:
        in_mes[p] = True
    for p in greedy:
        in_greedy[p] = True
    prefers_mes = prefers_greedy = 0
    ptr = profile.group_ptr.tolist()
    projects = profile.group_projects.tolist()
    for g, weight in enumerate(profile.group_weight.tolist()):
        ballot = projects[ptr[g] : ptr[g + 1]]
        sat_mes = sum(in_mes[p] for p in ballot)
        sat_greedy = sum(in_greedy[p] for p in ballot)
        if sat_mes > sat_greedy:
            prefers_mes += weight
        elif sat_greedy > sat_mes:
            prefers_greedy += weight
    return prefers_greedy > prefers_mes
