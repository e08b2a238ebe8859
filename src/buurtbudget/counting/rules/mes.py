"""Method of Equal Shares rules (pabutools' definitions) and the add-one completion search."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Literal

from buurtbudget.counting.outcome import Outcome
from buurtbudget.counting.profile import Profile
from buurtbudget.counting.rules.base import Options, money, outcome, plan_results
from buurtbudget.counting.rules.mes_batch import run_batch
from buurtbudget.counting.rules.mes_core import FloatRun, MesData, certify, run_float
from buurtbudget.counting.rules.mes_exact import RoundRecord, run_exact
from buurtbudget.counting.rules.mes_fast import COMPILED, certify_interval, fast_run, fast_runs
from buurtbudget.counting.tiebreak import tie_ranks

MES = (
    "Method of Equal Shares (pabutools' method_of_equal_shares with Cost_Sat): every voter gets an equal "
    "share of the budget. A plan can be bought when its supporters together still have its cost; its price "
    "per supporter is the least amount rho such that the supporters, each paying rho or all they have left "
    "if that is less, cover the cost. Each round the plan with the lowest rho per unit of cost is bought "
    "(ties by the tie-break), until no plan can be bought."
)
MES_ADD1 = (
    "Method of Equal Shares with add-one completion (pabutools' voter_budget_increment=1): run MES with each "
    "voter's share raised by 1, 2, 3, ... currency units; stop at the first raise whose outcome buys every "
    "plan it can still afford within the real budget (keep it), or costs more than the real budget (keep the "
    "outcome of the raise before). The search jumps over raises that provably give the same outcome."
)
MES_ADD1_GREEDY = (
    "mes-add1, then completed by greedy (pabutools' completion_by_rule_combination): if money is left and "
    "some plan still fits, walk the remaining plans by number of supporters and fund those that fit."
)

Verdict = Literal["go", "previous", "this"]


def mes_data(profile: Profile, options: Options, costs: list[Fraction], default_tie: str) -> MesData:
    eligible = [p for p in range(profile.n_projects) if profile.support[p] > 0 and costs[p] > 0]
    ranks = tie_ranks(profile, options.tie_break or default_tie)
    return MesData.build(profile, costs, eligible, ranks)


Found = tuple[list[int], Fraction | None]
DENSE = 4  # below this many budgets, run them all (in parallel) rather than bisect


class _Search:
    """The search over per-voter budgets start + k, k = 0, 1, 2, ... for the first one where `verdict`
    says stop. `previous` is the outcome at the last budget known to say "go"."""

    def __init__(
        self,
        data: MesData,
        start: Fraction,
        verdict: Callable[[list[int], Fraction], Verdict],
        initial: list[int],
    ) -> None:
        self.data = data
        self.start = start
        self.verdict = verdict
        self.previous: Found = (initial, None)

    def look(self, order: list[int], k: int) -> Found | None:
        """Apply the verdict at budget start + k (all earlier budgets said "go")."""
        b = self.start + k
        decision = self.verdict(order, b)
        if decision == "previous":
            return self.previous
        if decision == "this":
            return order, b
        self.previous = (order, b)
        return None

    def certified(self, lo_k: int, lo: FloatRun, hi_k: int, hi: FloatRun) -> bool:
        """Whether every budget from start + lo_k to start + hi_k gives the same run (see `certify`)."""

        def refine(order: list[int], pairs: list[tuple[int, int]]) -> bool:
            return certify_interval(self.data, order, self.start + lo_k, self.start + hi_k, pairs)

        return certify(self.data, lo, hi, refine if COMPILED else None)

    def settle(self, lo_k: int, lo: FloatRun, hi_k: int, hi: FloatRun, checked: bool = False) -> Found | None:
        """Look at every budget in (lo_k, hi_k] in order; `lo` is the run at lo_k, `hi` the run at hi_k.
        `checked`: the caller already found that no certificate covers the whole stretch."""
        if not checked and self.certified(lo_k, lo, hi_k, hi):  # the same outcome all the way
            return self.look(hi.order, hi_k)
        if hi_k - lo_k <= DENSE:
            runs = self.runs([self.start + k for k in range(lo_k + 1, hi_k)])
            for k, run in zip(range(lo_k + 1, hi_k + 1), [*runs, hi], strict=True):
                found = self.look(run.order, k)
                if found is not None:
                    return found
            return None
        mid_k = (lo_k + hi_k) // 2
        mid = fast_run(self.data, self.start + mid_k, reference=lo)
        return self.settle(lo_k, lo, mid_k, mid) or self.settle(mid_k, mid, hi_k, hi)

    def runs(self, budgets: list[Fraction]) -> list[FloatRun]:
        """The runs at several budgets: compiled on every core, else as one numpy batch."""
        if COMPILED:
            return fast_runs(self.data, budgets)
        return [
            r or run_float(self.data, b) for r, b in zip(run_batch(self.data, budgets), budgets, strict=True)
        ]

    def run(self) -> Found:
        """Strides that double while certificates hold and shrink where the outcome changes."""
        lo_k, lo = 0, fast_run(self.data, self.start)
        found = self.look(lo.order, 0)
        jump = DENSE
        while found is None:
            hi_k = lo_k + jump
            hi = fast_run(self.data, self.start + hi_k, reference=lo)
            if self.certified(lo_k, lo, hi_k, hi):
                found = self.look(hi.order, hi_k)
                jump *= 2
            else:
                found = self.settle(lo_k, lo, hi_k, hi, checked=True)
                jump = max(jump // 4, DENSE)
            lo_k, lo = hi_k, hi
        return found


def scan_budgets(
    data: MesData, start: Fraction, verdict: Callable[[list[int], Fraction], Verdict], initial: list[int]
) -> Found:
    """Run MES at per-voter budgets start, start + 1, start + 2, ... until `verdict` says to stop, and return
    the outcome it chose with its budget.

    The search does not step by one: it doubles its stride while certificates (see `certify`) show that
    every budget in between gives the same outcome, and bisects a stride where they do not; short
    stretches are run in one batch. Millions of raises cost about as many runs as there are changes of
    outcome, times a logarithm."""
    return _Search(data, start, verdict, initial).run()


def pabutools_verdict(data: MesData, budget: Fraction) -> Callable[[list[int], Fraction], Verdict]:
    costs = data.costs

    def verdict(order: list[int], _b: Fraction) -> Verdict:
        spent = sum((costs[p] for p in order), Fraction(0))
        if spent > budget:
            return "previous"
        chosen = set(order)
        if all(spent + costs[p] > budget for p in data.eligible if p not in chosen):
            return "this"
        return "go"

    return verdict


def mes_add1_order(profile: Profile, data: MesData) -> tuple[list[int], Fraction | None]:
    start = profile.budget / profile.n_voters
    return scan_budgets(data, start, pabutools_verdict(data, profile.budget), [])


def count_mes(profile: Profile, options: Options) -> Outcome:
    data = mes_data(profile, options, profile.costs, "lexicographic")
    if profile.n_voters == 0:
        return mes_outcome("mes", MES, profile, data, [], None, options)
    b = profile.budget / profile.n_voters
    return mes_outcome("mes", MES, profile, data, fast_run(data, b).order, b, options)


def count_mes_add1(profile: Profile, options: Options) -> Outcome:
    data = mes_data(profile, options, profile.costs, "lexicographic")
    if profile.n_voters == 0:
        return mes_outcome("mes-add1", MES_ADD1, profile, data, [], None, options)
    order, b = mes_add1_order(profile, data)
    return mes_outcome("mes-add1", MES_ADD1, profile, data, order, b, options)


def count_mes_add1_greedy(profile: Profile, options: Options) -> Outcome:
    data = mes_data(profile, options, profile.costs, "lexicographic")
    order: list[int] = []
    b: Fraction | None = None
    if profile.n_voters:
        order, b = mes_add1_order(profile, data)
    result = mes_outcome("mes-add1-greedy", MES_ADD1_GREEDY, profile, data, order, b, options)
    left = profile.budget - sum((profile.costs[p] for p in order), Fraction(0))
    chosen = set(order)
    if all(profile.costs[p] > left for p in range(profile.n_projects) if p not in chosen):
        return result
    ranks = data.ranks
    rest = sorted(
        (p for p in range(profile.n_projects) if p not in chosen),
        key=lambda p: (-(profile.support[p] if profile.costs[p] > 0 else 0), ranks[p]),
    )
    extra = []
    for p in rest:
        plan = result.plans[p]
        if profile.costs[p] <= left:
            left -= profile.costs[p]
            extra.append(p)
            plan.selected, plan.awarded, plan.round = True, plan.cost, len(order) + len(extra)
            plan.reason = "greedy-completion"
            plan.detail = (
                f"Selected by the greedy completion: it cost {money(plan.cost)} and {money(left)} is left."
            )
            result.selected.append(profile.ids[p])
        elif options.explain:
            plan.detail += f" The greedy completion could not fit it either ({money(left)} left)."
    return result


def mes_outcome(
    name: str,
    definition: str,
    profile: Profile,
    data: MesData,
    order: list[int],
    b: Fraction | None,
    options: Options,
) -> Outcome:
    plans = plan_results(profile)
    result = outcome(name, definition, profile, plans, order)
    result.voter_budget = b
    if b is not None:
        result.notes.append(
            f"Each voter's share in the final run: {money(b)} (budget / voters = "
            f"{money(profile.budget / max(profile.n_voters, 1))})."
        )
    for plan, cost in zip(plans, data.costs, strict=True):
        if plan.selected:
            plan.reason, plan.detail = "bought", f"Selected in round {plan.round}."
        elif plan.votes == 0:
            plan.reason, plan.detail = "no-supporters", "Not selected: nobody voted for it."
        elif cost <= 0:
            plan.reason, plan.detail = "not-counted", "Not selected: this rule only counts plans with a cost."
        else:
            plan.reason, plan.detail = "supporters-short", "Not selected: its supporters ran out of money."
    if options.explain and b is not None:
        explain_mes(result, profile, data, order, b)
    return result


def explain_mes(result: Outcome, profile: Profile, data: MesData, order: list[int], b: Fraction) -> None:
    """Replay the final run exactly and record prices, supporters' money and every voter's spending."""
    run = run_exact(data, b, record=True)
    if run.order != order:
        raise AssertionError("the exact replay of the Method of Equal Shares differs from the count")
    members = profile.groups_of_voters()
    voter_ids = [voter.id for voter in profile.election.voters]
    spending: dict[str, dict[str, Fraction]] = {voter_id: {} for voter_id in voter_ids}
    for number, record in enumerate(run.rounds, start=1):
        _explain_round(result, profile, number, record)
        plan_id = profile.ids[record.project]
        for group, paid in zip(record.groups.tolist(), record.payments, strict=True):
            if paid:
                for voter in members[group]:
                    spending[voter_ids[voter]][plan_id] = paid
    for p, (round_number, money_left) in run.dropped.items():
        plan = result.plans[p]
        plan.supporters_money = money_left
        plan.detail = (
            f"Not selected: when round {round_number + 1} was counted its supporters had {money(money_left)} "
            f"left, less than its cost of {money(plan.cost)}."
        )
    result.spending = {voter: spent for voter, spent in spending.items() if spent}


def _explain_round(result: Outcome, profile: Profile, number: int, record: RoundRecord) -> None:
    plan = result.plans[record.project]
    plan.price = record.price
    plan.supporters_money = record.money_before
    all_in = sum(
        int(profile.group_weight[g])
        for g, paid in zip(record.groups.tolist(), record.payments, strict=True)
        if 0 < paid < record.price
    )
    plan.detail = (
        f"Selected in round {number}: its supporters had {money(record.money_before)}; each paid "
        f"{money(record.price)}" + (f", and {all_in} who had less paid all they had." if all_in else ".")
    )
