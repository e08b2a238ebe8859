"""`official` reproduces the `selected` column of every shared file that names a known rule, and computes
Equal Shares as pabulib's checker does."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from pabulib.checker import Checker
from pabulib_helpers import parse_pb_lines

from buurtbudget.counting import RuleError, count, parse_pabulib
from buurtbudget.counting.rules.official import KNOWN_RULES

from .conftest import FILES, election, file_params

OFFICIAL_FILES = [
    path for path in FILES if election(path).has_column("selected") and election(path).rule in KNOWN_RULES
]


@pytest.mark.shared_files
def test_the_thirteen_files_with_a_selected_column_and_a_known_rule_are_all_checked() -> None:
    names = {path.stem.split("_")[1] for path in OFFICIAL_FILES}
    assert len(OFFICIAL_FILES) == 13
    assert names == {
        "Warszawa",
        "Krakow",
        "Wroclaw",
        "Gdynia",
        "Czestochowa",
        "Katowice",
        "Poznan",
        "Wieliczka",
        "Assen",
    }


@pytest.mark.shared_files
@pytest.mark.parametrize("path", file_params(OFFICIAL_FILES))
def test_official_reproduces_the_selected_column(path: Path) -> None:
    chosen = election(path)
    expected = {project.id for project in chosen.projects if project.selected in (1, 2)}
    result = count(chosen, "official")
    assert set(result.selected) == expected
    assert result.applied == chosen.rule
    assert result.cost <= chosen.budget_fraction or chosen.rule == "greedy-custom"


def test_official_refuses_a_file_without_a_known_rule() -> None:
    text = "META\nkey;value\nbudget;10\nvote_type;approval\nrule;unknown\nPROJECTS\nproject_id;cost\na;5\n"
    with pytest.raises(RuleError, match="no known rule"):
        count(parse_pabulib(text + "VOTES\nvoter_id;vote\n1;a\n"), "official")


def _file(rule: str, costs: list[int], votes: list[list[int]], budget: int, extra: str = "") -> str:
    lines = ["META", "key;value", f"budget;{budget}", "vote_type;approval", f"rule;{rule}", extra, "PROJECTS"]
    lines.append("project_id;cost;votes;selected")
    for i, cost in enumerate(costs):
        lines.append(f"p{i};{cost};{sum(i in vote for vote in votes)};0")
    lines += ["VOTES", "voter_id;vote"]
    lines += [f"v{n};{','.join(f'p{i}' for i in vote)}" for n, vote in enumerate(votes)]
    return "\n".join(line for line in lines if line) + "\n"


def _checker_winners(text: str, add1: bool, comparison: bool) -> set[str]:
    checker = Checker()
    parsed = parse_pb_lines(text.split("\n"))
    checker.meta, checker.projects, checker.votes = parsed[0], parsed[1], parsed[2]
    winners = checker._compute_equalshares_winners(add1=add1)
    if comparison:
        costs = {pid: int(float(data["cost"])) for pid, data in checker.projects.items()}
        winners = checker._apply_equalshares_comparison_step(
            winners, costs, checker._build_approval_approvers()
        )
    return set(winners)


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize(
    "rule", ["equalshares", "equalshares/add1", "equalshares-comparison", "equalshares/add1-comparison"]
)
def test_equal_shares_matches_pabulibs_checker(seed: int, rule: str) -> None:
    rnd = random.Random(seed)
    costs = [rnd.randrange(10, 400) for _ in range(rnd.randint(3, 9))]
    votes = [[i for i in range(len(costs)) if rnd.random() < 0.4] for _ in range(rnd.randint(5, 40))]
    budget = rnd.randrange(100, max(101, sum(costs) - 1))
    text = _file(rule, costs, votes, budget)
    try:
        expected = _checker_winners(text, "add1" in rule, rule.endswith("comparison"))
    except ValueError:
        pytest.skip("the checker cannot break this tie (equal cost and approvals)")
    assert set(count(parse_pabulib(text), "official").selected) == expected


@pytest.mark.shared_files
def test_equal_shares_add1_matches_the_checker_on_assen() -> None:
    path = next(path for path in FILES if path.stem == "Netherlands_Assen_2024")
    text = path.read_text(encoding="utf-8")
    assert set(count(election(path), "official").selected) == _checker_winners(text, True, False)


def test_greedy_variants_follow_meta() -> None:
    votes = [[0], [0], [0], [0], [1], [1], [1], [2], [2], [3]]
    costs = [60, 50, 30, 10]
    skip = count(parse_pabulib(_file("greedy", costs, votes, 100)), "official")
    assert skip.selected == ["p0", "p2", "p3"]
    assert skip.plan("p1").reason == "did-not-fit" and skip.plan("p1").taken_by == ["p0"]
    stop = count(parse_pabulib(_file("greedy-no-skip", costs, votes, 100)), "official")
    assert stop.selected == ["p0"]
    assert stop.plan("p2").reason == "not-reached"
    threshold = count(
        parse_pabulib(_file("greedy-threshold", costs, votes, 100, "min_project_score_threshold;3")),
        "official",
    )
    assert threshold.selected == ["p0"]
    assert threshold.plan("p2").reason == "skipped"
    poznan = count(
        parse_pabulib(_file("greedy-custom", [60, 51, 30, 10], votes, 100, "unit;Poznań")), "official"
    )
    assert poznan.selected == ["p0"]  # 40 left is under 80% of 51
    poznan = count(
        parse_pabulib(_file("greedy-custom", [60, 45, 30, 10], votes, 96, "unit;Poznań")), "official"
    )
    assert poznan.selected == ["p0", "p1"] and poznan.plan("p1").reason == "eighty-percent"
