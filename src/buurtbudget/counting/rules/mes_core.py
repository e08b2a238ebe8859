"""The Method of Equal Shares for cost satisfaction: one run at a fixed per-voter budget `b`.

Every voter starts with `b`. In each round, for every plan whose supporters together still have its cost,
the price `rho` is the smallest amount such that the supporters, each paying `min(own money, rho)`, cover
the cost; the plan with the lowest `rho / cost` wins (ties by the tie-break rank) and its supporters pay.
The run ends when no plan is affordable. This is pabutools' `method_of_equal_shares` with `Cost_Sat` and
the core of equalshares.net's rule.

Two engines compute the same run:

* `run_float` uses float64 with a rigorous bound on the rounding error of every quantity; when a decision
  (which plan wins, whether a plan is affordable, whether a supporter can pay the price) is closer than the
  error bound, it rebuilds the exact values it needs from the prices of the earlier rounds.
* `run_exact` (mes_exact.py) uses integers over a common denominator throughout and records the
  explanation; it is slower and serves explanations and cross-checks.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from buurtbudget.counting.profile import FloatArray, IntArray, Profile

EPS = 2.3e-16  # float64 unit roundoff, rounded up


@dataclass(slots=True)
class MesData:
    """The static part of MES for one profile: eligible plans, their supporters and costs."""

    profile: Profile
    costs: list[Fraction]
    eligible: list[int]
    ranks: list[int]
    groups: list[IntArray] = field(default_factory=list)
    weights: list[FloatArray] = field(default_factory=list)
    int_weights: list[IntArray] = field(default_factory=list)
    total_weight: list[int] = field(default_factory=list)
    cost_float: list[float] = field(default_factory=list)
    unit: list[bool] = field(default_factory=list)  # every supporter group of the plan has weight 1

    @classmethod
    def build(cls, profile: Profile, costs: list[Fraction], eligible: list[int], ranks: list[int]) -> MesData:
        data = cls(profile, costs, eligible, ranks)
        gw = profile.group_weight
        for p in range(profile.n_projects):
            groups = profile.supporters(p)
            data.groups.append(groups)
            data.int_weights.append(gw[groups])
            data.weights.append(gw[groups].astype(np.float64))
            data.total_weight.append(int(gw[groups].sum()))
            data.cost_float.append(float(costs[p]))
            data.unit.append(bool((gw[groups] == 1).all()))
        return data

    @property
    def n_groups(self) -> int:
        return len(self.profile.group_weight)


@dataclass(slots=True)
class FloatRun:
    """The outcome of one run and what a certificate needs: per round the winner's rho / cost (float, with
    its error bound, and exact where computed), the plans looked at besides the winner (with a lower bound
    of their rho / cost, and exact values where computed), and `cutoff`, below which every plan not looked
    at would have been looked at."""

    order: list[int]
    afford: list[float]
    afford_err: list[float]
    exact: list[Fraction | None]
    cutoff: list[float] = field(default_factory=list)
    others: list[list[tuple[int, float, Fraction | None]]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return len(self.cutoff) == len(self.order) + 1


Refine = Callable[[list[int], list[tuple[int, int]]], bool]


def certify(data: MesData, earlier: FloatRun, later: FloatRun, refine: Refine | None = None) -> bool:
    """Whether every per-voter budget between those of `earlier` and `later` gives the same run.

    Within one sequence of winners, raising the budget only raises every voter's money in every round, so
    every plan's rho / cost only falls. If in every round each other plan's value at the later budget is
    above the winner's value at the earlier budget (or equal with the winner first in the tie-break), the
    winner wins that round at every budget in between; plans unaffordable at the later budget are
    unaffordable at every lower one.

    The (round, plan) pairs this cannot settle go to `refine` (mes_fast.certify_interval), which compares
    them budget by budget in between with bounds on every voter's money; without it they fail."""
    if earlier.order != later.order or not later.complete:
        return False
    pending: list[tuple[int, int]] = []
    for r, s in enumerate(later.order):
        threshold = earlier.afford[r] + earlier.afford_err[r]
        if threshold > later.cutoff[r]:
            return False
        for q, low, exact in later.others[r]:
            if low > threshold:
                continue
            reference = earlier.exact[r]
            if exact is not None and reference is not None:
                if exact > reference or (exact == reference and data.ranks[q] > data.ranks[s]):
                    continue
            pending.append((r, q))
    if not pending:
        return True
    return refine is not None and refine(later.order, pending)


