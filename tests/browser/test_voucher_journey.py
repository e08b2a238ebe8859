"""The LSA voucher system end to end in Chromium, one person per browser context (issue 5).

A resident signs up and submits an initiative; of two regiegroep members one declares an interest (and is
left out of the quorum) and the other assesses, as does the chair; the chair plans a meeting and the group
awards; the holder uploads an invoice that the paying organisation approves; the holder reports; the budget
manager accepts the report and settles, and the rest of the voucher returns to the scheme. The €12,000 plan
first goes through a wijkraadpleging. axe-core (WCAG 2.1 A and AA) finds nothing on any page visited.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from buurtbudget.accounts.models import Role
from buurtbudget.consultations import services as consultations
from buurtbudget.consultations.models import Consultation
from buurtbudget.initiatives.models import Initiative, InitiativeStatus
from buurtbudget.ledger.selectors import posted_balance, unbalanced_entries, verify_balances
from buurtbudget.schemes import services as schemes
from buurtbudget.vouchers.models import Voucher, VoucherStatus
from tests.browser.conftest import check_axe, follow
from tests.factories.core import DEFAULT_PASSWORD
from tests.factories.payments import PDF_BYTES, PayingOrganisationFactory, staff
from tests.factories.regiegroep import funded_voucher_scheme, steering_group

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

FUNDS_CENTS = 10_000_000


def _staff_page(browser, live_server, user):
    """A browser context of its own, signed in as `user` with the session cookie of a Django test client."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(bypass_csp=True, locale="nl-NL")
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


def _visit(page, url: str) -> None:
    page.goto(url)
    check_axe(page)


def _send(page, form: str) -> None:
    """Press the submit button of the form matching the CSS selector `form`, then check the page it leads to."""
    follow(page.locator(f"{form} button[type=submit]").first)
    check_axe(page)


def _no_errors(page) -> None:
    assert page.locator(".utrecht-form-field-error-message").count() == 0, page.content()


def _sign_up(page, live_server, email: str) -> None:
    _visit(page, live_server.url + "/")
    follow(page.get_by_role("link", name="Account maken"))
    check_axe(page)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_label("Wachtwoord (bevestigen)").fill(DEFAULT_PASSWORD)
    page.get_by_label("Postcode").fill("1066 AB")
    follow(page.get_by_role("button", name="Registreren"))
    page.wait_for_url("**/accounts/confirm-email/")
    check_axe(page)
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    _visit(page, live_server.url + match.group(1))
    follow(page.get_by_role("button", name="Bevestigen"))
    page.wait_for_url("**/mijn/")
    check_axe(page)


def _submit_initiative(page, live_server, scheme, title: str, euros: int) -> None:
    _visit(page, f"{live_server.url}/{scheme.municipality.slug}/regelingen/{scheme.slug}/")
    follow(page.get_by_role("link", name="Dien een initiatief in"))
    check_axe(page)
    today = timezone.localdate()
    page.get_by_label("Titel van uw plan").fill(title)
    page.get_by_label("Wat wilt u doen, en waarom?").fill("Buren doen samen iets voor de buurt.")
    page.get_by_label("Voor wie is het?").fill("Alle buren, jong en oud.")
    page.get_by_label("Waar gebeurt het?").fill("Speelveld achter de Dijkstraat")
    page.get_by_label("Postcode van die plek").fill("1066 AB")
    page.get_by_label("Begindatum").fill((today + dt.timedelta(days=35)).isoformat())
    page.get_by_label("Einddatum").fill((today + dt.timedelta(days=90)).isoformat())
    for label, value in (("Uw postcode", "1066 AB"), ("Uw huisnummer", "7"), ("Uw geboortejaar", "1985")):
        if page.get_by_label(label).count():
            page.get_by_label(label).fill(value)
    follow(page.get_by_role("button", name="Opslaan en verder"))
    assert "Stap 2 van 3" in page.content()
    check_axe(page)
    page.locator("#id_lines-0-description").fill("Materialen en huur")
    page.locator("#id_lines-0-amount").fill(str(euros))
    follow(page.get_by_role("button", name="Opslaan en verder"))
    assert "Stap 3 van 3" in page.content()
    check_axe(page)
    page.get_by_label("Ik verklaar dat het geld niet voor een van deze doelen wordt gebruikt.").check()
    follow(page.get_by_role("button", name="Mijn plan indienen"))
    assert "Uw plan is ingediend" in page.content()
    check_axe(page)


