"""A resident's first visit in a real browser: look around, sign up, verify, log in, switch language.

axe-core (WCAG 2.1 A and AA) must find nothing on every page on the way.
"""

import re

import pytest
from django.core import mail

from tests.browser.conftest import follow
from tests.factories import AreaFactory, MunicipalityFactory
from tests.factories.core import DEFAULT_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

EMAIL = "nieuwe.bewoner@example.org"


@pytest.fixture
def place():
    municipality = MunicipalityFactory(name="Zaanstad", slug="zaanstad")
    district = AreaFactory(municipality=municipality, name="Oost", slug="oost")
    AreaFactory(
        municipality=municipality, parent=district, name="Rosmolenwijk", slug="rosmolenwijk", level="buurt"
    )
    return municipality


@pytest.fixture
def page(browser):
    # bypass_csp: our CSP allows only same-origin scripts; the test injects axe-core from a file.
    context = browser.new_context(bypass_csp=True, locale="nl-NL")
    page = context.new_page()
    yield page
    context.close()


def confirmation_link(live_server) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return live_server.url + match.group(1)


def test_resident_signs_up_verifies_logs_in_and_switches_language(live_server, page, axe, place):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text().startswith("Bewonersbudgetten")
    axe(page)

    follow(page.get_by_role("link", name="Zaanstad"))
    assert "Zaanstad" in page.locator("h1").inner_text()
    axe(page)

    follow(page.get_by_role("link", name="Oost"))
    assert page.locator("h1").inner_text() == "Oost"
    axe(page)

    follow(page.get_by_role("link", name="Account maken"))
    axe(page)
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Wachtwoord", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_label("Wachtwoord (bevestigen)").fill("iets-anders-2026!")
    page.get_by_label("Postcode").fill("12345")
    follow(page.get_by_role("button", name="Registreren"))
    assert page.locator(".utrecht-form-field-error-message").count() >= 1
    axe(page)  # the form with its error messages

    page.get_by_label("Wachtwoord (bevestigen)").fill(DEFAULT_PASSWORD)
    page.get_by_label("Wachtwoord", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_label("Postcode").fill("1502 AB")
    follow(page.get_by_role("button", name="Registreren"))
    page.wait_for_url("**/accounts/confirm-email/")
    axe(page)

    page.goto(confirmation_link(live_server))
    axe(page)
    follow(page.get_by_role("button", name="Bevestigen"))
    page.wait_for_url("**/mijn/")
    assert page.locator("h1").inner_text() == "Mijn overzicht"
    axe(page)

    follow(page.get_by_role("button", name="Uitloggen"))
    follow(page.get_by_role("link", name="Inloggen").first)
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Wachtwoord").fill("verkeerd-wachtwoord")
    follow(page.get_by_role("button", name="Aanmelden"))
    assert page.get_by_role("alert").count() == 1
    axe(page)  # the log-in form with its error

    page.get_by_label("Wachtwoord").fill(DEFAULT_PASSWORD)
    follow(page.get_by_role("button", name="Aanmelden"))
    page.wait_for_url("**/mijn/")

    follow(page.get_by_role("button", name="English"))
    page.wait_for_url("**/mijn/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "My overview"
    assert page.get_by_role("button", name="Log out").count() == 1
    axe(page)
    follow(page.get_by_role("button", name="Nederlands"))
    page.wait_for_url("**/mijn/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("h1").inner_text() == "Mijn overzicht"

    follow(page.get_by_role("link", name="Profiel wijzigen"))
    assert page.locator("h1").inner_text() == "Mijn gegevens"
    axe(page)
