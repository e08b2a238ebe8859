"""The district's overview of community budgets (only its own groups) and each group's public page."""

from typing import Any

import pytest
from django.test import Client

from buurtbudget.accounts.models import Role
from buurtbudget.community import services
from buurtbudget.community.models import ReportStatus
from tests.factories import AreaFactory, RoleAssignmentFactory, UserFactory
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
    overview = _client(c.officer).get(f"/{c.group.municipality.slug}/beheer/community/").content.decode()
    assert "Veel gedaan." in overview and "Goedkeuren" in overview
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


def test_a_member_allocates_on_the_groups_page_and_sees_a_clear_refusal() -> None:
    c = community_budget(amount_cents=1_000_000)
    url = f"/{c.group.municipality.slug}/bewonersgroep/{c.group.pk}/beheer/"
    client = _client(c.chair)
    assert "Verdelen" in client.get(url).content.decode()
    too_much = client.post(
        url + "activiteit/",
        {"budget": c.budget.pk, "kind": "support", "name": "Administratie", "amount": "800,01"},
    )
    assert too_much.status_code == 400
    assert "hoogstens 8% van het gemeenschapsbudget" in too_much.content.decode()
    ok = client.post(
        url + "activiteit/",
        {"budget": c.budget.pk, "kind": "activity", "name": "Buurtfeest", "amount": "300,00"},
    )
    assert ok.status_code == 302
    html = client.get(url).content.decode()
    assert "Buurtfeest" in html and "9.700,00" in html
    report = client.post(url + "jaarverslag/", {"budget": c.budget.pk, "narrative": "Een feest."})
    assert report.status_code == 302
    assert c.budget.report.figures["activities"][0]["allocated_cents"] == 30_000


def test_outsiders_cannot_manage_a_group() -> None:
    c = community_budget()
    other = community_budget()
    url = f"/{c.group.municipality.slug}/bewonersgroep/{c.group.pk}/beheer/"
    for outsider in (other.chair, UserFactory()):
        client = _client(outsider)
        assert client.get(url).status_code == 403
        posted = client.post(
            url + "activiteit/", {"budget": c.budget.pk, "kind": "activity", "name": "x", "amount": "300"}
        )
        assert posted.status_code == 403
    assert not c.budget.sub_budgets.exists()


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_overview_does_not_query_per_group_or_activity() -> None:
    from buurtbudget.community import services as community
    from tests.factories.community import PENVOERDER_IBAN

    c = community_budget(amount_cents=1_000_000)
    client = _client(c.officer)
    url = f"/{c.group.municipality.slug}/beheer/community/"
    one = _queries(client, url)
    scheme = c.budget.scheme
    for n in range(3):
        group = community.register_group(
            actor=c.officer,
            municipality=c.group.municipality,
            area=c.group.area,
            name=f"Groep {n}",
            penvoerder_name="Stichting",
            penvoerder_iban=PENVOERDER_IBAN,
        )
        member = UserFactory()
        community.add_member(actor=c.officer, group=group, user=member, role="treasurer")
        budget = community.fund_budget(
            actor=c.officer, group=group, scheme=scheme, year=c.budget.year, amount_cents=500_000
        )
        community.allocate(actor=member, budget=budget, name="Feest", amount_cents=100_000)
    assert _queries(client, url) == one


def test_the_district_registers_a_group_adds_its_treasurer_and_transfers_a_budget() -> None:
    from buurtbudget.community.models import ResidentsGroup
    from buurtbudget.community.selectors import group_balance_cents
    from tests.factories.community import PENVOERDER_IBAN

    c = community_budget()
    m = c.group.municipality
    client = _client(c.officer)
    base = f"/{m.slug}/beheer/community/"
    bad = client.post(
        base + "groep/",
        {
            "group-area": c.group.area.pk,
            "group-name": "Buurtgroep Oost",
            "group-penvoerder_name": "Stichting Oost",
            "group-penvoerder_iban": "NL00BANK0000000000",
        },
    )
    assert bad.status_code == 400 and "Dit IBAN klopt niet" in bad.content.decode()
    assert not ResidentsGroup.objects.filter(name="Buurtgroep Oost").exists()
    ok = client.post(
        base + "groep/",
        {
            "group-area": c.group.area.pk,
            "group-name": "Buurtgroep Oost",
            "group-penvoerder_name": "Stichting Oost",
            "group-penvoerder_iban": PENVOERDER_IBAN,
        },
    )
    assert ok.status_code == 302
    group = ResidentsGroup.objects.get(name="Buurtgroep Oost")
    unknown = client.post(
        base + "lid/",
        {"member-group": group.pk, "member-email": "nobody@example.org", "member-role": "treasurer"},
    )
    assert unknown.status_code == 400
    assert (
        "Er is geen account met dit e-mailadres. Vraag de persoon eerst een account te maken."
        in unknown.content.decode()
    )
    person = UserFactory()
    added = client.post(
        base + "lid/", {"member-group": group.pk, "member-email": person.email, "member-role": "treasurer"}
    )
    assert added.status_code == 302
    funded = client.post(
        base + "budget/",
        {
            "fund-group": group.pk,
            "fund-scheme": c.budget.scheme.pk,
            "fund-year": c.budget.year,
            "fund-amount": "2.500,00",
        },
    )
    assert funded.status_code == 302
    assert group_balance_cents(group.budgets.get()) == 250_000
    assert person.has_perm("community.manage_own", group)


def test_the_district_cannot_use_another_municipalitys_group_or_scheme() -> None:
    c = community_budget()
    other = community_budget()
    response = _client(c.officer).post(
        f"/{c.group.municipality.slug}/beheer/community/budget/",
        {
            "fund-group": other.group.pk,
            "fund-scheme": other.budget.scheme.pk,
            "fund-year": 2026,
            "fund-amount": "10",
        },
    )
    assert response.status_code == 400
    assert other.group.budgets.count() == 1


def test_a_district_officer_sees_the_spending_and_reports_of_the_groups_in_their_district() -> None:
    c = community_budget(amount_cents=1_000_000)
    services.allocate(actor=c.chair, budget=c.budget, name="Buurtfeest", amount_cents=300_000)
    report = services.submit_year_report(actor=c.treasurer, budget=c.budget, narrative="Veel gedaan.")
    municipality = c.group.municipality
    elsewhere = AreaFactory(municipality=municipality, name="Ander stadsdeel")
    ours = RoleAssignmentFactory(
        role=Role.DISTRICT_OFFICER, municipality=municipality, area=c.group.area
    ).user
    theirs = RoleAssignmentFactory(role=Role.DISTRICT_OFFICER, municipality=municipality, area=elsewhere).user
    url = f"/{municipality.slug}/beheer/community/"

    html = _client(ours).get(url).content.decode()
    assert c.group.name in html and "Buurtfeest" in html and "3.000,00" in html and "Veel gedaan." in html
    assert "Een bewonersgroep vastleggen" not in html  # registering is for staff of the whole municipality
    page = _client(theirs).get(url)
    assert page.status_code == 200 and c.group.name not in page.content.decode()
    accept = f"{url}verslag/{report.pk}/accepteren/"
    assert _client(theirs).post(accept).status_code == 403
    assert _client(ours).post(accept).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.accepted_by == ours
