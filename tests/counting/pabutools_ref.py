"""pabutools 1.2.3, the reference implementation, run in the test process.

The parsed instance of the last few files is cached so that all rules of a file share one parse.
mes-add1-greedy reuses the cached mes-add1 outcome and then does exactly what
pabutools.rules.completion_by_rule_combination does with [method_of_equal_shares, greedy_utilitarian_welfare].
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares, sequential_phragmen


@lru_cache(maxsize=2)
def instance(path: Path) -> tuple[Any, Any]:
    return parse_pabulib(str(path))


@lru_cache(maxsize=16)
def _outcome(path: Path, rule: str) -> frozenset[str]:
    inst, profile = instance(path)
    if rule == "greedy":
        result = greedy_utilitarian_welfare(inst, profile, sat_class=Cost_Sat)
    elif rule == "mes":
        result = method_of_equal_shares(inst, profile, sat_class=Cost_Sat)
    elif rule == "mes-add1":
        result = method_of_equal_shares(inst, profile, sat_class=Cost_Sat, voter_budget_increment=1)
    elif rule == "mes-add1-greedy":
        names = _outcome(path, "mes-add1")
        first = [p for p in inst if p.name in names]
        if inst.is_exhaustive(first):
            return names
        result = greedy_utilitarian_welfare(
            inst, profile, sat_class=Cost_Sat, initial_budget_allocation=first
        )
    elif rule == "phragmen":
        result = sequential_phragmen(inst, profile)
    else:
        raise ValueError(rule)
    return frozenset(project.name for project in result)


def selected(path: Path, rule: str) -> frozenset[str]:
    return _outcome(path, rule)