def _waterfill(
    bs: FloatArray, ws: FloatArray, es: FloatArray, cost: float, weight: float
) -> tuple[float, float, bool]:
    """Float price `rho` of a plan, its error bound, and whether some supporter's money is too close to rho
    to tell whether they pay rho or all they have. `es` bounds the error of each supporter's money.

    The price solves sum(w * min(b, rho)) = cost. Starting from cost / weight, supporters who cannot pay the
    current price pay all they have and the rest share the remainder; the price only rises, so this stops
    after a few passes (a sort is the fallback)."""
    rho = cost / weight
    e_max = float(es.max())
    poor = bs < rho
    count = int(np.count_nonzero(poor))
    if count == 0:
        err = EPS * (cost + rho)
        return rho, err, float(bs.min()) - rho <= e_max + err
    for _ in range(8):
        poor_weight = float(ws[poor].sum())
        if poor_weight >= weight:  # all pay all they have: the money just covers the cost
            return float(bs.max()), EPS * cost, True
        paid = float(bs[poor] @ ws[poor])
        rho = (cost - paid) / (weight - poor_weight)
        poor = bs < rho
        new_count = int(np.count_nonzero(poor))
        if new_count == count:
            break
        count = new_count
    else:
        return _waterfill_sorted(bs, ws, es, cost, weight)
    paid_err = float(es[poor] @ ws[poor])
    err = (paid_err + (count + 2) * EPS * (paid + cost)) / (weight - poor_weight) + EPS * rho
    lowest_rich = float(bs[~poor].min())
    highest_poor = float(bs[poor].max())
    close = lowest_rich - rho <= e_max + err or (highest_poor > 0 and rho - highest_poor <= e_max + err)
    return rho, err, close


def _waterfill_sorted(
    bs: FloatArray, ws: FloatArray, es: FloatArray, cost: float, weight: float
) -> tuple[float, float, bool]:
    order = np.argsort(bs, kind="stable")
    sb = bs[order]
    sw = ws[order]
    wb = sb * sw
    paid = np.cumsum(wb) - wb  # money of the poorer supporters
    rest = weight - (np.cumsum(sw) - sw)  # supporters from here on
    rho = (cost - paid) / rest
    k = int(np.argmax(rho <= sb))
    r = float(rho[k])
    e_max = float(es.max())
    paid_err = float(es[order][:k] @ sw[:k])
    err = (paid_err + (k + 2) * EPS * (float(paid[k]) + cost)) / float(rest[k]) + EPS * r
    close = not r <= sb[k] or float(sb[k]) - r <= e_max + err
    if k > 0 and sb[k - 1] > 0 and r - float(sb[k - 1]) <= e_max + err:
        close = True
    return r, err, close


BLOCK = 6  # plans evaluated together: one set of numpy calls serves them all


