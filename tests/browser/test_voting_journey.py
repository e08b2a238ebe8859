"""A resident votes with a stemcode on a phone (360 px) without JavaScript, changes the vote, sees the receipt.

Every page of the journey is also checked with axe-core (WCAG 2.1 A and AA), which needs JavaScript: a second,
JavaScript-enabled context with the same cookies opens the same page.
"""

from __future__ import annotations

import pytest

from buurtbudget.rounds.models import Phase
from buurtbudget.voting.models import Ballot
from tests.browser.conftest import follow
from tests.factories.rounds import PlanFactory, RoundFactory, district, register_entry, stemcode

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 360, "height": 740}


def check_same_page_with_axe(browser, live_server, phone_context, url: str, axe) -> None:
    cookies = phone_context.cookies()  # the voter's signed state is a cookie (voting/state.py), not a session
    context = browser.new_context(bypass_csp=True, locale="nl-NL", viewport=PHONE)
    context.add_cookies([{"name": c["name"], "value": c["value"], "url": live_server.url} for c in cookies])
    page = context.new_page()
    response = page.goto(url)
    assert response is not None and response.status == 200, (
        url,
        response and response.status,
        page.content()[:500],
    )
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{url} is {width}px wide at 360px"
    axe(page)
    context.close()


def test_a_resident_votes_on_a_phone_without_javascript_and_changes_the_vote(live_server, browser, axe):
    noord = district()
    r = RoundFactory(
        municipality=noord.municipality,
        area=noord.district,
        phase=Phase.VOTING,
        name="Buurtbudget Noord",
        slug="noord",
        budget_cents=10_000_000,
    )
    PlanFactory(
        round=r, title="Groen schoolplein", requested_cents=6_000_000, status="on_ballot", legal_entity="X"
    )
    PlanFactory(round=r, title="Bankjes langs het water", requested_cents=3_000_000, status="on_ballot")
    PlanFactory(
        round=r, area=noord.oost, title="Speeltuin Oost", requested_cents=2_000_000, status="on_ballot"
    )
    PlanFactory(round=r, area=noord.west, title="Moestuin West", requested_cents=500_000, status="on_ballot")
    code = stemcode(r, noord.oost)  # the demo stemcode on the resident's letter

    phone = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="nl-NL")
    page = phone.new_page()
    seen: list[str] = []

    def visited() -> None:
        seen.append(page.url)
        check_same_page_with_axe(browser, live_server, phone, page.url, axe)

    page.goto(f"{live_server.url}/amsterdam/buurtbudget/noord/")
    visited()
    follow(page.get_by_role("link", name="Nu stemmen"))
    visited()

    page.get_by_label("Uw stemcode").fill("2222-2222-2222-2")
    follow(page.get_by_role("button", name="Volgende"))
    assert "Deze stemcode is niet bekend" in page.content()
    visited()  # the form with its error message

    page.get_by_label("Uw stemcode").fill(code.lower())
    follow(page.get_by_role("button", name="Volgende"))
    assert "Moestuin West" not in page.content()  # only plans of the voter's own area
    visited()

    # Too expensive together: a clear message, nothing stored.
    page.get_by_label("Groen schoolplein").check()
    page.get_by_label("Bankjes langs het water").check()
    page.get_by_label("Speeltuin Oost").check()
    follow(page.get_by_role("button", name="Mijn keuze controleren"))
    assert "het budget is € 100.000,00" in page.content()
    visited()

    page.get_by_label("Speeltuin Oost").uncheck()
    follow(page.get_by_role("button", name="Mijn keuze controleren"))
    assert "Samen: € 90.000,00 van € 100.000,00." in page.content()
    visited()
    follow(page.get_by_role("button", name="Mijn stem bevestigen"))
    assert "Uw stem is opgeslagen." in page.content()
    receipt = Ballot.objects.get().receipt
    assert receipt in page.content()
    visited()

    # Change the vote with the same code.
    page.goto(f"{live_server.url}/amsterdam/stemmen/noord/")
    page.get_by_label("Uw stemcode").fill(code)
    follow(page.get_by_role("button", name="Volgende"))
    assert "U heeft al gestemd." in page.content()
    assert page.get_by_label("Groen schoolplein").is_checked()
    page.get_by_label("Groen schoolplein").uncheck()
    page.get_by_label("Speeltuin Oost").check()
    follow(page.get_by_role("button", name="Mijn keuze controleren"))
    follow(page.get_by_role("button", name="Mijn stem bevestigen"))
    assert "Uw stem is veranderd." in page.content() and receipt in page.content()
    visited()

    ballot = Ballot.objects.get()
    assert len(ballot.choices["plans"]) == 2 and ballot.changed_count == 1
    assert len(seen) == 8
    phone.close()


def test_the_district_pages_and_the_published_result_pass_axe(live_server, browser, axe, settings):
    from django.test import Client

    from buurtbudget.voting import services

    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = False
    noord = district()
    r = RoundFactory(municipality=noord.municipality, area=noord.district, phase=Phase.VOTING, slug="noord")
    park = PlanFactory(
        round=r, title="Groen schoolplein", requested_cents=6_000_000, status="on_ballot", legal_entity="X"
    )
    PlanFactory(round=r, title="Bankjes langs het water", requested_cents=5_000_000, status="on_ballot")
    services.cast_vote(
        round=r, code=stemcode(r, noord.oost, name="Eerste Bewoner"), choices={"plans": [park.pk]}
    )
    register_entry(r, noord.oost, name="Nog Geen Code")
    job = services.request_letters(
        actor=noord.officer, round=r, vote_url=f"{live_server.url}/amsterdam/stemmen/noord/"
    )

    client = Client()
    client.force_login(noord.officer)
    context = browser.new_context(bypass_csp=True, locale="nl-NL", viewport=PHONE)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    base = f"{live_server.url}/amsterdam/beheer/buurtbudget/{r.pk}"
    for path in [
        "/",
        f"/plannen/{park.pk}/",
        "/stemmen/register/",
        "/stemmen/balie/",
        "/stemmen/codes/?postcode=1031AB&house_number=1",
        f"/stemmen/brieven/{job.pk}/",
    ]:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        axe(page)
    page.goto(base + "/")
    follow(page.get_by_role("button", name="Stemmen sluiten en tellen"))
    page.goto(base + "/stemmen/uitslag/")
    assert "Nog niet bevestigd" in page.content()
    axe(page)
    page.goto(base + "/")
    follow(page.get_by_role("button", name="Uitslag bevestigen"))
    page.goto(f"{live_server.url}/amsterdam/stemmen/noord/uitslag/")
    assert "Groen schoolplein" in page.content()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    axe(page)
    context.close()
