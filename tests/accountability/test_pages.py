"""Pages: the budget manager's overview (tenancy, deadlines, one query), settling on screen, the initiator's
report page."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from buurtbudget.accountability.models import Settlement
from buurtbudget.initiatives.models import InitiativeStatus as S
from buurtbudget.schemes.services import scheme_account
from tests.factories.accountability import awarded_initiative, spend
from tests.factories.initiatives import submitted_initiative
from tests.factories.payments import PNG_BYTES

pytestmark = pytest.mark.django_db


def _client(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_overview_lists_this_municipalitys_initiatives_with_money_and_deadlines(  # type: ignore[no-untyped-def]
    django_assert_num_queries,
) -> None:
    awarded = awarded_initiative(title="Moestuin")
    spend(awarded, "250.00")
    waiting = submitted_initiative(scheme=awarded.scheme, title="Speeltuin")
    elsewhere = awarded_initiative(title="Bankje elders")
    url = f"/{awarded.scheme.municipality.slug}/beheer/initiatieven/"
    client = _client(awarded.manager)
    client.get(url)  # warm up: session and the like

    with django_assert_num_queries(6):  # session, language, municipality, user, roles, the overview
        html = client.get(url).content.decode()

    assert "Moestuin" in html and "Speeltuin" in html
    assert "Bankje elders" not in html
    assert "€ 1.500,00" in html and "€ 250,00" in html
    assert awarded.initiative.accounting_due_on.strftime("%d-%m-%Y") in html
    assert "bb-overdue" not in html

    # Past the decision term: highlighted as overdue.
    type(waiting).objects.filter(pk=waiting.pk).update(decision_due_on=dt.date(2020, 1, 1))
    html = client.get(url).content.decode()
    assert html.count('class="bb-overdue"') == 1

    # Other municipalities' staff and residents do not see it.
    assert _client(elsewhere.manager).get(url).status_code == 403
    assert _client(awarded.initiative.initiator).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_more_initiatives_do_not_mean_more_queries(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    awarded = awarded_initiative()
    for n in range(4):
        submitted_initiative(scheme=awarded.scheme, title=f"Plan {n}")
    client = _client(awarded.manager)
    url = f"/{awarded.scheme.municipality.slug}/beheer/initiatieven/"
    client.get(url)
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


def test_the_initiator_reports_on_screen_and_the_budget_manager_settles(settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = settings.MEDIA_ROOT  # uploads go to the test media folder
    awarded = awarded_initiative()
    spend(awarded, "400.00")
    initiator = _client(awarded.initiative.initiator)
    url = f"/mijn/initiatieven/{awarded.initiative.pk}/verantwoording/"
    page = initiator.get(url)
    assert page.status_code == 200 and "€ 400,00" in page.content.decode()

    bad = initiator.post(url, {"what_happened": "", "participants": "-3"})
    assert bad.status_code == 400
    good = initiator.post(
        url,
        {
            "what_happened": "Moestuin aangelegd.",
            "participants": "25",
            "photos": SimpleUploadedFile("tuin.png", PNG_BYTES, content_type="image/png"),
        },
    )
    assert good.status_code == 302, good.context["form"].errors
    awarded.refresh()
    assert awarded.initiative.status == S.ACCOUNTED
    # Someone else's initiative looks like no initiative at all.
    assert _client(awarded.group.chair).get(url).status_code == 404

    staff_url = (
        f"/{awarded.scheme.municipality.slug}/beheer/initiatieven/{awarded.initiative.pk}/verantwoording/"
    )
    chair = _client(awarded.group.chair)
    assert chair.post(staff_url, {"action": "accept"}).status_code == 302
    manager = _client(awarded.manager)
    before = scheme_account(scheme=awarded.scheme).balance_cents
    bad = manager.post(staff_url, {"action": "settle", "clawback": "abc"})
    assert bad.status_code == 400 and not Settlement.objects.exists()
    assert manager.post(staff_url, {"action": "settle", "clawback": "", "reason": ""}).status_code == 302
    assert scheme_account(scheme=awarded.scheme).balance_cents == before + 110_000
    html = manager.get(staff_url).content.decode()
    assert "€ 1.100,00" in html


def test_the_initiator_sees_their_fixed_contact_official() -> None:
    from buurtbudget.support import services as support
    from tests.factories.accountability import contact_official

    awarded = awarded_initiative()
    url = f"/mijn/initiatieven/{awarded.initiative.pk}/verantwoording/"
    initiator = _client(awarded.initiative.initiator)
    assert "Olga Contact" not in initiator.get(url).content.decode()
    official = contact_official(awarded.scheme.municipality)
    support.assign_contact_official(actor=awarded.manager, initiative=awarded.initiative, official=official)
    html = initiator.get(url).content.decode()
    assert official.name in html and official.email in html
