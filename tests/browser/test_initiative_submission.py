"""A first-time resident submits an initiative on a phone (360 px) without JavaScript, in three pages.

Then the same pages are checked with axe-core (WCAG 2.1 A and AA), which needs JavaScript to run.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from buurtbudget.initiatives.models import Initiative, InitiativeStatus
from tests.browser.conftest import follow
from tests.factories import UserFactory
from tests.factories.initiatives import voucher_scheme

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 360, "height": 740}


def signed_in_context(browser, live_server, user, *, javascript: bool):
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        bypass_csp=True, locale="nl-NL", viewport=PHONE, java_script_enabled=javascript
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def test_first_time_resident_submits_on_a_phone_without_javascript(live_server, browser, axe):
    scheme = voucher_scheme(name="Bewonersbudget Oost", slug="oost")
    user = UserFactory(email="eerste.keer@example.org")
    context = signed_in_context(browser, live_server, user, javascript=False)
    page = context.new_page()
    scheme_url = f"{live_server.url}/{scheme.municipality.slug}/regelingen/oost/"
    page.goto(scheme_url)
    follow(page.get_by_role("link", name="Dien een initiatief in"))

    # Page 1 of 3.
    assert "Stap 1 van 3" in page.content()
    today = timezone.localdate()
    page.get_by_label("Titel van uw plan").fill("Picknicktafel bij de speeltuin")
    page.get_by_label("Wat wilt u doen, en waarom?").fill("Een tafel waar buren samen kunnen eten.")
    page.get_by_label("Voor wie is het?").fill("Gezinnen in de straat.")
    page.get_by_label("Waar gebeurt het?").fill("Speeltuin Oost")
    page.get_by_label("Postcode van die plek").fill("1066 AB")
    page.get_by_label("Begindatum").fill((today + dt.timedelta(days=35)).isoformat())
    page.get_by_label("Einddatum").fill((today + dt.timedelta(days=50)).isoformat())
    page.get_by_label("Uw postcode").fill("1066 AC")
    page.get_by_label("Uw huisnummer").fill("7")
    page.get_by_label("Uw geboortejaar").fill("1985")
    follow(page.get_by_role("button", name="Opslaan en verder"))

    # Page 2 of 3.
    assert "Stap 2 van 3" in page.content()
    page.locator("#id_lines-0-description").fill("Picknicktafel")
    page.locator("#id_lines-0-amount").fill("650")
    follow(page.get_by_role("button", name="Opslaan en verder"))

    # Page 3 of 3.
    assert "Stap 3 van 3" in page.content()
    page.get_by_label("Ik verklaar dat het geld niet voor een van deze doelen wordt gebruikt.").check()
    follow(page.get_by_role("button", name="Mijn plan indienen"))
    assert "Uw plan is ingediend" in page.content()
    initiative = Initiative.objects.get(initiator=user)
    assert initiative.status == InitiativeStatus.SUBMITTED
    # Nothing is wider than the phone's screen.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()

    # The same pages pass axe-core.
    other = UserFactory(email="tweede@example.org", postcode="1066AB", house_number=1, birth_year=1970)
    context = signed_in_context(browser, live_server, other, javascript=True)
    page = context.new_page()
    page.goto(scheme_url)
    axe(page)
    follow(page.get_by_role("link", name="Dien een initiatief in"))
    axe(page)
    follow(page.get_by_role("button", name="Opslaan en verder"))  # empty: error messages
    axe(page)
    page.get_by_label("Titel van uw plan").fill("Bloembakken")
    page.get_by_label("Wat wilt u doen, en waarom?").fill("Meer groen.")
    page.get_by_label("Voor wie is het?").fill("De straat.")
    page.get_by_label("Waar gebeurt het?").fill("Dijkstraat")
    page.get_by_label("Postcode van die plek").fill("1066 AB")
    page.get_by_label("Begindatum").fill((today + dt.timedelta(days=35)).isoformat())
    page.get_by_label("Einddatum").fill((today + dt.timedelta(days=50)).isoformat())
    follow(page.get_by_role("button", name="Opslaan en verder"))
    axe(page)
    follow(page.get_by_role("button", name="Opslaan en verder"))
    axe(page)  # the rule check with failures
    page.goto(f"{live_server.url}/mijn/initiatieven/")
    axe(page)
    context.close()
