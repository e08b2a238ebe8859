"""Residents find the budgets they can use now on their municipality's home and on their area's page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from buurtbudget.areas.models import AreaLevel
from buurtbudget.schemes.models import Intake, SchemeRound
from tests.factories import AreaFactory, MunicipalityFactory
from tests.factories.money import SchemeFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    return TODAY


def test_open_schemes_are_listed_and_closed_or_future_ones_are_not(client: Client, today: dt.date) -> None:
    town = MunicipalityFactory(slug="dorp")
    SchemeFactory(municipality=town, name="Bewonersbudget Dorp", starts_on=dt.date(2026, 1, 1))
    SchemeFactory(municipality=town, name="Volgend jaar", starts_on=dt.date(2027, 1, 1))
    SchemeFactory(
        municipality=town, name="Afgelopen", starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31)
    )
    in_rounds = SchemeFactory(municipality=town, name="Rondes zonder open ronde", intake=Intake.ROUNDS)
    SchemeRound.objects.create(
        scheme=in_rounds, name="Voorjaar", opens_on=dt.date(2026, 3, 1), closes_on=dt.date(2026, 4, 1)
    )
    SchemeFactory(municipality=MunicipalityFactory(slug="elders"), name="Van een andere gemeente")

    page = client.get("/dorp/").content.decode()

    assert "Bewonersbudget Dorp" in page and "/dorp/regelingen/" in page
    for hidden in ("Volgend jaar", "Afgelopen", "Rondes zonder open ronde", "Van een andere gemeente"):
        assert hidden not in page


def test_an_area_page_shows_schemes_that_cover_its_residents_only(client: Client, today: dt.date) -> None:
    town = MunicipalityFactory(slug="stad")
    west = AreaFactory(municipality=town, name="West", slug="west")
    buurt = AreaFactory(
        municipality=town, parent=west, level=AreaLevel.NEIGHBOURHOOD, name="Noordbuurt", slug="noordbuurt"
    )
    east = AreaFactory(municipality=town, name="Oost", slug="oost")
    SchemeFactory(municipality=town, area=west, name="Budget West")
    SchemeFactory(municipality=town, area=None, name="Budget hele stad")
    SchemeFactory(municipality=town, area=east, name="Budget Oost")

    page = client.get("/stad/gebied/noordbuurt/").content.decode()

    assert "Budget West" in page and "Budget hele stad" in page
    assert "Budget Oost" not in page
    assert buurt.name in page


@pytest.mark.parametrize("schemes", [1, 5])
def test_the_list_of_open_schemes_costs_the_same_queries_however_long(
    client: Client, django_assert_num_queries: Any, schemes: int, today: dt.date
) -> None:
    town = MunicipalityFactory(slug="tel")
    for n in range(schemes):
        SchemeFactory(
            municipality=town, name=f"Regeling {n}", intake=Intake.ROUNDS if n % 2 else Intake.ROLLING
        )
    with django_assert_num_queries(4):
        client.get("/tel/")
