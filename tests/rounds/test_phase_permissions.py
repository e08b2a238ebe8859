"""Every phase's permissions, as one table: each step of a round is possible in its own phase only, and a
refused step changes nothing. (Who may take a step is tested with each step in test_lifecycle.py.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from buurtbudget.rounds import services
from buurtbudget.rounds.models import Phase, Plan, PlanStatus, Round, Support
from buurtbudget.statemachine.services import TransitionNotAllowed
from buurtbudget.voting import services as voting
from buurtbudget.voting.models import Ballot
from tests.factories.rounds import District, PlanFactory, RoundFactory, resident, stemcode

pytestmark = pytest.mark.django_db

REFUSED = (services.RoundError, TransitionNotAllowed, voting.VotingError)


def _submit(noord: District, r: Round, plan: Plan) -> Callable[[], Any]:
    return lambda: services.submit_plan(
        actor=resident(house_number=77),
        round=r,
        area=noord.oost,
        title="Nieuw plan",
        summary="Bankjes bij de speeltuin.",
        cost_lines=[("Bankjes", 100_000)],
    )


def _support(noord: District, r: Round, plan: Plan) -> Callable[[], Any]:
    return lambda: services.support_plan(actor=resident(house_number=78), plan=plan)


def _feasibility(noord: District, r: Round, plan: Plan) -> Callable[[], Any]:
    return lambda: services.decide_feasibility(
        actor=noord.officer, plan=plan, feasible=False, reason="De grond is niet van de gemeente."
    )


def _cost(noord: District, r: Round, plan: Plan) -> Callable[[], Any]:
    return lambda: services.adjust_cost(
        actor=noord.officer, plan=plan, cost_cents=600_000, note="Met onderhoud."
    )


def _selection(noord: District, r: Round, plan: Plan) -> Callable[[], Any]:
    return lambda: services.decide_selection(
        actor=noord.officer, plan=plan, on_ballot=False, reason="Lijkt op een ander plan."
    )


def _vote(noord: District, r: Round, plan: Plan) -> Callable[[], Any]:
    code = stemcode(r, noord.oost)
    return lambda: voting.cast_vote(round=r, code=code, choices={"plans": [plan.pk]})


# step → (the one phase it belongs to, the plan's status when it is taken, how to take it)
STEPS: dict[str, tuple[Phase, PlanStatus, Callable[[District, Round, Plan], Callable[[], Any]]]] = {
    "submit a plan": (Phase.PLANS, PlanStatus.SUBMITTED, _submit),
    "support a plan": (Phase.SUPPORT, PlanStatus.SUBMITTED, _support),
    "decide feasibility": (Phase.FEASIBILITY, PlanStatus.SUBMITTED, _feasibility),
    "adjust the cost": (Phase.FEASIBILITY, PlanStatus.FEASIBLE, _cost),
    "select for the ballot": (Phase.SELECTION, PlanStatus.FEASIBLE, _selection),
    "vote": (Phase.VOTING, PlanStatus.ON_BALLOT, _vote),
}


def _state(r: Round) -> tuple[Any, ...]:
    plans = tuple(Plan.objects.filter(round=r).order_by("pk").values_list("status", "cost_cents"))
    return plans, Support.objects.filter(plan__round=r).count(), Ballot.objects.filter(round=r).count()


@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("step", list(STEPS))
def test_each_step_only_in_its_own_phase(noord, step, phase) -> None:  # type: ignore[no-untyped-def]
    own_phase, status, make = STEPS[step]
    r = RoundFactory(
        municipality=noord.municipality,
        area=noord.district,
        phase=phase,
        rules={**RoundFactory.rules.function(), "support_threshold": 1, "max_on_ballot": 1},
    )
    plan = PlanFactory(round=r, area=noord.oost, status=status)
    take = make(noord, r, plan)
    before = _state(r)

    if phase == own_phase:
        take()
        assert _state(r) != before
    else:
        with pytest.raises(REFUSED):
            take()
        assert _state(r) == before


@pytest.mark.parametrize("phase", [p for p in Phase if p not in (Phase.FEASIBILITY,)])
@pytest.mark.parametrize("status", [PlanStatus.FEASIBLE, PlanStatus.ON_BALLOT, PlanStatus.NOT_FEASIBLE])
def test_no_feasibility_changes_outside_the_feasibility_check(noord, phase, status) -> None:  # type: ignore[no-untyped-def]
    r = RoundFactory(municipality=noord.municipality, area=noord.district, phase=phase)
    plan = PlanFactory(round=r, area=noord.oost, status=status)
    for feasible in (True, False):
        with pytest.raises(REFUSED):
            services.decide_feasibility(
                actor=noord.officer, plan=plan, feasible=feasible, reason="Toch anders."
            )
    with pytest.raises(REFUSED):
        services.adjust_cost(actor=noord.officer, plan=plan, cost_cents=1, note="x")
    plan.refresh_from_db()
    assert (plan.status, plan.cost_cents, plan.feasibility_reason) == (status, 500_000, "")
