"""Issue 6: a resident with a demo stemcode printed by `buurtbudget demo` votes in the demo's open round on a
phone-sized screen without JavaScript, changes the vote and sees the receipt; axe finds nothing on any page of
the journey. The demo's model B and C pages pass axe too."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from buurtbudget.accounts.models import User
from buurtbudget.community.models import ResidentsGroup
from buurtbudget.core.demo import models_b_c
from buurtbudget.core.demo import rounds as demo_rounds
from buurtbudget.rounds.models import Round
from buurtbudget.voting import codes
from buurtbudget.voting.models import Ballot
from tests.browser.conftest import follow
from tests.browser.test_voting_journey import PHONE, check_same_page_with_axe

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_a_resident_votes_with_a_printed_demo_stemcode_on_a_phone(live_server, browser, axe):
    output = StringIO()
    call_command("demo", stdout=output)
    code = codes.format_code(demo_rounds.demo_code(demo_rounds.VOTING.slug, 2))
    assert code in output.getvalue()  # as printed by `buurtbudget demo`
    the_round = Round.objects.get(slug=demo_rounds.VOTING.slug)
    plans = [plan.title for plan in demo_rounds.PLANS]

    phone = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="nl-NL")
    page = phone.new_page()
    seen: list[str] = []

    def visited() -> None:
        seen.append(page.url)
        check_same_page_with_axe(browser, live_server, phone, page.url, axe)

    page.goto(f"{live_server.url}/amsterdam/")
    visited()
    follow(page.get_by_role("link", name="Alle buurtbudgetten"))
    visited()
    follow(page.get_by_role("link", name=the_round.name))
    visited()
    follow(page.get_by_role("link", name="Nu stemmen"))
    visited()

    page.get_by_label("Uw stemcode").fill(code)
    follow(page.get_by_role("button", name="Volgende"))
    visited()
    # Over the budget (€ 40.000 + € 15.000 > € 50.000): a clear message, nothing stored.
    page.get_by_label(plans[0]).check()
    page.get_by_label(plans[1]).check()
    follow(page.get_by_role("button", name="Mijn keuze controleren"))
    assert "het budget is € 50.000,00" in page.content()
    assert Ballot.objects.filter(round=the_round).count() == 0
    visited()

    page.get_by_label(plans[1]).uncheck()
    follow(page.get_by_role("button", name="Mijn keuze controleren"))
    visited()
    follow(page.get_by_role("button", name="Mijn stem bevestigen"))
    assert "Uw stem is opgeslagen." in page.content()
    receipt = Ballot.objects.get(round=the_round).receipt
    assert receipt in page.content()
    visited()

    # Change the vote with the same printed code.
    page.goto(f"{live_server.url}/amsterdam/stemmen/{the_round.slug}/")
    page.get_by_label("Uw stemcode").fill(code)
    follow(page.get_by_role("button", name="Volgende"))
    assert "U heeft al gestemd." in page.content() and page.get_by_label(plans[0]).is_checked()
    page.get_by_label(plans[0]).uncheck()
    page.get_by_label(plans[2]).check()
    page.get_by_label(plans[3]).check()
    follow(page.get_by_role("button", name="Mijn keuze controleren"))
    follow(page.get_by_role("button", name="Mijn stem bevestigen"))
    assert "Uw stem is veranderd." in page.content() and receipt in page.content()
    visited()

    ballot = Ballot.objects.get(round=the_round)
    assert len(ballot.choices["plans"]) == 2 and ballot.changed_count == 1

    # The demo's co-creation (model B) and community group (model C) are accessible pages too.
    group = ResidentsGroup.objects.get(name=models_b_c.GROUP_NAME)
    for url in (
        f"/amsterdam/cocreatie/{models_b_c.COCREATION_SLUG}/",
        f"/amsterdam/bewonersgroep/{group.pk}/",
    ):
        page.goto(f"{live_server.url}{url}")
        visited()
    assert len(seen) == 11
    phone.close()


def test_the_staff_and_member_pages_of_models_b_and_c_pass_axe_on_a_phone(
    live_server, browser, axe, settings
):
    from django.test import Client

    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = False  # as in the demo's settings.dev
    call_command("demo", stdout=StringIO())
    group = ResidentsGroup.objects.get(name=models_b_c.GROUP_NAME)
    pages = {
        "budgetbeheer@amsterdam.example": [
            "/amsterdam/",
            "/amsterdam/beheer/community/",
            "/amsterdam/beheer/cocreatie/",
        ],
        # Mo has not answered the open rule proposal yet: the page shows him the answer form.
        "stadsdeel@amsterdam.example": [f"/amsterdam/cocreatie/{models_b_c.COCREATION_SLUG}/"],
        "bewonersgroep@amsterdam.example": [f"/amsterdam/bewonersgroep/{group.pk}/beheer/"],
    }
    for email, urls in pages.items():
        client = Client()
        client.force_login(User.objects.get(email=email))
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="nl-NL")
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        page = context.new_page()
        for url in urls:
            page.goto(f"{live_server.url}{url}")
            if email.startswith("stadsdeel"):
                assert "Ik ben het oneens" in page.content()
            check_same_page_with_axe(browser, live_server, context, page.url, axe)
        context.close()
