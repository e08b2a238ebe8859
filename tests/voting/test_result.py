"""Closing the vote, counting with the round's rule, and publishing only after the district confirms."""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from buurtbudget.rounds.models import Phase, PlanStatus
from buurtbudget.statemachine.services import TransitionNotAllowed
from buurtbudget.voting import services
from buurtbudget.voting.models import Ballot
from tests.factories.rounds import PlanFactory, RoundFactory, resident, stemcode

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(noord):  # type: ignore[no-untyped-def]
    """€ 100.000; Park (€ 60.000) 3 votes, Bankjes (€ 30.000) 2 votes, Plein (€ 50.000) 2 votes, Bank (€ 10.000) 1."""
    r = RoundFactory(
        municipality=noord.municipality, area=noord.district, phase=Phase.VOTING, slug="noord-2026"
    )
    park = PlanFactory(
        round=r, title="Park", requested_cents=6_000_000, status="on_ballot", legal_entity="Stichting"
    )
    bankjes = PlanFactory(round=r, title="Bankjes", requested_cents=3_000_000, status="on_ballot")
    plein = PlanFactory(round=r, title="Plein", requested_cents=5_000_000, status="on_ballot")
    bank = PlanFactory(round=r, title="Bank", requested_cents=1_000_000, status="on_ballot")
    for choice in ([park], [park, bankjes], [park, bank], [plein, bankjes], [plein]):
        services.cast_vote(round=r, code=stemcode(r, noord.oost), choices={"plans": [p.pk for p in choice]})
    stemcode(r, noord.west)  # one resident who did not vote
    return r, {"park": park, "bankjes": bankjes, "plein": plein, "bank": bank}


def test_closing_counts_with_greedy_and_explains_every_plan(noord, counted) -> None:  # type: ignore[no-untyped-def]
    r, p = counted
    services.close_voting(actor=noord.officer, round=r)
    r.refresh_from_db()
    assert r.phase == Phase.RESULT and r.result_confirmed_at is None
    result = r.result
    assert result["rule"] == "greedy" and result["ballots"] == 5
    assert result["turnout"] == {"codes": 6, "voted": 5}
    rows = {row["id"]: row for row in result["plans"]}
    assert rows[p["park"].pk]["votes"] == 3 and rows[p["park"].pk]["selected"]
    assert rows[p["bankjes"].pk]["selected"] and rows[p["bank"].pk]["selected"]
    assert not rows[p["plein"].pk]["selected"]
    # Why, as data (the sentence is written when the page is read, in the reader's language).
    assert rows[p["plein"].pk]["why"] == {
        "code": "did-not-fit",
        "cost_cents": 5_000_000,
        "left_cents": 1_000_000,
        "awarded_cents": 0,
        "round": None,
    }
    assert sorted(result["selected"]) == sorted([p["park"].pk, p["bankjes"].pk, p["bank"].pk])
    assert {c["rule"] for c in result["comparison"]} >= {"mes", "phragmen"}
    with pytest.raises(services.VotingError, match="not open"):
        services.cast_vote(round=r, code=stemcode(r, noord.oost), choices={"plans": [p["park"].pk]})


def test_no_result_before_the_district_confirms(noord, counted) -> None:  # type: ignore[no-untyped-def]
    r, p = counted
    public = Client()
    url = reverse("core:voting_result", kwargs={"gemeente": "amsterdam", "slug": r.slug})
    services.close_voting(actor=noord.officer, round=r)
    page = public.get(url).content.decode()
    assert "Park" not in page and "bevestigd" in page

    with pytest.raises(TransitionNotAllowed):
        services.confirm_result(actor=resident(), round=r)
    services.confirm_result(actor=noord.officer, round=r)
    r.refresh_from_db()
    assert r.phase == Phase.EXECUTION and r.result_confirmed_at is not None
    statuses = {plan.title: plan.status for plan in r.plans.all()}
    assert statuses == {
        "Park": PlanStatus.FUNDED,
        "Bankjes": PlanStatus.FUNDED,
        "Bank": PlanStatus.FUNDED,
        "Plein": PlanStatus.NOT_FUNDED,
    }
    page = public.get(url).content.decode()
    assert "Park" in page and "€ 50.000,00" in page and "Stemmen" in page


def _result_page(r, language: str) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("core:voting_result", kwargs={"gemeente": "amsterdam", "slug": r.slug})
    return client.get(url).content.decode()


def test_why_a_plan_lost_reads_in_the_readers_language(noord, counted) -> None:  # type: ignore[no-untyped-def]
    r, _p = counted
    services.close_voting(actor=noord.officer, round=r)  # counted while English was active (see conftest)
    services.confirm_result(actor=noord.officer, round=r)
    dutch = _result_page(r, "nl")
    assert (
        "Niet gekozen: het kost € 50.000,00, maar na de plannen met meer stemmen was er nog maar € 10.000,00 over."
        in dutch
    )
    assert "Gekozen: het kost € 60.000,00 en er was nog € 100.000,00 over." in dutch
    assert "Not selected" not in dutch and "Selected" not in dutch
    english = _result_page(r, "en")
    assert (
        "Not selected: it costs € 50.000,00 but only € 10.000,00 was left after the plans with more votes."
        in english
    )
    assert "Niet gekozen" not in english


