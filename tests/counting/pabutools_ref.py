"""pabutools 1.2.3, the reference implementation, run in the test process.

The parsed instance of the last few files is cached so that all rules of a file share one parse.
mes-add1-greedy reuses the cached mes-add1 outcome and then does exactly what
pabutools.rules.completion_by_rule_combination does with [method_of_equal_shares, greedy_utilitarian_welfare].

mes-add1 is given the profile as pabutools' own multiprofile (`profile.as_multiprofile()`: voters with the
same ballot merged, with their number as multiplicity), which pabutools' MES supports as an equal input and
which makes its add-one loop fit in a test run (Gdańsk 2020: 431 s and 1.9 GB as a plain profile, 0.1 s as a
multiprofile, with the same winners).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares, sequential_phragmen
from pabutools.rules.budgetallocation import BudgetAllocation
from pabutools.rules.mes.mes_rule import method_of_equal_shares_scheme
from pabutools.tiebreaking import lexico_tie_breaking


@lru_cache(maxsize=2)
def instance(path: Path) -> tuple[Any, Any]:
    return parse_pabulib(str(path))


@lru_cache(maxsize=2)
def multiprofile(path: Path) -> Any:
    return instance(path)[1].as_multiprofile()


@lru_cache(maxsize=16)
def _outcome(path: Path, rule: str) -> frozenset[str]:
    inst, profile = instance(path)
    if rule == "greedy":
        result = greedy_utilitarian_welfare(inst, profile, sat_class=Cost_Sat)
    elif rule == "mes":
        result = method_of_equal_shares(inst, profile, sat_class=Cost_Sat)
    elif rule == "mes-add1":
        result = method_of_equal_shares(
            inst, multiprofile(path), sat_class=Cost_Sat, voter_budget_increment=1
        )
    elif rule == "mes-add1-greedy":
        return greedy_completion(path, _outcome(path, "mes-add1"))
    elif rule == "phragmen":
        result = sequential_phragmen(inst, profile)
    else:
        raise ValueError(rule)
    return frozenset(project.name for project in result)


def selected(path: Path, rule: str) -> frozenset[str]:
    return _outcome(path, rule)


def greedy_completion(path: Path, names: frozenset[str]) -> frozenset[str]:
    """What completion_by_rule_combination([method_of_equal_shares, greedy_utilitarian_welfare]) adds to
    the MES outcome `names`."""
    inst, profile = instance(path)
    first = [p for p in inst if p.name in names]
    if inst.is_exhaustive(first):
        return names
    result = greedy_utilitarian_welfare(inst, profile, sat_class=Cost_Sat, initial_budget_allocation=first)
    return frozenset(project.name for project in result)


def mes_at(path: Path, voter_budget: Fraction) -> frozenset[str]:
    """One iteration of pabutools' add-one loop: its MES run with every voter's budget set to
    `voter_budget` (what method_of_equal_shares_scheme runs at each raise)."""
    inst, _ = instance(path)
    profile = multiprofile(path)
    result = method_of_equal_shares_scheme(
        inst,
        profile,
        profile.as_sat_profile(sat_class=Cost_Sat),
        voter_budget,
        BudgetAllocation(),
        lexico_tie_breaking,
        binary_sat=True,
    )
    return frozenset(project.name for project in result)


def stops_at(path: Path, chosen: frozenset[str]) -> bool:
    """pabutools' loop stops with `chosen` when it is within the budget and no other plan that has
    supporters and a cost would still fit (Instance.is_exhaustive over the plans MES considers)."""
    inst, profile = instance(path)
    projects = [p for p in inst if p.name in chosen]
    considered = [p for p in inst if p.cost > 0 and profile.approval_score(p) > 0]
    return bool(inst.is_feasible(projects) and inst.is_exhaustive(projects, available_projects=considered))


def feasible(path: Path, chosen: frozenset[str]) -> bool:
    inst, _ = instance(path)
    return bool(inst.is_feasible([p for p in inst if p.name in chosen]))
