"""The public consultation page: the plan without personal data, the response form for residents of the area,
and the published outcome."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from buurtbudget.consultations import services
from buurtbudget.consultations.models import Response
from tests.factories import UserFactory
from tests.factories.initiatives import resident, submitted_initiative
from tests.factories.regiegroep import funded_voucher_scheme, steering_group
from tests.regiegroep.clock import frozen

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation():  # type: ignore[no-untyped-def]
    group = steering_group(funded_voucher_scheme(), members=1)
    initiative = submitted_initiative(scheme=group.scheme)
    made = services.open_consultation(actor=group.chair, initiative=initiative)
    made.chair = group.chair
    return made


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anyone_reads_the_plan_but_not_who_proposed_it(consultation) -> None:  # type: ignore[no-untyped-def]
    page = Client().get(consultation.get_absolute_url())
    html = page.content.decode()
    initiator = consultation.initiative.initiator
    assert page.status_code == 200
    assert consultation.initiative.title in html and "1.500,00" in html and "Inloggen" in html
    assert initiator.name not in html and initiator.email not in html


def test_a_resident_of_the_area_responds_once_on_the_page(consultation) -> None:  # type: ignore[no-untyped-def]
    client = _client(resident())
    assert "Mijn advies versturen" in client.get(consultation.get_absolute_url()).content.decode()
    missing = client.post(consultation.get_absolute_url(), {"choice": "comment", "text": ""})
    assert missing.status_code == 400 and "Schrijf uw opmerking op" in missing.content.decode()
    done = client.post(consultation.get_absolute_url(), {"choice": "for", "text": "Goed idee"})
    assert done.status_code == 302
    again = client.get(consultation.get_absolute_url()).content.decode()
    assert "U gaf uw advies op" in again and "Mijn advies versturen" not in again
    twice = client.post(consultation.get_absolute_url(), {"choice": "against"})
    assert twice.status_code == 400 and "maar één keer" in twice.content.decode()
    assert Response.objects.get().choice == "for"


def test_someone_from_elsewhere_is_told_why_they_cannot_respond(consultation) -> None:  # type: ignore[no-untyped-def]
    client = _client(UserFactory(postcode="9999ZZ", house_number=3))
    html = client.get(consultation.get_absolute_url()).content.decode()
    assert "Alleen bewoners van" in html and "Mijn advies versturen" not in html
    assert client.post(consultation.get_absolute_url(), {"choice": "for"}).status_code == 400
    assert not Response.objects.exists()


def test_the_published_outcome_is_on_the_page(consultation) -> None:  # type: ignore[no-untyped-def]
    for choice in ("for", "for", "against"):
        services.respond(resident=resident(), consultation=consultation, choice=choice)
    with frozen(consultation.closes_on + dt.timedelta(days=1)):
        services.close_due_consultations()
        consultation.refresh_from_db()
        services.publish_outcome(actor=consultation.chair, consultation=consultation, summary="Vooral steun.")
        html = Client().get(consultation.get_absolute_url()).content.decode()
    assert "2 bewoners zijn voor" in html and "1 bewoner is tegen" in html and "Vooral steun." in html
    assert "Deze raadpleging is gesloten" in html


def test_a_consultation_of_another_municipality_is_not_found(consultation) -> None:  # type: ignore[no-untyped-def]
    other = steering_group(funded_voucher_scheme(), members=0).scheme.municipality
    assert Client().get(f"/{other.slug}/raadpleging/{consultation.pk}/").status_code == 404


@pytest.mark.parametrize("responses", [0, 5])
def test_the_page_takes_a_fixed_number_of_queries(consultation, responses, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for _ in range(responses):
        services.respond(resident=resident(), consultation=consultation, choice="for")
    client = _client(resident())
    client.get(consultation.get_absolute_url())
    # session, language, municipality, consultation with plan and area, user, own response,
    # address lookup (two queries)
    with django_assert_num_queries(8):
        assert client.get(consultation.get_absolute_url()).status_code == 200