def test_an_equal_shares_result_explains_in_one_language(noord, counted) -> None:  # type: ignore[no-untyped-def]
    r, p = counted
    r.counting_rule = "mes"
    r.save()
    services.close_voting(actor=noord.officer, round=r)
    services.confirm_result(actor=noord.officer, round=r)
    r.refresh_from_db()
    codes = {row["id"]: row["why"]["code"] for row in r.result["plans"]}
    assert set(codes.values()) <= {"bought", "greedy-completion", "supporters-short", "no-supporters"}
    dutch = _result_page(r, "nl")
    assert "Gekozen in ronde 1 van de telling." in dutch
    # The engine's own English details ("Selected in round 1.") never reach a Dutch page.
    assert "Selected" not in dutch and "Not selected" not in dutch
    english = _result_page(r, "en")
    assert "Selected in round 1 of the count." in english


def test_a_result_counted_before_reasons_were_data_still_shows_its_sentence(noord, counted) -> None:  # type: ignore[no-untyped-def]
    r, p = counted
    services.close_voting(actor=noord.officer, round=r)
    services.confirm_result(actor=noord.officer, round=r)
    r.refresh_from_db()
    for row in r.result["plans"]:
        row["why"] = "Zoals het destijds werd geschreven."
    r.save(update_fields=["result"])
    assert _result_page(r, "en").count("Zoals het destijds werd geschreven.") == 4


def _csv_rows(r, language: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("core:voting_result_csv", kwargs={"gemeente": "amsterdam", "slug": r.slug}))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="uitslag-{r.slug}.csv"'
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_published_result_downloads_as_open_data(noord, counted) -> None:  # type: ignore[no-untyped-def]
    r, p = counted
    p["plein"].title = '=HYPERLINK("http://example.org")'  # resident input must never run as a formula
    p["plein"].save()
    csv_url = reverse("core:voting_result_csv", kwargs={"gemeente": "amsterdam", "slug": r.slug})
    services.close_voting(actor=noord.officer, round=r)
    assert Client().get(csv_url).status_code == 404  # counted, not yet confirmed: nothing public
    assert "uitslag.csv" not in _result_page(r, "nl")
    services.confirm_result(actor=noord.officer, round=r)
    assert "uitslag.csv" in _result_page(r, "nl")

    header, *lines = _csv_rows(r, "nl")
    assert header == ["plannummer", "plan", "gebied", "kosten (euro)", "stemmen", "gekozen", "waarom", "link"]
    assert [line[:6] for line in lines] == [
        [str(p["park"].pk), "Park", "Noord", "60000.00", "3", "ja"],
        [str(p["bankjes"].pk), "Bankjes", "Noord", "30000.00", "2", "ja"],
        [str(p["plein"].pk), '\'=HYPERLINK("http://example.org")', "Noord", "50000.00", "2", "nee"],
        [str(p["bank"].pk), "Bank", "Noord", "10000.00", "1", "ja"],
    ]
    assert lines[2][6].startswith("Niet gekozen: het kost € 50.000,00")
    assert lines[0][7] == f"http://testserver/amsterdam/buurtbudget/{r.slug}/plannen/{p['park'].pk}/"
    english_header, *english = _csv_rows(r, "en")
    assert english_header[:3] == ["plan number", "plan", "area"] and english[2][5] == "no"


def test_the_result_cannot_be_confirmed_twice_or_before_counting(noord, counted) -> None:  # type: ignore[no-untyped-def]
    r, _p = counted
    with pytest.raises(TransitionNotAllowed):
        services.confirm_result(actor=noord.officer, round=r)
    services.close_voting(actor=noord.officer, round=r)
    services.confirm_result(actor=noord.officer, round=r)
    with pytest.raises(TransitionNotAllowed):
        services.confirm_result(actor=noord.officer, round=r)


def test_only_district_staff_close_voting(noord, counted) -> None:  # type: ignore[no-untyped-def]
    r, _p = counted
    with pytest.raises(TransitionNotAllowed):
        services.close_voting(actor=resident(), round=r)
    r.refresh_from_db()
    assert r.phase == Phase.VOTING and r.result is None


def test_a_rule_that_cannot_count_the_ballots_keeps_voting_open(noord, counted) -> None:  # type: ignore[no-untyped-def]
    r, _p = counted
    r.counting_rule = "no-such-rule"
    r.save()
    with pytest.raises(services.VotingError, match="cannot be counted"):
        services.close_voting(actor=noord.officer, round=r)
    r.refresh_from_db()
    assert r.phase == Phase.VOTING and r.result is None
    assert Ballot.objects.filter(round=r).count() == 5


@pytest.mark.parametrize("ballot_type", ["cumulative", "ranking", "approval_count"])
def test_every_ballot_type_can_be_counted(noord, ballot_type) -> None:  # type: ignore[no-untyped-def]
    r = RoundFactory(municipality=noord.municipality, area=noord.district, phase=Phase.VOTING)
    r.rules = {
        **r.rules,
        "ballot_type": ballot_type,
        "points": 3,
        "max_ranked": 2,
        "min_plans": 1,
        "max_plans": 2,
    }
    r.save()
    a = PlanFactory(round=r, title="A", requested_cents=6_000_000, status="on_ballot", legal_entity="X")
    b = PlanFactory(round=r, title="B", requested_cents=6_000_000, status="on_ballot", legal_entity="X")
    for first, second in ((a, b), (a, b), (b, a)):
        choices = {"plans": [first.pk, second.pk], "points": [2, 1] if ballot_type == "cumulative" else []}
        services.cast_vote(round=r, code=stemcode(r, noord.oost), choices=choices)
    services.close_voting(actor=noord.officer, round=r)
    r.refresh_from_db()
    assert r.result["ballots"] == 3
    assert r.result["selected"] == [a.pk]  # only one of the two fits in € 100.000
