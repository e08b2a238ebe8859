"""Every pabutools rule gives exactly pabutools' winners on every shared election it applies to.

pabutools runs in this test run; nothing it computed is stored in the repository.

mes-add1 runs pabutools' own add-one loop on every file but those in PABUTOOLS_TOO_SLOW: there each raise is
one pabutools MES run of 10-20 s and the loop needs hundreds of raises (measured on this 2-core machine: the
whole loop on Warszawa 2023 Mokotów took 681 s and 9.4 GB even as a multiprofile). On those files pabutools
computes, in the run, its MES outcome at the raise where our count stopped and at the next one, and its own
feasibility and exhaustiveness checks show that its loop stops there with our winners.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from buurtbudget.counting import count

from . import pabutools_ref
from .conftest import FILES, election, file_params, vote_type

pytestmark = pytest.mark.shared_files

PABUTOOLS_TOO_SLOW = {  # raises pabutools' loop would need, seconds of one of its MES runs here
    "Poland_Warszawa_2020_Praga-Poludnie": (177, "~10"),
    "Poland_Warszawa_2021_Mokotow": (226, "~8"),
    "Poland_Warszawa_2023_Mokotow": (348, "~2; the whole loop 681 s, 9.4 GB"),
    "Poland_Warszawa_2026": (184, "~21"),
}
APPROVAL = ("approval", "choose-1")
SLOW_FILES = [path for path in FILES if path.stem in PABUTOOLS_TOO_SLOW]


def rules_for(path: Path) -> list[str]:
    rules = ["greedy", "mes"]
    if vote_type(path) in APPROVAL:
        rules.append("phragmen")
    if path.stem not in PABUTOOLS_TOO_SLOW:
        rules += ["mes-add1", "mes-add1-greedy"]
    return rules


# One file's rules run one after another on one worker, so pabutools parses each file once.
CASES = [
    pytest.param(path, rule, id=f"{path.stem}-{rule}", marks=pytest.mark.xdist_group(path.stem))
    for path in FILES
    for rule in rules_for(path)
]


@pytest.mark.parametrize(("path", "rule"), CASES)
def test_rule_matches_pabutools(path: Path, rule: str) -> None:
    ours = count(election(path), rule)
    assert frozenset(ours.selected) == pabutools_ref.selected(path, rule), f"{rule} differs on {path.stem}"


def test_every_rule_and_file_is_compared_or_listed() -> None:
    compared = {(case.values[0], case.values[1]) for case in CASES}  # type: ignore[index]
    for path in FILES:
        for rule in ("greedy", "mes", "mes-add1", "mes-add1-greedy"):
            assert (path, rule) in compared or path.stem in PABUTOOLS_TOO_SLOW
        assert ((path, "phragmen") in compared) == (vote_type(path) in APPROVAL)


@pytest.mark.parametrize("path", file_params(SLOW_FILES))
def test_mes_add1_stops_where_pabutools_would(path: Path) -> None:
    """Where pabutools' whole loop is too slow to run here: pabutools' own MES at our final per-voter budget
    gives our winners, its checks say the loop stops there (or its MES one raise later overspends), and its
    greedy completion of those winners is our mes-add1-greedy."""
    result = count(election(path), "mes-add1")
    assert result.voter_budget is not None
    chosen = frozenset(result.selected)
    assert pabutools_ref.mes_at(path, result.voter_budget) == chosen
    assert pabutools_ref.feasible(path, chosen)
    if not pabutools_ref.stops_at(path, chosen):
        assert not pabutools_ref.feasible(path, pabutools_ref.mes_at(path, result.voter_budget + 1))
    completed = frozenset(count(election(path), "mes-add1-greedy").selected)
    assert completed == pabutools_ref.greedy_completion(path, chosen)
