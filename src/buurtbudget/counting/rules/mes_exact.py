"""The Method of Equal Shares in exact arithmetic (see mes_core for the rule).

Money is kept as integers over one common denominator, which grows when a price needs it, so every
comparison is exact. Slower than the float engine; it explains results (prices, what every voter paid,
why a plan was dropped) and cross-checks the float engine in the tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from buurtbudget.counting.profile import IntArray
from buurtbudget.counting.rules.mes_core import MesData


@dataclass(slots=True)
class RoundRecord:
    """What happened in one round of an exact run (kept for explanations)."""

    project: int
    price: Fraction  # what each supporter who could afford it paid
    money_before: Fraction  # the supporters' money before paying
    groups: IntArray  # supporter groups
    payments: list[Fraction]  # per supporter group: what each of its voters paid


@dataclass(slots=True)
class ExactRun:
    order: list[int]
    afford: list[Fraction]  # the winner's rho / cost per round
    rounds: list[RoundRecord]
    dropped: dict[int, tuple[int, Fraction]]  # plan -> (round it was found unaffordable, supporters' money)


def run_exact(data: MesData, b: Fraction, record: bool = False) -> ExactRun:
    """One MES run in exact arithmetic: money is kept as integers over the common denominator `scale`."""
    denominators = [c.denominator for c in data.costs] + [b.denominator]
    base = math.lcm(*denominators)
    cost_units = [int(c * base) for c in data.costs]
    scale = 1  # money value = units / (base * scale)
    values: list[int] = [0, int(b * base)]  # class 0 is the empty purse
    index = {0: 0, values[1]: 1}
    cls = np.ones(data.n_groups, dtype=np.int64)
    lower: dict[int, Fraction] = {p: Fraction(1, data.total_weight[p]) for p in data.eligible}
    remaining = list(data.eligible)
    order: list[int] = []
    afford: list[Fraction] = []
    rounds: list[RoundRecord] = []
    dropped: dict[int, tuple[int, Fraction]] = {}
    while True:
        remaining.sort(key=lower.__getitem__)
        best_a: Fraction | None = None
        tied: list[int] = []
        prices: dict[int, tuple[int, int, int]] = {}
        kept: list[int] = []
        for i, p in enumerate(remaining):
            if best_a is not None and lower[p] > best_a:
                kept.extend(remaining[i:])
                break
            cost = cost_units[p] * scale
            counts = np.bincount(cls[data.groups[p]], weights=data.weights[p], minlength=len(values))
            present = np.flatnonzero(counts)
            pairs = sorted((values[c], int(round(counts[c]))) for c in present.tolist())
            total = sum(v * k for v, k in pairs)
            if total < cost:
                dropped[p] = (len(order), Fraction(total, base * scale))
                continue
            paid, rest = 0, data.total_weight[p]
            for value, count in pairs:
                if cost - paid <= rest * value:
                    break
                paid += value * count
                rest -= count
            a = Fraction(cost - paid, rest * cost)
            lower[p] = a
            kept.append(p)
            prices[p] = (cost - paid, rest, total)
            if best_a is None or a < best_a:
                best_a, tied = a, [p]
            elif a == best_a:
                tied.append(p)
        remaining = kept
        if best_a is None:
            return ExactRun(order, afford, rounds, dropped)
        best = min(tied, key=data.ranks.__getitem__)
        remaining.remove(best)
        order.append(best)
        afford.append(best_a)
        numerator, rest, total = prices[best]
        factor = rest // math.gcd(rest, numerator)
        if factor > 1:  # rescale so that the price is a whole number of units
            scale *= factor
            values = [v * factor for v in values]
            index = {v: i for i, v in enumerate(values)}
            total *= factor
        price = numerator * factor // rest
        groups = data.groups[best]
        old = cls[groups]
        lut = np.arange(len(values), dtype=np.int64)
        paid_by: dict[int, int] = {}
        for c in np.unique(old).tolist():
            value = values[c]
            after = value - price if value > price else 0
            paid_by[c] = value - after
            target = index.get(after)
            if target is None:
                target = index[after] = len(values)
                values.append(after)
            lut[c] = target
        cls[groups] = lut[old]
        if record:
            unit = base * scale
            payments = [Fraction(paid_by[c], unit) for c in old.tolist()]
            rounds.append(RoundRecord(best, Fraction(price, unit), Fraction(total, unit), groups, payments))
