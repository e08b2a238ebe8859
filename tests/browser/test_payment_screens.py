"""The payment screens in a real browser at 360 px: axe-core (WCAG 2.1 AA) finds nothing, forms work without JS."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from buurtbudget.accounts.models import Role
from buurtbudget.contrib import camt
from buurtbudget.payments import services as payments
from tests.browser.conftest import check_axe, follow
from tests.factories.payments import PayingOrganisationFactory, funded_voucher, payment_request, staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def _page_as(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        bypass_csp=True, locale="nl-NL", viewport={"width": 360, "height": 740}, java_script_enabled=True
    )
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context, context.new_page()


def test_payment_screens_are_accessible(browser, live_server, settings):
    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = False
    voucher = funded_voucher(amount_cents=50_000)
    organisation = PayingOrganisationFactory(municipality=voucher.municipality)
    payer = staff(organisation, Role.TREASURER)
    payment_request(voucher, amount="10")
    payments.approve_payment(actor=payer, payment_request=payment_request(voucher, amount="20"))
    slug = voucher.municipality.slug
    unknown = camt.StatementLine(
        end_to_end_id="ONBEKEND-1", amount_cents=500, currency="EUR", credit=False, booking_date=None
    )
    payments.import_statement(
        actor=payer,
        paying_organisation=organisation,
        content=camt.write_camt053(account_iban=organisation.iban, lines=[unknown]),
    )

    context, page = _page_as(browser, live_server, voucher.holder)
    page.goto(f"{live_server.url}/mijn/vouchers/{voucher.code}/betaalverzoek/")
    check_axe(page)
    page.get_by_label("IBAN van de ontvanger").fill("NL00FOUT")
    follow(page.get_by_role("button", name="Betaalverzoek indienen"))
    assert page.locator(".utrecht-form-field-error-message").count() >= 1
    check_axe(page)  # with error messages
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()

    context, page = _page_as(browser, live_server, payer)
    for path in ("betalingen/", "betalingen/batches/", "betalingen/afschriften/"):
        page.goto(f"{live_server.url}/{slug}/beheer/{path}")
        assert page.locator("h1").count() == 1
        check_axe(page)
    context.close()
