"""The compiled MES run (_mesfast.c) and the choice between it and the numpy engine.

`fast_run` gives the same FloatRun as `mes_core.run_float`: the compiled run where floats decide every
step, and `run_float` (exact where needed) where they do not. Without the compiled module (a build without
a C compiler) every run is `run_float`; results are the same, only slower. `fast_runs` runs several budgets
on all processor cores (the compiled run releases the GIL).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from buurtbudget.counting.profile import FloatArray, IntArray
from buurtbudget.counting.rules.mes_core import EPS, FloatRun, MesData, run_float

try:
    from buurtbudget.counting.rules import _mesfast
except ImportError:  # pragma: no cover - only where the extension could not be built
    _mesfast = None  # type: ignore[assignment]

COMPILED = _mesfast is not None


@dataclass(slots=True)
class _Arrays:
    """MesData flattened for the compiled run (built once per election, read by every run)."""

    ptr: IntArray
    groups: IntArray
    weights: FloatArray  # per entry of `groups`: that group's number of voters
    n_groups: int
    costs: FloatArray
    total_weight: FloatArray
    eligible: IntArray
    ranks: IntArray


@dataclass(slots=True)
class _Output:
    """What one compiled run writes (one per run, so that runs can go in parallel)."""

    order: IntArray
    afford: FloatArray
    afford_err: FloatArray
    exact_w: FloatArray  # per round: the winner's supporter weight W where its rho / cost is exactly 1 / W
    cutoff: FloatArray
    others_ptr: IntArray
    others_p: IntArray
    others_low: FloatArray
    others_w: FloatArray

    @classmethod
    def empty(cls, e: int) -> _Output:
        pairs = max(e * e, 1)
        return cls(
            order=np.empty(e, dtype=np.int64),
            afford=np.empty(e, dtype=np.float64),
            afford_err=np.empty(e, dtype=np.float64),
            exact_w=np.empty(e, dtype=np.float64),
            cutoff=np.empty(e + 1, dtype=np.float64),
            others_ptr=np.empty(e + 1, dtype=np.int64),
            others_p=np.empty(pairs, dtype=np.int64),
            others_low=np.empty(pairs, dtype=np.float64),
            others_w=np.empty(pairs, dtype=np.float64),
        )


_CACHE: dict[int, tuple[MesData, _Arrays]] = {}


def _arrays(data: MesData) -> _Arrays:
    cached = _CACHE.get(id(data))
    if cached is not None and cached[0] is data:
        return cached[1]
    sizes = np.array([len(g) for g in data.groups], dtype=np.int64)
    ptr = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=ptr[1:])
    groups = np.ascontiguousarray(
        np.concatenate(data.groups) if data.groups else np.zeros(0, dtype=np.int64), dtype=np.int64
    )
    arrays = _Arrays(
        ptr=ptr,
        groups=groups,
        weights=np.ascontiguousarray(
            np.concatenate(data.weights) if data.weights else np.zeros(0), dtype=np.float64
        ),
        n_groups=data.n_groups,
        costs=np.array(data.cost_float, dtype=np.float64),
        total_weight=np.array(data.total_weight, dtype=np.float64),
        eligible=np.array(data.eligible, dtype=np.int64),
        ranks=np.array(data.ranks, dtype=np.int64),
    )
    _CACHE.clear()  # one election at a time: keep memory flat
    _CACHE[id(data)] = (data, arrays)
    return arrays


def compiled_run(data: MesData, b: Fraction, reference: FloatRun | None = None) -> FloatRun | None:
    """The run at per-voter budget `b` from the compiled engine, or None where floats cannot decide."""
    if _mesfast is None:
        return None
    a = _arrays(data)
    out = _Output.empty(len(data.eligible))
    if reference is not None:
        thresholds = np.array(
            [x + e for x, e in zip(reference.afford, reference.afford_err, strict=True)], dtype=np.float64
        )
    else:
        thresholds = np.zeros(0, dtype=np.float64)
    rounds = _mesfast.run(
        a.ptr,
        a.groups,
        a.weights,
        a.n_groups,
        a.costs,
        a.total_weight,
        a.eligible,
        a.ranks,
        float(b),
        thresholds,
        out.order,
        out.afford,
        out.afford_err,
        out.exact_w,
        out.cutoff,
        out.others_ptr,
        out.others_p,
        out.others_low,
        out.others_w,
    )
    if rounds < 0:
        return None
    bounds = out.others_ptr[: rounds + 1].tolist()
    others_p = out.others_p[: bounds[-1]].tolist()
    others_low = out.others_low[: bounds[-1]].tolist()
    others_exact = [_one_over(w) for w in out.others_w[: bounds[-1]].tolist()]
    return FloatRun(
        order=out.order[:rounds].tolist(),
        afford=out.afford[:rounds].tolist(),
        afford_err=out.afford_err[:rounds].tolist(),
        exact=[_one_over(w) for w in out.exact_w[:rounds].tolist()],
        cutoff=out.cutoff[: rounds + 1].tolist(),
        others=[
            list(zip(others_p[s:t], others_low[s:t], others_exact[s:t], strict=True))
            for s, t in zip(bounds, bounds[1:], strict=False)
        ],
    )


def _one_over(weight: float) -> Fraction | None:
    """Exact rho / cost of a plan none of whose supporters paid less than the price (weight 0: unknown)."""
    return Fraction(1, int(weight)) if weight else None


def fast_run(data: MesData, b: Fraction, reference: FloatRun | None = None) -> FloatRun:
    """The MES run at per-voter budget `b`: compiled where it can decide, else `run_float`."""
    return compiled_run(data, b, reference) or run_float(data, b, reference=reference)


_POOL: tuple[int, ThreadPoolExecutor] | None = None  # with the process it belongs to: a fork gets its own


def fast_runs(data: MesData, budgets: list[Fraction]) -> list[FloatRun]:
    """`fast_run` at each budget, the compiled runs spread over the processor cores."""
    global _POOL
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if len(budgets) < 2 or cores < 2:
        return [fast_run(data, b) for b in budgets]
    _arrays(data)  # build the shared input once, before the threads read it
    if _POOL is None or _POOL[0] != os.getpid():
        _POOL = (os.getpid(), ThreadPoolExecutor(max_workers=cores, thread_name_prefix="mes"))
    compiled = list(_POOL[1].map(lambda b: compiled_run(data, b), budgets))
    return [run or run_float(data, b) for run, b in zip(compiled, budgets, strict=True)]


def certify_interval(
    data: MesData, order: list[int], x: Fraction, y: Fraction, pairs: list[tuple[int, int]]
) -> bool:
    """Whether, for runs with winners `order` at per-voter budgets x and y, each (round, plan) of `pairs`
    loses that round to its winner at every budget in between (see _mesfast.c); False where unsure."""
    if _mesfast is None or not pairs or y <= x:
        return False
    a = _arrays(data)
    gap = y - x
    width = float(gap)
    pairs = sorted(pairs)
    return _mesfast.certify(
        a.ptr,
        a.groups,
        a.weights,
        a.n_groups,
        a.costs,
        a.total_weight,
        np.array(order, dtype=np.int64),
        float(x),
        float(y),
        width * (1 - 4 * EPS),
        width * (1 + 4 * EPS),
        np.array([r for r, _ in pairs], dtype=np.int64),
        np.array([q for _, q in pairs], dtype=np.int64),
    )
