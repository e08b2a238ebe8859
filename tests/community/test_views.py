"""The district's overview of community budgets (only its own groups) and each group's public page."""

from typing import Any

import pytest
from django.test import Client

from buurtbudget.community import services
from buurtbudget.community.models import ReportStatus
from tests.factories import UserFactory
from tests.factories.community import community_budget

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_district_sees_each_groups_spending_but_not_other_municipalities() -> None:
    mine = community_budget(amount_cents=1_000_000)
    services.allocate(actor=mine.chair, budget=mine.budget, name="Buurtfeest", amount_cents=300_000)
    theirs = community_budget()
    page = _client(mine.officer).get(f"/{mine.group.municipality.slug}/beheer/community/")
    html = page.content.decode()
    assert page.status_code == 200
    assert mine.group.name in html and "Buurtfeest" in html and "10.000,00" in html and "7.000,00" in html
    assert theirs.group.name not in html
    assert (
        _client(theirs.officer).get(f"/{mine.group.municipality.slug}/beheer/community/").status_code == 403
    )
    assert _client(mine.chair).get(f"/{mine.group.municipality.slug}/beheer/community/").status_code == 403


def test_the_district_accepts_a_year_report_on_the_overview() -> None:
    c = community_budget()
    report = services.submit_year_report(actor=c.treasurer, budget=c.budget, narrative="Veel gedaan.")
    url = f"/{c.group.municipality.slug}/beheer/community/verslag/{report.pk}/accepteren/"
    other = community_budget()
    assert _client(other.officer).post(url).status_code == 403
    assert _client(c.officer).post(url).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    html = Client().get(f"/{c.group.municipality.slug}/bewonersgroep/{c.group.pk}/").content.decode()
    assert "Veel gedaan." in html


def test_the_public_group_page_shows_money_but_no_members() -> None:
    c = community_budget(amount_cents=1_000_000)
    services.allocate(actor=c.chair, budget=c.budget, name="Moestuin", amount_cents=200_000)
    page = Client().get(f"/{c.group.municipality.slug}/bewonersgroep/{c.group.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Moestuin" in html and "2.000,00" in html and "Stichting Buurthuis De Linde" in html
    for person in (c.chair, c.treasurer):
        assert person.name not in html and person.email not in html
    other = community_budget()
    assert Client().get(f"/{other.group.municipality.slug}/bewonersgroep/{c.group.pk}/").status_code == 404
    assert UserFactory()  # anyone may read it, no log-in needed
