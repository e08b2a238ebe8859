"""The MES engines and the add-one search, on generated elections.

* the float engine (with its exact fallback) and the exact engine pick the same plans, ties included;
* pabutools agrees on small elections of every ballot type, for every rule;
* the add-one search that jumps gives what stepping by one gives;
* a completion that needs about a million raises (budget 10^9) finishes in seconds.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pabutools.election import (
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    CumulativeBallot,
    CumulativeProfile,
    Instance,
    OrdinalBallot,
    OrdinalProfile,
)
from pabutools.election import Project as PabuProject
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares, sequential_phragmen

from buurtbudget.counting import Election, Project, Voter, count
from buurtbudget.counting.profile import compile_profile
from buurtbudget.counting.rules.base import Options
from buurtbudget.counting.rules.mes import Verdict, mes_data, pabutools_verdict, scan_budgets
from buurtbudget.counting.rules.mes_core import MesData, run_float
from buurtbudget.counting.rules.mes_exact import run_exact


def make_election(rnd: random.Random, vote_type: str, projects: int, voters: int, budget: int) -> Election:
    costs = [
        rnd.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20]) * rnd.choice([1, 10, 100]) for _ in range(projects)
    ]
    plans = [Project(f"p{i}", Decimal(cost)) for i, cost in enumerate(costs)]
    ballots = []
    for v in range(voters):
        if vote_type == "choose-1":
            vote: tuple[str, ...] = (f"p{rnd.randrange(projects)}",)
        else:
            vote = tuple(
                f"p{i}" for i in rnd.sample(range(projects), rnd.randint(0, projects)) if rnd.random() < 0.6
            )
        points = tuple(Decimal(rnd.randint(1, 3)) for _ in vote) if vote_type == "cumulative" else None
        ballots.append(Voter(f"v{v}", vote, points))
    return Election({"budget": str(budget), "vote_type": vote_type}, plans, ballots)


def pabutools_winners(chosen: Election, rule: str) -> set[str]:
    instance = Instance(budget_limit=Fraction(chosen.budget))
    projects = {p.id: PabuProject(p.id, Fraction(p.cost)) for p in chosen.projects}
    for project in projects.values():
        instance.add(project)
    if chosen.vote_type in ("approval", "choose-1"):
        profile = ApprovalProfile([ApprovalBallot([projects[i] for i in v.vote]) for v in chosen.voters])
    elif chosen.vote_type == "cumulative":
        ballots = [
            CumulativeBallot({projects[i]: Fraction(p) for i, p in zip(v.vote, v.points or (), strict=True)})
            for v in chosen.voters
        ]
        profile = CumulativeProfile(ballots)
    else:
        profile = OrdinalProfile([OrdinalBallot([projects[i] for i in v.vote]) for v in chosen.voters])
    if rule == "greedy":
        result = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    elif rule == "mes":
        result = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    elif rule == "mes-add1":
        result = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, voter_budget_increment=1)
    else:
        result = sequential_phragmen(instance, profile)
    return {project.name for project in result}


@pytest.mark.parametrize("seed", range(60))
@pytest.mark.parametrize("vote_type", ["approval", "cumulative", "ordinal", "choose-1"])
def test_small_elections_match_pabutools(seed: int, vote_type: str) -> None:
    rnd = random.Random(seed * 7 + len(vote_type))
    chosen = make_election(rnd, vote_type, rnd.randint(1, 7), rnd.randint(1, 12), rnd.randint(1, 300))
    rules = ["greedy", "mes", "mes-add1"] + (["phragmen"] if vote_type in ("approval", "choose-1") else [])
    for rule in rules:
        assert set(count(chosen, rule).selected) == pabutools_winners(chosen, rule), rule


def data_for(chosen: Election, tie_break: str = "lexicographic") -> MesData:
    profile = compile_profile(chosen)
    return mes_data(profile, Options(tie_break=tie_break), profile.costs, tie_break)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**9), st.sampled_from(["lexicographic", "max-cost", "file-order"]))
def test_float_and_exact_engines_agree(seed: int, tie_break: str) -> None:
    rnd = random.Random(seed)
    chosen = make_election(rnd, "approval", rnd.randint(2, 9), rnd.randint(2, 30), rnd.randint(10, 500))
    data = data_for(chosen, tie_break)
    b = Fraction(int(chosen.budget), len(chosen.voters)) + rnd.choice([0, 0, 1, 7])
    assert run_float(data, b).order == run_exact(data, b).order


def naive_scan(
    data: MesData, start: Fraction, verdict: Callable[[list[int], Fraction], Verdict]
) -> list[int]:
    previous: list[int] = []
    k = 0
    while True:
        order = run_exact(data, start + k).order
        decision = verdict(order, start + k)
        if decision == "previous":
            return previous
        if decision == "this":
            return order
        previous = order
        k += 1


@pytest.mark.parametrize("seed", range(25))
def test_jumping_search_equals_stepping_by_one(seed: int) -> None:
    rnd = random.Random(seed)
    chosen = make_election(rnd, "approval", rnd.randint(3, 9), rnd.randint(5, 25), rnd.randint(200, 2000))
    profile = compile_profile(chosen)
    data = data_for(chosen)
    start = profile.budget / profile.n_voters
    verdict = pabutools_verdict(data, profile.budget)
    jumped, _ = scan_budgets(data, start, verdict, [])
    assert jumped == naive_scan(data, start, verdict)


def billion_election(seed: int) -> Election:
    rnd = random.Random(seed)
    projects = [Project(f"P{i:02d}", Decimal(rnd.randrange(5_000_000, 300_000_000, 1000))) for i in range(30)]
    popularity = [rnd.random() ** 2 for _ in projects]
    voters = [
        Voter(
            f"v{v}", tuple(p.id for p, q in zip(projects, popularity, strict=True) if rnd.random() < q * 0.6)
        )
        for v in range(2000)
    ]
    return Election({"budget": "1000000000", "vote_type": "approval"}, projects, voters)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_billion_budget_completion_finishes_in_seconds(seed: int) -> None:
    chosen = billion_election(seed)
    started = time.process_time()
    result = count(chosen, "mes-add1")
    elapsed = time.process_time() - started
    assert result.voter_budget is not None
    raises = result.voter_budget - Fraction(10**9, 2000)
    assert elapsed < 30, f"{elapsed:.1f}s"
    # The outcome is exactly where pabutools' loop would stop: replayed in exact arithmetic.
    data = data_for(chosen)
    profile = compile_profile(chosen)
    chosen_plans = [profile.ids.index(p) for p in result.selected]
    assert run_exact(data, result.voter_budget).order == chosen_plans
    decision = pabutools_verdict(data, profile.budget)(chosen_plans, result.voter_budget)
    if decision != "this":
        following = run_exact(data, result.voter_budget + 1).order
        assert pabutools_verdict(data, profile.budget)(following, result.voter_budget + 1) == "previous"
    assert raises > 10_000  # stepping by one would have needed this many runs
