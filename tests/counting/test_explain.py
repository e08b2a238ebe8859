"""Explanations agree with the outcome: money adds up, reasons fit the numbers."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from buurtbudget.counting import Election, Outcome, count, parse_pabulib

from .conftest import FILES, election, file_params

SMALL = [
    path
    for path in FILES
    if path.stem
    in {
        "Netherlands_Assen_2024",
        "Netherlands_Amsterdam_522",
        "Netherlands_Amsterdam_643",
        "Poland_Gdansk_2020_Chelm",
        "Switzerland_Zurich_S5R",
        "Netherlands_Amsterdam_179",
    }
]


def check_mes_spending(chosen: Election, result: Outcome) -> None:
    assert result.spending is not None and result.voter_budget is not None
    ballots = {voter.id: set(voter.vote) for voter in chosen.voters}
    paid: dict[str, Fraction] = {plan_id: Fraction(0) for plan_id in result.selected}
    for voter, spent in result.spending.items():
        assert sum(spent.values(), Fraction(0)) <= result.voter_budget  # nobody spends more than their share
        for plan_id, amount in spent.items():
            assert amount > 0
            assert plan_id in ballots[voter]  # only supporters pay
            assert plan_id in paid  # only selected plans are paid for
            paid[plan_id] += amount
    for plan_id in result.selected:
        plan = result.plan(plan_id)
        assert paid[plan_id] == plan.cost  # the supporters' payments cover the cost exactly
        assert plan.price is not None and plan.supporters_money is not None
        assert plan.supporters_money >= plan.cost
        assert max(spent[plan_id] for spent in result.spending.values() if plan_id in spent) == plan.price
    for plan in result.plans:
        if not plan.selected and plan.supporters_money is not None:
            assert plan.supporters_money < plan.cost  # dropped because its supporters were short


@pytest.mark.shared_files
@pytest.mark.parametrize("rule", ["mes", "mes-add1", "mes-add1-greedy"])
@pytest.mark.parametrize("path", file_params(SMALL))
def test_equal_shares_spending_adds_up(path: Path, rule: str) -> None:
    chosen = election(path)
    result = count(chosen, rule, explain=True)
    if rule == "mes-add1-greedy":  # greedy's additions are not paid from the voters' shares
        result.selected = [p for p in result.selected if result.plan(p).reason != "greedy-completion"]
    check_mes_spending(chosen, result)


@pytest.mark.shared_files
def test_official_equal_shares_explains_the_spending() -> None:
    path = next(path for path in FILES if path.stem == "Netherlands_Assen_2024")
    check_mes_spending(election(path), count(election(path), "official", explain=True))


def check_greedy(result: Outcome) -> None:
    left = result.budget
    for plan_id in result.selected:
        plan = result.plan(plan_id)
        assert plan.money_left == left
        left -= plan.awarded
    assert left >= 0
    for plan in result.plans:
        if plan.reason == "did-not-fit":
            assert plan.money_left is not None and plan.cost > plan.money_left
            assert set(plan.taken_by) <= set(result.selected)
            assert (
                sum((result.plan(p).cost for p in plan.taken_by), Fraction(0))
                == result.budget - plan.money_left
            )


@pytest.mark.shared_files
@pytest.mark.parametrize("rule", ["greedy", "greedy-remainder", "official"])
@pytest.mark.parametrize("path", file_params([p for p in FILES if p.stem.startswith("Poland")]))
def test_greedy_explanations_follow_the_money(path: Path, rule: str) -> None:
    chosen = election(path)
    if rule == "official" and chosen.rule.startswith("equalshares") or chosen.rule == "unknown":
        pytest.skip("not a greedy rule")
    check_greedy(count(chosen, rule, explain=True))


def test_greedy_remainder_gives_the_next_plan_what_is_left() -> None:
    text = (
        "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost;votes\n"
        "a;70;3\nb;50;2\nc;10;1\nVOTES\nvoter_id;vote\n1;a,b,c\n2;a,b\n3;a\n"
    )
    result = count(parse_pabulib(text), "greedy-remainder", explain=True)
    assert result.selected == ["a", "b"]
    assert result.plan("b").awarded == 30 and result.plan("b").reason == "remainder"
    assert result.cost == 100
    assert result.plan("c").reason == "not-reached"


def test_phragmen_explains_the_stop() -> None:
    text = (
        "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
        "a;60;\nb;60\nc;10\nVOTES\nvoter_id;vote\n1;a\n2;a\n3;b\n4;c\n"
    )
    result = count(parse_pabulib(text.replace("a;60;", "a;60")), "phragmen", explain=True)
    assert result.selected == ["c", "a"]
    assert result.plan("b").reason == "stopped"
