"""The compiled MES run (rules/_mesfast.c) decides exactly what the exact engine decides, or declines.

It must never pick a different plan: where float64 cannot decide it returns None and the exact-guarded engine
takes over. The certificates it hands to the add-one search must hold for the exact values.
"""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from buurtbudget.counting import count
from buurtbudget.counting.model import Election, Project, Voter
from buurtbudget.counting.profile import compile_profile
from buurtbudget.counting.rules import mes
from buurtbudget.counting.rules.base import Options
from buurtbudget.counting.rules.mes import mes_data
from buurtbudget.counting.rules.mes_core import MesData, certify, run_float
from buurtbudget.counting.rules.mes_exact import run_exact
from buurtbudget.counting.rules.mes_fast import COMPILED, certify_interval, compiled_run, fast_runs

from .conftest import FILES, election, file_params
from .test_engine import data_for, make_election

pytestmark = pytest.mark.skipif(not COMPILED, reason="the compiled MES run was not built")


def test_the_compiled_run_is_built() -> None:
    """`make install` builds it (pyproject.toml ext-modules); without it every count is several times slower."""
    assert COMPILED


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 10**9), st.sampled_from(["lexicographic", "max-cost", "file-order"]))
def test_compiled_run_is_the_exact_run_or_declines(seed: int, tie_break: str) -> None:
    rnd = random.Random(seed)
    chosen = make_election(rnd, "approval", rnd.randint(2, 9), rnd.randint(2, 40), rnd.randint(10, 500))
    data = data_for(chosen, tie_break)
    b = Fraction(int(chosen.budget), len(chosen.voters)) + rnd.choice([0, 0, 1, 7, Fraction(1, 3)])
    fast = compiled_run(data, b)
    if fast is None:
        return
    exact = run_exact(data, b)
    assert fast.order == exact.order
    assert fast.complete
    for value, error, known, truth in zip(
        fast.afford, fast.afford_err, fast.exact, exact.afford, strict=True
    ):
        assert value - error <= truth <= value + error
        assert known is None or known == truth


def test_ties_between_plans_with_equally_many_supporters_are_decided_by_the_tie_break() -> None:
    """Two plans of the same cost with the same two supporters: an exact tie, which the compiled run decides
    itself (rho / cost = 1 / supporters for both) by the tie-break, as pabutools does."""
    rnd = random.Random(1)
    chosen = make_election(rnd, "approval", 2, 2, 10)
    for plan in chosen.projects:
        plan.cost = chosen.projects[0].cost
    chosen.projects[0].id, chosen.projects[1].id = "z", "a"  # lexicographic and file order disagree
    for voter in chosen.voters:
        voter.vote = ("z", "a")
    chosen.meta["budget"] = str(int(chosen.projects[0].cost) * 2)
    b = Fraction(int(chosen.projects[0].cost) * 2)  # both plans fit, with money to spare
    for tie_break, order in (("lexicographic", [1, 0]), ("file-order", [0, 1])):
        data = data_for(chosen, tie_break)
        fast = compiled_run(data, b)
        assert fast is not None and fast.order == order
        assert fast.exact[0] == Fraction(1, 2)
        assert fast.order == run_exact(data, b).order


@pytest.mark.shared_files
@pytest.mark.parametrize("path", file_params(FILES))
def test_compiled_runs_equal_the_guarded_float_runs_on_real_elections(path: Path) -> None:
    profile = compile_profile(election(path))
    if profile.n_voters == 0:
        return
    data = mes_data(profile, Options(), profile.costs, "lexicographic")
    start = profile.budget / profile.n_voters
    budgets = [start + k for k in (0, 1, 2, 17, 100)]
    decided = 0
    for b, run in zip(budgets, fast_runs(data, budgets), strict=True):
        assert run.order == run_float(data, b).order, f"{path.stem} at {b}"
        decided += compiled_run(data, b) is not None
    assert decided >= 3, "the compiled run should decide most runs on a real election"


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**9), st.integers(1, 40))
def test_a_certified_stretch_of_budgets_has_one_outcome(seed: int, width: int) -> None:
    """Whatever `certify` (with the compiled comparison in between) accepts for budgets x..y, the exact run
    gives the same winners in the same order at every budget in between, halves included."""
    rnd = random.Random(seed)
    chosen = make_election(rnd, "approval", rnd.randint(2, 8), rnd.randint(3, 40), rnd.randint(50, 2000))
    data = data_for(chosen)
    x = Fraction(int(chosen.budget), len(chosen.voters)) + rnd.randint(0, 30)
    y = x + width
    lo, hi = compiled_run(data, x), compiled_run(data, y, reference=compiled_run(data, x))
    if lo is None or hi is None:
        return

    def refine(order: list[int], pairs: list[tuple[int, int]]) -> bool:
        return certify_interval(data, order, x, y, pairs)

    if certify(data, lo, hi, refine):
        for half in range(2 * width + 1):
            assert run_exact(data, x + Fraction(half, 2)).order == lo.order


