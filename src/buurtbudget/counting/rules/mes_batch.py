"""Many MES runs at once: the runs for several per-voter budgets move in lockstep while they pick the same
winners, so each numpy call serves all of them; where they pick different winners the batch splits.

A run whose decisions come too close to call in float64 is left out (None) for `run_float`, which can
decide them exactly. The error bounds are those of `mes_core`, per budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from buurtbudget.counting.profile import FloatArray
from buurtbudget.counting.rules.mes_core import EPS, FloatRun, MesData

BoolArray = npt.NDArray[np.bool_]


@dataclass(slots=True)
class _Batch:
    columns: list[int]  # positions in the caller's list of budgets
    budgets: FloatArray  # columns x groups
    errors: FloatArray  # columns x groups: error bound of each budget
    worst: FloatArray  # per column: the largest of its errors
    start: FloatArray  # the budget per voter of each column
    lower: dict[int, float]  # lower bound of rho / cost per plan, valid for every column
    remaining: list[int]
    order: list[int]
    afford: list[FloatArray]
    afford_err: list[FloatArray]


def _weight_of(mask: BoolArray, ws: FloatArray, unit: bool) -> FloatArray:
    if unit:
        counted: FloatArray = np.count_nonzero(mask, axis=1).astype(np.float64)
        return counted
    weighted: FloatArray = np.where(mask, ws, 0.0).sum(axis=1)
    return weighted


def _waterfill(
    x: FloatArray, ws: FloatArray, es: FloatArray, cost: float, weight: float, unit: bool
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Per run (row of x): the price, its error bound and whether a supporter's money is too close to call.
    `es` bounds the errors of x, either per entry or (1-d) one bound per run; `unit`: every supporter group
    has weight 1 (counting beats a product)."""
    t = x.shape[0]
    rho = np.full(t, cost / weight)
    e_max = es if es.ndim == 1 else es.max(axis=1)
    poor = x < rho[:, None]
    poor_weight = _weight_of(poor, ws, unit)
    if not poor_weight.any():
        err = EPS * (cost + rho)
        return rho, err, x.min(axis=1) - rho <= e_max + err
    for _ in range(12):
        below = np.where(poor, x, 0.0)
        paid = below @ ws
        rest = weight - poor_weight
        with np.errstate(divide="ignore", invalid="ignore"):
            rho = np.where(rest > 0, (cost - paid) / rest, np.inf)
        poor = x < rho[:, None]
        new_weight = _weight_of(poor, ws, unit)
        if np.array_equal(new_weight, poor_weight):
            break
        poor_weight = new_weight
    else:
        return rho, rho, np.ones(t, dtype=bool)
    paid_err = poor_weight * es if es.ndim == 1 else np.where(poor, es, 0.0) @ ws
    err = (paid_err + (poor_weight + 2) * EPS * (paid + cost)) / np.maximum(rest, 1.0) + EPS * rho
    lowest_rich = np.where(poor, np.inf, x).min(axis=1)
    highest_poor = below.max(axis=1)
    with np.errstate(invalid="ignore"):
        close = (rest <= 0) | ~(lowest_rich - rho > e_max + err)
        close |= (highest_poor > 0) & ~(rho - highest_poor > e_max + err)
    return rho, err, close


def run_batch(data: MesData, budgets: list[Fraction]) -> list[FloatRun | None]:
    """The MES run for each budget, or None where floats could not decide (use run_float there)."""
    results: list[FloatRun | None] = [None] * len(budgets)
    start = np.array([float(b) for b in budgets])
    first = _Batch(
        columns=list(range(len(budgets))),
        budgets=np.repeat(start[:, None], data.n_groups, axis=1),
        errors=np.repeat(4 * EPS * start[:, None], data.n_groups, axis=1),
        worst=4 * EPS * start,
        start=start,
        lower={p: 1.0 / data.total_weight[p] * (1 - 4 * EPS) for p in data.eligible},
        remaining=list(data.eligible),
        order=[],
        afford=[],
        afford_err=[],
    )
    stack = [first]
    while stack:
        batch = stack.pop()
        stack.extend(_advance(data, batch, results))
    return results