@pytest.mark.parametrize(
    ("euros", "spent", "consultation"),
    [(2_500, 2_000, False), (12_000, 11_000, True)],
    ids=["2500", "12000-with-wijkraadpleging"],
)
def test_the_voucher_journey(browser, live_server, settings, euros, spent, consultation):
    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = False
    scheme = funded_voucher_scheme(
        amount_cents=FUNDS_CENTS,
        rules={"voucher_max_cents": 2_500_000},
        name="Bewonersbudget Oost",
        slug="oost",
    )
    group = steering_group(scheme, members=2)
    interested, assessor = group.members
    payer = staff(PayingOrganisationFactory(municipality=scheme.municipality), Role.PAYER)
    slug = scheme.municipality.slug
    staff_url = f"{live_server.url}/{slug}/beheer"
    email = f"bewoner.{euros}@example.org"

    # The resident signs up through the pages, verifies the address and submits the plan.
    resident_context = browser.new_context(bypass_csp=True, locale="nl-NL")
    resident = resident_context.new_page()
    _sign_up(resident, live_server, email)
    _submit_initiative(resident, live_server, scheme, f"Buurtmoestuin van {euros} euro", euros)
    initiative = Initiative.objects.get(initiator__email=email)
    assert initiative.status == InitiativeStatus.SUBMITTED
    regie_url = f"{staff_url}/regiegroep/initiatief/{initiative.pk}/"

    # One member declares an interest: that member is left out of the assessment and the quorum.
    context, page = _staff_page(browser, live_server, interested)
    _visit(page, f"{staff_url}/regiegroep/")
    _visit(page, regie_url)
    page.locator("form[action$='/belang/'] textarea[name=reason]").fill("De moestuin ligt naast mijn huis.")
    _send(page, "form[action$='/belang/']")
    _no_errors(page)
    assert page.locator("form[action$='/beoordelen/']").count() == 0
    context.close()

    # The other member and the chair assess.
    chair_context, chair = _staff_page(browser, live_server, group.chair)
    for person_page in (_staff_page(browser, live_server, assessor)[1], chair):
        _visit(person_page, regie_url)
        for radio in person_page.locator("form[action$='/beoordelen/'] input[type=radio][value=yes]").all():
            radio.check()
        person_page.locator("form[action$='/beoordelen/'] input[name=advice][value=award]").check()
        _send(person_page, "form[action$='/beoordelen/']")
        _no_errors(person_page)
    assert initiative.assessments.count() == 2

    if consultation:
        # Above € 10.000 the chair first asks the neighbourhood (wijkraadpleging).
        _visit(chair, regie_url)
        _send(chair, "form[action$='/raadpleging/']")
        held = Consultation.objects.get(initiative=initiative)
        _visit(resident, f"{live_server.url}/{slug}/raadpleging/{held.pk}/")
        # No page lets time pass: the three weeks are over (its dates moved back, a direct write) and the
        # background task's service closes it.
        today = timezone.localdate()
        Consultation.objects.filter(pk=held.pk).update(
            opens_on=today - dt.timedelta(days=22), closes_on=today - dt.timedelta(days=1)
        )
        assert consultations.close_due_consultations() == 1
        _visit(chair, regie_url)
        chair.locator("form[action$='/publiceren/'] textarea[name=summary]").fill("De buurt is voor.")
        _send(chair, "form[action$='/publiceren/']")
        _no_errors(chair)
        _visit(resident, f"{live_server.url}/{slug}/raadpleging/{held.pk}/")

    # The chair plans a meeting, sets the agenda and attendance, and the group awards.
    _visit(chair, f"{staff_url}/regiegroep/regeling/{scheme.pk}/vergadering/")
    chair.locator("input[name=held_on]").fill(timezone.localdate().isoformat())
    chair.locator("input[name=location]").fill("Buurthuis Oost")
    _send(chair, "form.bb-form")
    for checkbox in chair.locator("form[action$='/agenda/'] input[type=checkbox]").all():
        checkbox.check()
    _send(chair, "form[action$='/agenda/']")
    for checkbox in chair.locator("form[action$='/aanwezig/'] input[type=checkbox]").all():
        checkbox.check()
    _send(chair, "form[action$='/aanwezig/']")
    decide = f"form[action*='/besluit/{initiative.pk}/']"
    chair.locator(f"{decide} select[name$=outcome]").select_option("award")
    chair.locator(f"{decide} textarea[name$=reasons]").fill("Goed plan voor de buurt.")
    _send(chair, decide)
    _no_errors(chair)
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.IN_EXECUTION
    voucher = Voucher.objects.get(holder=initiative.initiator)
    assert voucher.amount_cents == euros * 100

    # The holder uploads an invoice; the paying organisation approves it.
    _visit(resident, f"{live_server.url}/mijn/vouchers/{voucher.code}/")
    assert voucher.code in resident.content()
    _visit(resident, f"{live_server.url}/mijn/vouchers/{voucher.code}/betaalverzoek/")
    invoice = "form:has(input[name=payee_iban])"
    resident.locator(f"{invoice} input[name=payee_name]").fill("Tuincentrum Oost")
    resident.locator(f"{invoice} input[name=payee_iban]").fill("NL20INGB0001234567")
    resident.locator(f"{invoice} input[name=amount]").fill(str(spent))
    resident.locator(f"{invoice} input[name=description]").fill("Factuur materialen")
    resident.set_input_files(
        f"{invoice} input[name=document]",
        files=[{"name": "factuur.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}],
    )
    _send(resident, invoice)
    _no_errors(resident)
    context, page = _staff_page(browser, live_server, payer)
    _visit(page, f"{staff_url}/betalingen/")
    _send(page, "form[action$='/goedkeuren/']")
    context.close()
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.PARTLY_REDEEMED

    # The holder reports what happened.
    _visit(resident, f"{live_server.url}/mijn/initiatieven/{initiative.pk}/verantwoording/")
    resident.locator("textarea[name=what_happened]").fill("De moestuin is aangelegd; veertig buren hielpen.")
    resident.locator("input[name=participants]").fill("40")
    if resident.locator("textarea[name=spending_notes]").count():
        resident.locator("textarea[name=spending_notes]").fill("Iets goedkoper dan begroot.")
    _send(resident, "form:has(textarea[name=what_happened])")
    _no_errors(resident)
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.ACCOUNTED

    # The budget manager accepts the report and settles; the rest goes back to the scheme.
    context, page = _staff_page(browser, live_server, group.manager)
    _visit(page, f"{staff_url}/initiatieven/")
    _visit(page, f"{staff_url}/initiatieven/{initiative.pk}/verantwoording/")
    _send(page, "form:has(input[name=action][value=accept])")
    _send(page, "form:has(input[name=action][value=settle])")
    _no_errors(page)
    context.close()
    chair_context.close()
    resident_context.close()

    initiative.refresh_from_db()
    voucher.refresh_from_db()
    assert initiative.status == InitiativeStatus.SETTLED
    assert voucher.status == VoucherStatus.CLOSED
    assert posted_balance(schemes.scheme_account(scheme=scheme)) == FUNDS_CENTS - spent * 100
    assert verify_balances(municipality=scheme.municipality) == []
    assert unbalanced_entries(municipality=scheme.municipality) == []