def close_competition(rnd: random.Random) -> Election:
    """Plans that cost nearly the same and have nearly as many supporters: the winner of a round often has a
    rival within a hair, which is where certifying a stretch needs the comparison in between."""
    plans = rnd.randint(4, 10)
    base = rnd.choice([100_000, 500_000, 2_000_000])
    costs = [base + rnd.randint(-base // 50, base // 50) for _ in range(plans)]
    rates = [rnd.uniform(0.33, 0.37) for _ in range(plans)]
    voters = [
        Voter(f"v{v}", tuple(f"p{i}" for i in range(plans) if rnd.random() < rates[i]), None)
        for v in range(rnd.randint(200, 1500))
    ]
    budget = int(sum(costs) * rnd.uniform(0.3, 0.6))
    projects = [Project(f"p{i}", Decimal(cost)) for i, cost in enumerate(costs)]
    return Election({"budget": str(budget), "vote_type": "approval"}, projects, voters)


def test_stretches_certified_by_comparing_in_between_keep_their_outcome_in_close_competitions() -> None:
    """On 300 close competitions the comparison in between is asked often (the sandwich alone cannot
    settle a near-tie); every stretch it accepts has one outcome at every whole and half budget in it."""
    asked = accepted = 0
    for seed in range(300):
        rnd = random.Random(seed)
        chosen = close_competition(rnd)
        data = data_for(chosen)
        per_voter = Fraction(int(chosen.budget), len(chosen.voters))
        x = per_voter + rnd.randint(0, int(per_voter) // 2)
        y = x + rnd.randint(1, 40)
        lo = compiled_run(data, x)
        hi = compiled_run(data, y, reference=lo) if lo is not None else None
        if lo is None or hi is None:
            continue
        verdicts: list[bool] = []

        def refine(
            order: list[int],
            pairs: list[tuple[int, int]],
            data: MesData = data,
            x: Fraction = x,
            y: Fraction = y,
            verdicts: list[bool] = verdicts,
        ) -> bool:
            verdicts.append(certify_interval(data, order, x, y, pairs))
            return verdicts[-1]

        if certify(data, lo, hi, refine) and verdicts:
            for half in range(1, 2 * int(y - x)):
                assert run_float(data, x + Fraction(half, 2)).order == lo.order, f"seed {seed} at {half}/2"
        asked += bool(verdicts)
        accepted += any(verdicts)
    # Measured: asked 35 times, accepted 32. Far fewer would mean the generator no longer tests this.
    assert asked >= 20 and accepted >= 15, (asked, accepted)


@pytest.mark.shared_files
@pytest.mark.parametrize(
    "name", ["Netherlands_Amsterdam_605", "Netherlands_Assen_2024", "Poland_Wieliczka_2023_Green_Budget"]
)
def test_stretches_certified_on_real_elections_keep_their_outcome(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real ballots with costs and budget times 20 (so that the add-one search crosses long stretches):
    every stretch the compiled comparison certifies really has one outcome, checked run by run."""
    paths = [path for path in FILES if path.stem == name]
    if not paths:
        pytest.skip(f"{name} is not among the shared elections")
    scaled = election(paths[0])
    scaled = type(scaled)(
        {**scaled.meta, "budget": str(scaled.budget * 20)},
        [type(p)(p.id, p.cost * 20, p.fields) for p in scaled.projects],
        scaled.voters,
    )
    certified: list[tuple[list[int], Fraction, Fraction]] = []

    def recording(data: object, order: list[int], x: Fraction, y: Fraction, pairs: object) -> bool:
        accepted = certify_interval(data, order, x, y, pairs)  # type: ignore[arg-type]
        if accepted:
            certified.append((list(order), x, y))
        return accepted

    monkeypatch.setattr(mes, "certify_interval", recording)
    profile = compile_profile(scaled)
    data = mes_data(profile, Options(), profile.costs, "lexicographic")
    count(scaled, "mes-add1")
    assert certified, "the search should have certified some stretch by comparing in between"
    for order, x, y in certified:
        steps = int(y - x)
        checked = (
            range(1, steps) if steps <= 48 else sorted({1, 2, steps - 1} | set(range(1, steps, steps // 24)))
        )
        for k in checked:
            assert run_float(data, x + k).order == order, f"{name}: outcome changes at {x + k}"
        assert run_float(data, x + Fraction(1, 2)).order == order