def _advance(data: MesData, batch: _Batch, results: list[FloatRun | None]) -> list[_Batch]:
    """Run `batch` until it ends, splits or loses all its columns; return the batches it split into."""
    while True:
        t = len(batch.columns)
        if t == 0:
            return []
        batch.remaining.sort(key=batch.lower.__getitem__)
        best_a = np.full(t, np.inf)
        best_err = np.zeros(t)
        best_p = np.full(t, -1, dtype=np.int64)
        candidates: list[tuple[int, FloatArray, FloatArray, FloatArray, FloatArray]] = []
        eject = np.zeros(t, dtype=bool)
        kept: list[int] = []
        for i, p in enumerate(batch.remaining):
            if batch.lower[p] > float(np.max(np.where(eject, -np.inf, best_a + best_err))):
                kept.extend(batch.remaining[i:])
                break
            groups = data.groups[p]
            ws = data.weights[p]
            x = np.take(batch.budgets, groups, axis=1)
            total = x @ ws
            cost = data.cost_float[p]
            weight = float(data.total_weight[p])
            # First with one error bound per run (cheap); where that cannot decide, per supporter.
            total_err = weight * batch.worst + (len(groups) + 2) * EPS * total
            rho, rho_err, close = _waterfill(x, ws, batch.worst, cost, weight, data.unit[p])
            if (close | (np.abs(total - cost) <= total_err)).any():
                es = np.take(batch.errors, groups, axis=1)
                total_err = es @ ws + (len(groups) + 2) * EPS * total
                rho, rho_err, close = _waterfill(x, ws, es, cost, weight, data.unit[p])
            short = total < cost - total_err
            if short.all():
                continue  # unaffordable in every run, and budgets only fall
            eject |= ~short & (total <= cost + total_err)
            eject |= close & ~short
            a = np.where(short, np.inf, rho / cost)
            a_err = np.where(short, 0.0, rho_err / cost + 2 * EPS * a)
            finite = ~short & ~eject
            if finite.any():
                batch.lower[p] = max(batch.lower[p], float((a - a_err)[finite].min()))
            kept.append(p)
            candidates.append((p, a, a_err, rho, rho_err))
            better = a < best_a
            best_p = np.where(better, p, best_p)
            best_err = np.where(better, a_err, best_err)
            best_a = np.where(better, a, best_a)
        batch.remaining = kept
        for p, a, a_err, _rho, _err in candidates:
            eject |= (best_p != p) & (a - a_err <= best_a + best_err) & np.isfinite(a)
        done = (best_p < 0) & ~eject
        for j in np.flatnonzero(done).tolist():
            results[batch.columns[j]] = FloatRun(
                list(batch.order),
                [float(v[j]) for v in batch.afford],
                [float(v[j]) for v in batch.afford_err],
                [None] * len(batch.order),
            )
        alive = ~eject & ~done
        winners = sorted(set(best_p[alive].tolist()))
        if len(winners) != 1 or not alive.all():
            return [_split(data, batch, alive & (best_p == w), w, candidates) for w in winners]
        _pay(data, batch, winners[0], candidates)


def _split(
    data: MesData,
    batch: _Batch,
    mask: BoolArray,
    winner: int,
    candidates: list[tuple[int, FloatArray, FloatArray, FloatArray, FloatArray]],
) -> _Batch:
    picked = np.flatnonzero(mask)
    part = _Batch(
        columns=[batch.columns[j] for j in picked.tolist()],
        budgets=batch.budgets[picked],
        errors=batch.errors[picked],
        worst=batch.worst[picked],
        start=batch.start[picked],
        lower=dict(batch.lower),
        remaining=list(batch.remaining),
        order=list(batch.order),
        afford=[v[picked] for v in batch.afford],
        afford_err=[v[picked] for v in batch.afford_err],
    )
    sub = [(p, a[picked], e[picked], r[picked], re[picked]) for p, a, e, r, re in candidates]
    _pay(data, part, winner, sub)
    return part


def _pay(
    data: MesData,
    batch: _Batch,
    winner: int,
    candidates: list[tuple[int, FloatArray, FloatArray, FloatArray, FloatArray]],
) -> None:
    for p, a, a_err, rho, rho_err in candidates:
        if p != winner:
            continue
        groups = data.groups[winner]
        x = np.take(batch.budgets, groups, axis=1)
        es = np.take(batch.errors, groups, axis=1)
        # The price's error bound from the per-supporter errors (the cheap bound per run would compound).
        cost, weight = data.cost_float[winner], float(data.total_weight[winner])
        _, rho_err, _ = _waterfill(x, data.weights[winner], es, cost, weight, data.unit[winner])
        poor = x <= rho[:, None]
        batch.budgets[:, groups] = np.where(poor, 0.0, x - rho[:, None])
        step = (rho_err + 2 * EPS * (batch.start + rho))[:, None]
        updated = np.where(poor, 0.0, es + step)
        batch.errors[:, groups] = updated
        batch.worst = np.maximum(batch.worst, updated.max(axis=1))
        batch.order.append(winner)
        batch.afford.append(a)
        batch.afford_err.append(a_err)
        batch.remaining.remove(winner)
        return
    raise AssertionError(f"winner {winner} was not evaluated")
