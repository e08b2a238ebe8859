"""The resident's journey on a 360 px phone with JavaScript switched off: look around, sign up, verify, log in.

axe-core needs JavaScript, so every page the phone shows is opened again in a second, JavaScript-enabled
360 px context: the same URL with the same HTML (a form with its errors included). There axe must find
nothing, and the page must not scroll sideways.
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

PHONE = {"width": 360, "height": 740}
EMAIL = "telefoon@example.org"


@pytest.fixture
def place():
    municipality = MunicipalityFactory(name="Zaanstad", slug="zaanstad")
    district = AreaFactory(municipality=municipality, name="Oost", slug="oost")
    AreaFactory(
        municipality=municipality, parent=district, name="Rosmolenwijk", slug="rosmolenwijk", level="buurt"
    )
    return municipality


@pytest.fixture
def phone(browser):
    # locale: the browser asks for Dutch, as a Dutch phone does (Chromium's default would be en-US).
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="nl-NL")
    yield context.new_page()
    context.close()


@pytest.fixture
def check(browser, axe):
    """check(phone): axe and the page width for what the phone shows, in a JavaScript-enabled 360 px context."""
    # bypass_csp: our CSP allows only same-origin scripts; axe-core is injected from a file.
    context = browser.new_context(viewport=PHONE, bypass_csp=True, locale="nl-NL")
    page = context.new_page()

    def run(phone) -> None:
        url, html = phone.url, phone.content()

        def this_url(address: str) -> bool:
            return address == url

        def same_page(route) -> None:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

        page.route(this_url, same_page)
        page.goto(url)
        page.unroute(this_url, same_page)
        axe(page)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{url} scrolls sideways on a 360 px phone: {width} px wide"

    yield run
    context.close()


def confirmation_path() -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_a_resident_signs_up_and_logs_in_on_a_phone_without_javascript(live_server, phone, check, place):
    phone.goto(live_server.url + "/")
    assert phone.evaluate("() => typeof window.htmx") == "undefined"  # the page's own scripts did not run
    assert phone.locator("h1").inner_text().startswith("Bewonersbudgetten")
    check(phone)

    follow(phone.get_by_role("link", name="Zaanstad"))
    assert "Zaanstad" in phone.locator("h1").inner_text()
    check(phone)

    follow(phone.get_by_role("link", name="Oost"))
    assert phone.locator("h1").inner_text() == "Oost"
    check(phone)

    follow(phone.get_by_role("link", name="Account maken"))
    check(phone)
    phone.get_by_label("E-mail").fill(EMAIL)
    phone.get_by_label("Wachtwoord", exact=True).fill(DEFAULT_PASSWORD)
    phone.get_by_label("Wachtwoord (bevestigen)").fill("iets-anders-2026!")
    phone.get_by_label("Postcode").fill("12345")
    follow(phone.get_by_role("button", name="Registreren"))
    assert phone.locator(".utrecht-form-field-error-message").count() >= 1
    check(phone)  # the form with its error messages

    phone.get_by_label("Wachtwoord", exact=True).fill(DEFAULT_PASSWORD)
    phone.get_by_label("Wachtwoord (bevestigen)").fill(DEFAULT_PASSWORD)
    phone.get_by_label("Postcode").fill("1502 AB")
    follow(phone.get_by_role("button", name="Registreren"))
    phone.wait_for_url("**/accounts/confirm-email/")
    check(phone)

    phone.goto(live_server.url + confirmation_path())
    check(phone)
    follow(phone.get_by_role("button", name="Bevestigen"))
    phone.wait_for_url("**/mijn/")
    assert phone.locator("h1").inner_text() == "Mijn overzicht"
    check(phone)

    follow(phone.get_by_role("button", name="Uitloggen"))
    follow(phone.get_by_role("link", name="Inloggen").first)
    phone.wait_for_url("**/accounts/login/")
    check(phone)
    phone.get_by_label("E-mail").fill(EMAIL)
    phone.get_by_label("Wachtwoord").fill("verkeerd-wachtwoord")
    follow(phone.get_by_role("button", name="Aanmelden"))
    assert phone.get_by_role("alert").count() == 1
    check(phone)  # the log-in form with its error

    phone.get_by_label("Wachtwoord").fill(DEFAULT_PASSWORD)
    follow(phone.get_by_role("button", name="Aanmelden"))
    phone.wait_for_url("**/mijn/")
    assert phone.locator("h1").inner_text() == "Mijn overzicht"
    check(phone)
