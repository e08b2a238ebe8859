"""A round from plans to voting: who may do what in which phase, and what residents see happen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from buurtbudget.audit.models import AuditEvent
from buurtbudget.rounds import services
from buurtbudget.rounds.models import Phase, Plan, PlanStatus, Support
from buurtbudget.statemachine.services import TransitionNotAllowed
from tests.factories import UserFactory
from tests.factories.rounds import PlanFactory, RoundFactory, resident

pytestmark = pytest.mark.django_db

DATES = {
    "plans_open_on": dt.date(2026, 1, 1),
    "support_opens_on": dt.date(2026, 3, 1),
    "feasibility_opens_on": dt.date(2026, 4, 1),
    "voting_opens_on": dt.date(2026, 6, 1),
    "voting_closes_on": dt.date(2026, 6, 30),
    "result_on": dt.date(2026, 7, 7),
}


def new_round(noord, **rules):  # type: ignore[no-untyped-def]
    return services.create_round(
        actor=noord.officer,
        municipality=noord.municipality,
        area=noord.district,
        name="Buurtbudget Noord 2026",
        slug="noord-2026",
        budget_cents=10_000_000,
        rules=rules,
        **DATES,
    )


def test_district_officer_creates_a_round_with_default_rules(noord) -> None:  # type: ignore[no-untyped-def]
    r = new_round(noord)
    assert r.phase == Phase.PLANS
    assert r.rule("support_threshold") == 50
    assert r.rule("max_on_ballot") == 30
    assert r.rule("legal_entity_above_cents") == 5_000_000
    assert r.counting_rule == "greedy"
    assert AuditEvent.objects.filter(action="rounds.round.create", object_id=str(r.pk)).exists()


def test_others_cannot_create_a_round_and_bad_input_changes_nothing(noord) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        services.create_round(
            actor=UserFactory(),
            municipality=noord.municipality,
            area=noord.district,
            name="X",
            slug="x",
            budget_cents=100,
            **DATES,
        )
    with pytest.raises(ValidationError, match="phases must follow"):
        services.create_round(
            actor=noord.officer,
            municipality=noord.municipality,
            area=noord.district,
            name="X",
            slug="x",
            budget_cents=100,
            **{**DATES, "voting_closes_on": dt.date(2026, 5, 1)},
        )
    with pytest.raises(ValidationError, match="Unknown rules"):
        new_round(noord, free_beer=1)
    with pytest.raises(ValidationError):
        new_round(noord, ballot_type="lottery")
    new_round(noord)
    with pytest.raises(ValidationError, match="already uses"):
        new_round(noord)
    assert noord.municipality.rounds.count() == 1


def test_a_resident_of_the_area_submits_a_plan_with_cost_lines(noord) -> None:  # type: ignore[no-untyped-def]
    r = new_round(noord)
    plan = services.submit_plan(
        actor=resident("1031AB", 5),
        round=r,
        area=noord.oost,
        title="Speeltuin",
        summary="Een speeltuin op het plein.",
        cost_lines=[("Toestellen", 1_500_000), ("Tegels", 250_000)],
    )
    assert plan.cost_cents == plan.requested_cents == 1_750_000
    assert [line.description for line in plan.cost_lines.all()] == ["Toestellen", "Tegels"]
    assert AuditEvent.objects.filter(action="rounds.plan.submit").count() == 1


@pytest.mark.parametrize(
    ("who", "message"),
    [
        (lambda: resident("9999AA", 1), "Only residents of Noord"),
        (lambda: UserFactory(), "Only residents of Noord"),
    ],
)
def test_only_residents_of_the_area_may_submit(noord, who, message) -> None:  # type: ignore[no-untyped-def]
    r = new_round(noord)
    with pytest.raises(services.RoundError, match=message):
        services.submit_plan(
            actor=who(), round=r, area=noord.oost, title="T", summary="S", cost_lines=[("a", 100)]
        )
    assert not Plan.objects.exists()


def test_plans_above_50000_euros_need_a_legal_entity(noord) -> None:  # type: ignore[no-untyped-def]
    r = new_round(noord)
    someone = resident()
    with pytest.raises(ValidationError, match="legal entity"):
        services.submit_plan(
            actor=someone,
            round=r,
            area=noord.oost,
            title="Park",
            summary="Groot park",
            cost_lines=[("Park", 5_000_001)],
        )
    plan = services.submit_plan(
        actor=someone,
        round=r,
        area=noord.oost,
        title="Park",
        summary="Groot park",
        cost_lines=[("Park", 5_000_001)],
        legal_entity="Stichting Groen Noord",
    )
    assert plan.legal_entity == "Stichting Groen Noord"
    exactly = services.submit_plan(
        actor=someone,
        round=r,
        area=noord.oost,
        title="Pleintje",
        summary="Plein",
        cost_lines=[("Plein", 5_000_000)],
    )
    assert exactly.legal_entity == ""


def test_a_plan_cannot_cost_more_than_the_budget_or_lie_outside_the_area(noord) -> None:  # type: ignore[no-untyped-def]
    r = new_round(noord)
    other = RoundFactory(municipality=noord.municipality).area
    with pytest.raises(ValidationError, match="more than the whole budget"):
        services.submit_plan(
            actor=resident(), round=r, area=noord.oost, title="T", summary="S", cost_lines=[("a", 10_000_001)]
        )
    with pytest.raises(ValidationError, match="inside Noord"):
        services.submit_plan(
            actor=resident(), round=r, area=other, title="T", summary="S", cost_lines=[("a", 100)]
        )


def test_support_only_in_the_support_phase_and_once_per_resident(noord) -> None:  # type: ignore[no-untyped-def]
    r = new_round(noord)
    plan = PlanFactory(round=r)
    fan = resident()
    with pytest.raises(services.RoundError, match="support phase"):
        services.support_plan(actor=fan, plan=plan)
    services.advance_round(actor=noord.officer, round=r, name="open_support")
    assert services.support_plan(actor=fan, plan=plan) is True
    assert services.support_plan(actor=fan, plan=plan) is False
    assert Support.objects.filter(plan=plan).count() == 1
    with pytest.raises(services.RoundError, match="Only residents"):
        services.support_plan(actor=resident("9999ZZ"), plan=plan)
    with pytest.raises(services.RoundError, match="submitted while the round is open for plans"):
        services.submit_plan(
            actor=fan, round=r, area=noord.oost, title="Laat", summary="S", cost_lines=[("a", 100)]
        )


def test_plans_without_enough_support_stop_before_the_feasibility_check(noord) -> None:  # type: ignore[no-untyped-def]
    r = new_round(noord, support_threshold=2)
    popular, lonely = PlanFactory(round=r, title="Populair"), PlanFactory(round=r, title="Eenzaam")
    services.advance_round(actor=noord.officer, round=r, name="open_support")
    for i in range(2):
        services.support_plan(actor=resident(house_number=10 + i), plan=popular)
    services.support_plan(actor=resident(house_number=20), plan=lonely)
    services.advance_round(actor=noord.officer, round=r, name="open_feasibility")
    popular.refresh_from_db()
    lonely.refresh_from_db()
    assert popular.status == PlanStatus.SUBMITTED
    assert lonely.status == PlanStatus.INSUFFICIENT_SUPPORT


def test_feasibility_with_published_reasons_and_cost_adjustment(noord) -> None:  # type: ignore[no-untyped-def]
    r = RoundFactory(municipality=noord.municipality, area=noord.district, phase=Phase.FEASIBILITY)
    plan = PlanFactory(round=r, requested_cents=800_000)
    with pytest.raises(TransitionNotAllowed, match="reason"):
        services.decide_feasibility(actor=noord.officer, plan=plan, feasible=False, reason=" ")
    with pytest.raises(TransitionNotAllowed, match="not allowed"):
        services.decide_feasibility(actor=resident(), plan=plan, feasible=True, reason="ok")
    services.decide_feasibility(
        actor=noord.officer, plan=plan, feasible=False, reason="Grond is niet van de gemeente."
    )
    services.decide_feasibility(
        actor=noord.officer, plan=plan, feasible=True, reason="Toch wel: erfpacht geregeld."
    )
    services.adjust_cost(
        actor=noord.officer, plan=plan, cost_cents=900_000, note="Inclusief onderhoud van 1 jaar."
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FEASIBLE
    assert (plan.requested_cents, plan.cost_cents, plan.cost_note) == (
        800_000,
        900_000,
        "Inclusief onderhoud van 1 jaar.",
    )
    assert plan.feasibility_reason == "Toch wel: erfpacht geregeld."
    reasons = AuditEvent.objects.filter(action__startswith="rounds.plan.mark_").values_list(
        "details", flat=True
    )
    assert {d["reason"] for d in reasons} == {
        "Grond is niet van de gemeente.",
        "Toch wel: erfpacht geregeld.",
    }
    with pytest.raises(ValidationError, match="legal entity"):
        services.adjust_cost(actor=noord.officer, plan=plan, cost_cents=6_000_000, note="Duurder")


def test_no_feasibility_changes_after_voting_opens(noord) -> None:  # type: ignore[no-untyped-def]
    r = RoundFactory(municipality=noord.municipality, area=noord.district, phase=Phase.FEASIBILITY)
    plan = PlanFactory(round=r)
    services.decide_feasibility(actor=noord.officer, plan=plan, feasible=True, reason="Kan.")
    services.advance_round(actor=noord.officer, round=r, name="open_voting")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ON_BALLOT
    with pytest.raises(TransitionNotAllowed):
        services.decide_feasibility(actor=noord.officer, plan=plan, feasible=False, reason="Toch niet.")
    with pytest.raises(services.RoundError, match="only change during the feasibility check"):
        services.adjust_cost(actor=noord.officer, plan=plan, cost_cents=1, note="x")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ON_BALLOT and plan.cost_cents == 500_000


def test_voting_cannot_open_before_every_plan_is_checked(noord) -> None:  # type: ignore[no-untyped-def]
    r = RoundFactory(municipality=noord.municipality, area=noord.district, phase=Phase.FEASIBILITY)
    PlanFactory(round=r)
    with pytest.raises(TransitionNotAllowed, match="feasibility of every plan"):
        services.advance_round(actor=noord.officer, round=r, name="open_voting")
    r.refresh_from_db()
    assert r.phase == Phase.FEASIBILITY


def test_a_commission_selects_when_more_plans_are_feasible_than_fit_on_the_ballot(noord) -> None:  # type: ignore[no-untyped-def]
    r = RoundFactory(
        municipality=noord.municipality,
        area=noord.district,
        phase=Phase.FEASIBILITY,
        rules={**RoundFactory.rules.function(), "max_on_ballot": 2},
    )
    plans = [PlanFactory(round=r, title=f"P{i}") for i in range(3)]
    for plan in plans:
        services.decide_feasibility(actor=noord.officer, plan=plan, feasible=True, reason="Kan.")
    with pytest.raises(TransitionNotAllowed, match="start the selection first"):
        services.advance_round(actor=noord.officer, round=r, name="open_voting")
    services.advance_round(actor=noord.officer, round=r, name="open_selection")
    services.decide_selection(actor=noord.officer, plan=plans[0], on_ballot=True, reason="Veel steun.")
    with pytest.raises(TransitionNotAllowed, match="every feasible plan"):
        services.advance_round(actor=noord.officer, round=r, name="open_voting")
    services.decide_selection(actor=noord.officer, plan=plans[1], on_ballot=True, reason="Spreiding.")
    services.decide_selection(actor=noord.officer, plan=plans[2], on_ballot=False, reason="Lijkt op P0.")
    services.advance_round(actor=noord.officer, round=r, name="open_voting")
    statuses = dict(Plan.objects.filter(round=r).values_list("title", "status"))
    assert statuses == {"P0": "on_ballot", "P1": "on_ballot", "P2": "not_selected"}
    assert Plan.objects.get(title="P2").selection_reason == "Lijkt op P0."


def test_selection_is_refused_when_all_plans_fit(noord) -> None:  # type: ignore[no-untyped-def]
    r = RoundFactory(municipality=noord.municipality, area=noord.district, phase=Phase.FEASIBILITY)
    plan = PlanFactory(round=r)
    services.decide_feasibility(actor=noord.officer, plan=plan, feasible=True, reason="Kan.")
    with pytest.raises(TransitionNotAllowed, match="open voting instead"):
        services.advance_round(actor=noord.officer, round=r, name="open_selection")


def test_only_district_staff_change_phases(noord) -> None:  # type: ignore[no-untyped-def]
    r = new_round(noord)
    with pytest.raises(TransitionNotAllowed):
        services.advance_round(actor=resident(), round=r, name="open_support")
    with pytest.raises(TransitionNotAllowed):
        services.advance_round(actor=noord.officer, round=r, name="open_voting")
    r.refresh_from_db()
    assert r.phase == Phase.PLANS


def test_the_district_picks_the_counting_rule_but_not_once_voting_has_opened(noord) -> None:  # type: ignore[no-untyped-def]
    r = new_round(noord)
    services.set_counting_rule(actor=noord.officer, round=r, rule="mes")
    r.refresh_from_db()
    assert r.counting_rule == "mes"
    with pytest.raises(ValidationError, match="from the list"):
        services.set_counting_rule(actor=noord.officer, round=r, rule="dice")
    with pytest.raises(PermissionDenied):
        services.set_counting_rule(actor=resident(), round=r, rule="greedy")
    r.phase = Phase.VOTING
    r.save()
    with pytest.raises(services.RoundError, match="once voting has opened"):
        services.set_counting_rule(actor=noord.officer, round=r, rule="greedy")
    r.refresh_from_db()
    assert r.counting_rule == "mes"
    assert AuditEvent.objects.filter(action="rounds.round.counting_rule").count() == 1
