"""Round pages as residents and district staff use them (Dutch first)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from buurtbudget.rounds.models import Phase, Plan, Support
from tests.factories import MunicipalityFactory, UserFactory
from tests.factories.rounds import PlanFactory, RoundFactory, district, resident

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def url(name: str, **kwargs) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"core:{name}", kwargs={"gemeente": "amsterdam", **kwargs})


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        (Phase.PLANS, "Plan indienen"),
        (Phase.SUPPORT, "Steun de plannen die u goed vindt"),
        (Phase.FEASIBILITY, "Het stadsdeel kijkt of de plannen uitgevoerd kunnen worden"),
        (Phase.SELECTION, "Een commissie kiest"),
        (Phase.VOTING, "Nu stemmen"),
        (Phase.RESULT, "zodra het stadsdeel hem heeft bevestigd"),
        (Phase.EXECUTION, "Bekijk de uitslag"),
    ],
)
def test_the_round_page_shows_the_phase_and_what_a_resident_can_do_now(noord, phase, expected) -> None:  # type: ignore[no-untyped-def]
    r = RoundFactory(municipality=noord.municipality, area=noord.district, phase=phase, slug="noord")
    page = Client().get(url("rounds_detail", slug="noord")).content.decode()
    assert f"Nu: {r.get_phase_display()}" in page
    assert expected in page
    assert 'aria-current="step"' in page


def test_the_round_page_answers_in_a_fixed_number_of_queries(noord, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    r = RoundFactory(municipality=noord.municipality, area=noord.district, phase=Phase.SUPPORT, slug="noord")
    for i in range(5):
        PlanFactory(round=r, title=f"Plan {i}")
    fan = resident()
    client = client_for(fan)
    client.get(url("rounds_detail", slug="noord"))
    # session, language, user, municipality, round, plans, cost lines, supported plans, roles
    with django_assert_num_queries(9):
        response = client.get(url("rounds_detail", slug="noord"))
    assert response.status_code == 200


def test_a_resident_submits_a_plan_through_the_form(noord) -> None:  # type: ignore[no-untyped-def]
    RoundFactory(municipality=noord.municipality, area=noord.district, slug="noord")
    client = client_for(resident("1031AB", 3))
    form = client.get(url("rounds_plan_submit", slug="noord")).content.decode()
    assert "Kostenregel 1: waarvoor" in form
    response = client.post(
        url("rounds_plan_submit", slug="noord"),
        {
            "area": noord.oost.pk,
            "title": "Bankjes",
            "summary": "Bankjes bij de speeltuin.",
            "line_1_what": "Bankjes",
            "line_1_amount": "1.250,50",
            "line_2_what": "Plaatsen",
            "line_2_amount": "200",
        },
    )
    plan = Plan.objects.get()
    assert response.status_code == 302 and plan.cost_cents == 145_050
    assert "Bedankt! Uw plan is ingediend." in client.get(response["Location"]).content.decode()


def test_a_plan_above_50000_without_a_legal_entity_gets_a_clear_message(noord) -> None:  # type: ignore[no-untyped-def]
    RoundFactory(municipality=noord.municipality, area=noord.district, slug="noord")
    client = client_for(resident())
    response = client.post(
        url("rounds_plan_submit", slug="noord"),
        {
            "area": noord.district.pk,
            "title": "Park",
            "summary": "Park.",
            "line_1_what": "Park",
            "line_1_amount": "60000",
        },
    )
    assert response.status_code == 200
    assert "Een plan boven € 50.000,00 heeft een rechtspersoon nodig" in response.content.decode()
    assert not Plan.objects.exists()


def test_supporting_a_plan_needs_a_log_in_and_counts_once(noord) -> None:  # type: ignore[no-untyped-def]
    r = RoundFactory(municipality=noord.municipality, area=noord.district, phase=Phase.SUPPORT, slug="noord")
    plan = PlanFactory(round=r)
    target = url("rounds_plan_support", slug="noord", pk=plan.pk)
    assert "/accounts/login/" in Client().post(target)["Location"]
    client = client_for(resident())
    client.post(target)
    client.post(target)
    assert Support.objects.filter(plan=plan).count() == 1
    assert "U steunt dit plan." in client.get(url("rounds_plan", slug="noord", pk=plan.pk)).content.decode()


def test_district_staff_pages_are_for_district_staff_of_that_area(noord) -> None:  # type: ignore[no-untyped-def]
    r = RoundFactory(municipality=noord.municipality, area=noord.district, slug="noord")
    staff_url = url("rounds_staff", pk=r.pk)
    assert client_for(noord.officer).get(staff_url).status_code == 200
    assert client_for(resident()).get(staff_url).status_code == 403
    elsewhere = district(MunicipalityFactory(name="Utrecht", slug="utrecht"))
    assert client_for(elsewhere.officer).get(staff_url).status_code == 403
    assert Client().get(staff_url).status_code == 302


def test_the_officer_creates_a_round_and_moves_it_on(noord) -> None:  # type: ignore[no-untyped-def]
    client = client_for(noord.officer)
    response = client.post(
        url("rounds_create"),
        {
            "area": noord.district.pk,
            "name": "Noord 2027",
            "slug": "noord-2027",
            "budget": "250.000",
            "plans_open_on": "2027-01-01",
            "support_opens_on": "2027-02-01",
            "feasibility_opens_on": "2027-03-01",
            "voting_opens_on": "2027-05-01",
            "voting_closes_on": "2027-05-31",
            "result_on": "2027-06-07",
            "ballot_type": "approval_budget",
            "counting_rule": "greedy",
            "support_threshold": 50,
            "max_on_ballot": 30,
            "min_spend_percent": 0,
            "min_plans": 1,
            "max_plans": 5,
            "points": 10,
            "max_ranked": 5,
            "voting_age": 12,
            "allow_vote_change": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    r = noord.municipality.rounds.get()
    assert r.budget_cents == 25_000_000
    page = client.get(response["Location"]).content.decode()
    assert "Steunen openen" in page
    client.post(url("rounds_advance", pk=r.pk), {"step": "open_support"})
    r.refresh_from_db()
    assert r.phase == Phase.SUPPORT
    response = client.post(url("rounds_advance", pk=r.pk), {"step": "open_voting"}, follow=True)
    assert "Dit kan niet meer" in response.content.decode() or "Not allowed" in response.content.decode()
    r.refresh_from_db()
    assert r.phase == Phase.SUPPORT


def test_feasibility_is_decided_on_the_plan_page(noord) -> None:  # type: ignore[no-untyped-def]
    r = RoundFactory(
        municipality=noord.municipality, area=noord.district, phase=Phase.FEASIBILITY, slug="noord"
    )
    plan = PlanFactory(round=r)
    client = client_for(noord.officer)
    target = url("rounds_staff_plan", pk=r.pk, plan_pk=plan.pk)
    client.post(target, {"form": "feasibility", "feasible": "no", "reason": "Te duur in onderhoud."})
    client.post(target, {"form": "cost", "cost": "4000", "note": "Goedkoper met tweedehands bankjes."})
    plan.refresh_from_db()
    assert plan.status == "not_feasible" and plan.cost_cents == 400_000
    public = Client().get(url("rounds_plan", slug="noord", pk=plan.pk)).content.decode()
    assert "Te duur in onderhoud." in public and "Goedkoper met tweedehands bankjes." in public
    assert UserFactory  # keep the import for readers: staff without a role see 403 above