def _evaluate_block(
    x: FloatArray,
    w: FloatArray,
    e: FloatArray,
    lengths: IntArray,
    cost: FloatArray,
    weight: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """Several plans at once. `x`, `w`, `e`: their supporters' money, weights and money error bounds, one
    plan after another (`lengths` supporters each). Per plan: the supporters' total money and its error
    bound, the price rho, its error bound, and whether a supporter is too close to rho to call (as
    `_waterfill`); a plan whose supporters cannot afford it gets rho = inf."""
    starts = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    xw = x * w
    total = np.add.reduceat(xw, starts)
    total_err = np.add.reduceat(e * w, starts) + (lengths + 2) * EPS * total
    rho = cost / weight
    poor = x < np.repeat(rho, lengths)
    poor_weight = np.add.reduceat(np.where(poor, w, 0.0), starts)
    paid = np.zeros(len(lengths))
    for _ in range(12):
        paid = np.add.reduceat(np.where(poor, xw, 0.0), starts)
        rest = weight - poor_weight
        with np.errstate(divide="ignore", invalid="ignore"):
            rho = np.where(rest > 0, (cost - paid) / rest, np.inf)
        poor = x < np.repeat(rho, lengths)
        new_weight = np.add.reduceat(np.where(poor, w, 0.0), starts)
        if np.array_equal(new_weight, poor_weight):
            break
        poor_weight = new_weight
    else:
        rho = np.full(len(lengths), np.nan)  # not settled: the caller prices these one by one
    rest = weight - poor_weight
    paid_err = np.add.reduceat(np.where(poor, e * w, 0.0), starts)
    err = (paid_err + (poor_weight + 2) * EPS * (paid + cost)) / np.maximum(rest, 1.0) + EPS * rho
    e_max = np.maximum.reduceat(e, starts)
    lowest_rich = np.minimum.reduceat(np.where(poor, np.inf, x), starts)
    highest_poor = np.maximum.reduceat(np.where(poor, x, 0.0), starts)
    with np.errstate(invalid="ignore"):
        close = (rest <= 0) | ~(lowest_rich - rho > e_max + err)
        close |= (highest_poor > 0) & ~(rho - highest_poor > e_max + err)
    return total, total_err, rho, err, close


class _FloatMes:
    """One float run. Every round keeps which supporters paid the price and which paid all they had, so
    that exact values (`_exact_rho`, `_exact_price`) can be rebuilt on demand when floats cannot decide."""

    def __init__(self, data: MesData, b: Fraction) -> None:
        self.data = data
        self.b = b
        self.budgets = np.full(data.n_groups, float(b), dtype=np.float64)
        self.errors = np.full(data.n_groups, 4 * EPS * float(b))  # error bound of each group's budget
        self.winners: list[int] = []
        self.rich: list[IntArray] = []  # per round: groups that paid the price and kept money
        self.poor: list[IntArray] = []  # per round: groups with money that paid all of it
        self.rest: list[int] = []  # per round: voters who paid the price
        self.rho_exact: list[Fraction | None] = []

    def _paid_counts(self, groups: IntArray, rounds: int) -> list[int]:
        """For each earlier round, how many voters of `groups` paid that round's price."""
        mask = np.zeros(self.data.n_groups, dtype=bool)
        mask[groups] = True
        gw = self.data.profile.group_weight
        return [int(gw[rich[mask[rich]]].sum()) for rich in self.rich[:rounds]]

    def _exact_money(self, groups: IntArray, rounds: int) -> Fraction:
        """Exact money of `groups` (all with money left) after `rounds` rounds."""
        weight = int(self.data.profile.group_weight[groups].sum())
        money = weight * self.b
        for r, count in enumerate(self._paid_counts(groups, rounds)):
            if count:
                money -= count * self._exact_rho(r)
        return money

    def _exact_rho(self, r: int) -> Fraction:
        rho = self.rho_exact[r]
        if rho is None:
            paid = self._exact_money(self.poor[r], r)
            rho = (self.data.costs[self.winners[r]] - paid) / self.rest[r]
            self.rho_exact[r] = rho
        return rho

    def _exact_budgets(self, groups: IntArray) -> list[Fraction]:
        """Exact budgets of `groups` (all with money left) now."""
        rounds = len(self.winners)
        pattern = np.zeros((len(groups), max(rounds, 1)), dtype=bool)
        for r in range(rounds):
            pattern[:, r] = np.isin(groups, self.rich[r])
        unique, inverse = np.unique(pattern, axis=0, return_inverse=True)
        values: list[Fraction] = []
        for row in unique:
            value = self.b
            for r in np.flatnonzero(row).tolist():
                value -= self._exact_rho(r)
            values.append(value)
        return [values[i] for i in inverse.reshape(-1).tolist()]

    def exact_total(self, p: int) -> Fraction:
        groups = self.data.groups[p]
        alive = groups[self.budgets[groups] > 0]
        return self._exact_money(alive, len(self.winners))

    def exact_price(self, p: int, rho_f: float, err: float) -> tuple[Fraction, IntArray, IntArray]:
        """Exact price of `p` now, with its supporters who pay all they have and those who pay the price."""
        groups = self.data.groups[p]
        bs = self.budgets[groups]
        margin = 2 * (float(self.errors[groups].max()) + err) + 8 * EPS * rho_f
        dead = groups[bs <= 0]
        sure_poor = groups[(bs > 0) & (bs < rho_f - margin)]
        sure_rich = groups[bs > rho_f + margin]
        unsure = groups[(bs >= rho_f - margin) & (bs <= rho_f + margin) & (bs > 0)]
        gw = self.data.profile.group_weight
        paid = self._exact_money(sure_poor, len(self.winners)) if len(sure_poor) else Fraction(0)
        unsure_values = self._exact_budgets(unsure) if len(unsure) else []
        order = sorted(range(len(unsure)), key=unsure_values.__getitem__)
        rest = int(gw[sure_rich].sum()) + int(gw[unsure].sum())
        cost = self.data.costs[p]
        poor_unsure: list[int] = []
        for i in order:
            value = unsure_values[i]
            if cost - paid <= rest * value:
                break
            weight = int(gw[unsure[i]])
            paid += weight * value
            rest -= weight
            poor_unsure.append(i)
        rho = (cost - paid) / rest
        poor_set = set(poor_unsure)
        rich_unsure = np.array(
            [g for i, g in enumerate(unsure.tolist()) if i not in poor_set], dtype=np.int64
        )
        poor = np.concatenate([dead, sure_poor, unsure[sorted(poor_set)]]).astype(np.int64)
        return rho, poor, np.concatenate([sure_rich, rich_unsure]).astype(np.int64)

    def pay(
        self, p: int, rho: float, rho_err: float, exact: tuple[Fraction, IntArray, IntArray] | None
    ) -> None:
        groups = self.data.groups[p]
        bs = self.budgets[groups]
        gw = self.data.profile.group_weight
        if exact is None:
            poor_mask = bs <= rho
            poor = groups[poor_mask]
            rich = groups[~poor_mask]
            self.rho_exact.append(None)
        else:
            rho_q, poor, rich = exact
            rho = float(rho_q)
            rho_err = EPS * rho
            self.rho_exact.append(rho_q)
        self.winners.append(p)
        self.poor.append(poor[self.budgets[poor] > 0])
        self.rich.append(rich)
        self.rest.append(int(gw[rich].sum()))
        self.budgets[poor] = 0.0
        self.budgets[rich] -= rho
        self.errors[poor] = 0.0
        self.errors[rich] += rho_err + 2 * EPS * (float(self.b) + rho)


def run_float(data: MesData, b: Fraction, reference: FloatRun | None = None) -> FloatRun:
    """One MES run in float64, exact where floats cannot decide. With `reference` (a run at a lower budget),
    the run also looks at every plan that could fall to the reference's winning values, so that
    `certify(data, reference, result)` can decide."""
    run = _FloatMes(data, b)
    lower = {p: 1.0 / data.total_weight[p] * (1 - 4 * EPS) for p in data.eligible}
    remaining = list(data.eligible)
    result = FloatRun([], [], [], [])
    while True:
        r = len(run.winners)
        threshold = -math.inf
        reference_exact: Fraction | None = None
        if reference is not None and r < len(reference.order):
            threshold = reference.afford[r] + reference.afford_err[r]
            reference_exact = reference.exact[r]
        remaining.sort(key=lower.__getitem__)
        best_a = math.inf
        best_err = 0.0
        candidates: list[tuple[float, float, int, float, float]] = []
        exact_prices: dict[int, tuple[Fraction, IntArray, IntArray]] = {}
        kept: list[int] = []
        budgets = run.budgets
        cutoff = math.inf
        i = 0
        while i < len(remaining):
            limit = max(best_a + best_err, threshold)
            if lower[remaining[i]] > limit:
                cutoff = limit
                kept.extend(remaining[i:])
                break
            block = [
                remaining[j] for j in range(i, min(i + BLOCK, len(remaining))) if lower[remaining[j]] <= limit
            ]
            i += len(block)
            groups = np.concatenate([data.groups[p] for p in block])
            lengths = np.array([len(data.groups[p]) for p in block], dtype=np.int64)
            totals, total_errs, rhos, rho_errs, closes = _evaluate_block(
                budgets[groups],
                np.concatenate([data.weights[p] for p in block]),
                run.errors[groups],
                lengths,
                np.array([data.cost_float[p] for p in block]),
                np.array([float(data.total_weight[p]) for p in block]),
            )
            for j, p in enumerate(block):
                cost = data.cost_float[p]
                total, total_err = float(totals[j]), float(total_errs[j])
                if total < cost - total_err:
                    continue  # unaffordable now, and budgets only fall within a run
                if total <= cost + total_err and run.exact_total(p) < data.costs[p]:
                    continue
                rho, rho_err, close = float(rhos[j]), float(rho_errs[j]), bool(closes[j])
                if math.isinf(rho):  # the money just covers the cost: each pays all they have
                    rho, rho_err, close = float(budgets[data.groups[p]].max()), EPS * cost, True
                if math.isnan(rho):
                    mine = data.groups[p]
                    rho, rho_err, close = _waterfill(
                        budgets[mine], data.weights[p], run.errors[mine], cost, float(data.total_weight[p])
                    )
                if close:  # the float price may be off: take the exact one
                    exact_prices[p] = run.exact_price(p, rho, rho_err)
                    rho = float(exact_prices[p][0])
                    rho_err = EPS * rho
                a = rho / cost
                a_err = rho_err / cost + 2 * EPS * a
                lower[p] = a - a_err
                kept.append(p)
                candidates.append((a, a_err, p, rho, rho_err))
                if a < best_a:
                    best_a, best_err = a, a_err
        remaining = kept
        result.cutoff.append(cutoff)
        if not candidates:
            return result
        near = [c for c in candidates if c[0] - c[1] <= max(best_a + best_err, threshold)]
        if reference_exact is None:  # exact values only help a certificate against an exact reference
            near = [c for c in near if c[0] - c[1] <= best_a + best_err]
        exact: tuple[Fraction, IntArray, IntArray] | None = None
        if len(near) == 1 and near[0][2] not in exact_prices:
            best, best_rho, best_rho_err = near[0][2], near[0][3], near[0][4]
        else:  # a tie, a near-tie or a supporter at the edge: decide exactly
            for c in near:
                if c[2] not in exact_prices:
                    exact_prices[c[2]] = run.exact_price(c[2], c[3], c[4])
            best = min(
                (c[2] for c in near), key=lambda q: (exact_prices[q][0] / data.costs[q], data.ranks[q])
            )
            exact = exact_prices[best]
            best_rho, best_rho_err = float(exact[0]), EPS * float(exact[0])
            best_a = float(exact[0] / data.costs[best])
            best_err = 4 * EPS * best_a
        result.afford.append(best_a)
        result.afford_err.append(best_err)
        result.exact.append(exact[0] / data.costs[best] if exact is not None else None)
        result.others.append(
            [
                (
                    c[2],
                    c[0] - c[1],
                    exact_prices[c[2]][0] / data.costs[c[2]] if c[2] in exact_prices else None,
                )
                for c in candidates
                if c[2] != best
            ]
        )
        result.order.append(best)
        remaining.remove(best)
        run.pay(best, best_rho, best_rho_err, exact)
