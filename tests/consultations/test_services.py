"""The wijkraadpleging: opened by the chair, answered once by residents of the area, closed after its period,
its outcome published."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from buurtbudget.audit.models import AuditEvent
from buurtbudget.consultations import services
from buurtbudget.consultations.models import ConsultationStatus, Response
from buurtbudget.initiatives.models import InitiativeStatus
from tests.factories import UserFactory
from tests.factories.initiatives import resident, submitted_initiative
from tests.factories.regiegroep import funded_voucher_scheme, steering_group
from tests.regiegroep.clock import frozen

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 4, 6)


@pytest.fixture
def group():  # type: ignore[no-untyped-def]
    with frozen(DAY - dt.timedelta(days=3)):
        return steering_group(funded_voucher_scheme(), members=2)


@pytest.fixture
def consultation(group):  # type: ignore[no-untyped-def]
    with frozen(DAY):
        initiative = submitted_initiative(scheme=group.scheme)
        return services.open_consultation(actor=group.chair, initiative=initiative)


def test_the_chair_opens_a_three_week_consultation_and_the_initiative_waits_for_it(consultation) -> None:  # type: ignore[no-untyped-def]
    assert (consultation.opens_on, consultation.closes_on) == (DAY, DAY + dt.timedelta(days=21))
    assert consultation.area == consultation.initiative.area
    consultation.initiative.refresh_from_db()
    assert consultation.initiative.status == InitiativeStatus.IN_CONSULTATION
    assert AuditEvent.objects.filter(action="consultations.consultation.open").exists()


def test_only_the_chair_opens_a_consultation(group) -> None:  # type: ignore[no-untyped-def]
    initiative = submitted_initiative(scheme=group.scheme)
    elsewhere = steering_group(funded_voucher_scheme(), members=0)
    for actor in (group.members[0], elsewhere.chair, group.manager):
        with pytest.raises(PermissionDenied):
            services.open_consultation(actor=actor, initiative=initiative)
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.SUBMITTED


def test_residents_of_the_area_respond_once_each(consultation) -> None:  # type: ignore[no-untyped-def]
    neighbour = resident()
    with frozen(DAY + dt.timedelta(days=1)):
        services.respond(resident=neighbour, consultation=consultation, choice="for", text="Mooi plan!")
        with pytest.raises(ValidationError, match="maar één keer"):
            services.respond(resident=neighbour, consultation=consultation, choice="against")
    assert Response.objects.get().choice == "for"


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ({"postcode": "9999ZZ", "house_number": 1}, "Alleen bewoners van"),
        ({"postcode": "", "house_number": None}, "postcode en huisnummer"),
    ],
)
def test_people_from_elsewhere_or_without_an_address_cannot_respond(consultation, profile, message) -> None:  # type: ignore[no-untyped-def]
    with frozen(DAY + dt.timedelta(days=1)), pytest.raises(ValidationError, match=message):
        services.respond(resident=UserFactory(**profile), consultation=consultation, choice="for")
    assert not Response.objects.exists()


def test_a_comment_needs_text_and_a_choice_must_be_known(consultation) -> None:  # type: ignore[no-untyped-def]
    with frozen(DAY), pytest.raises(ValidationError):
        services.respond(resident=resident(), consultation=consultation, choice="comment", text=" ")
    with frozen(DAY), pytest.raises(ValidationError):
        services.respond(resident=resident(), consultation=consultation, choice="maybe")
    assert not Response.objects.exists()


def test_no_responses_after_the_period_and_no_closing_before_its_end(group, consultation) -> None:  # type: ignore[no-untyped-def]
    last_day = consultation.closes_on
    with frozen(last_day):
        services.respond(resident=resident(), consultation=consultation, choice="against")
        with pytest.raises(ValidationError, match="loopt nog"):
            services.close_consultation(actor=group.chair, consultation=consultation)
    with frozen(last_day + dt.timedelta(days=1)), pytest.raises(ValidationError, match="gesloten"):
        services.respond(resident=resident(), consultation=consultation, choice="for")


def test_closing_counts_and_publishing_makes_the_outcome_public(group, consultation) -> None:  # type: ignore[no-untyped-def]
    with frozen(DAY + dt.timedelta(days=2)):
        for choice in ("for", "for", "against", "comment"):
            services.respond(resident=resident(), consultation=consultation, choice=choice, text="Opmerking")
    with frozen(consultation.closes_on + dt.timedelta(days=1)):
        assert services.close_due_consultations() == 1
        assert services.close_due_consultations() == 0
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CLOSED
    assert (consultation.count_for, consultation.count_against, consultation.count_comment) == (2, 1, 1)
    with pytest.raises(PermissionDenied):
        services.publish_outcome(
            actor=group.members[0], consultation=consultation, summary="Meerderheid voor."
        )
    with pytest.raises(ValidationError):
        services.publish_outcome(actor=group.chair, consultation=consultation, summary="")
    published = services.publish_outcome(
        actor=group.chair, consultation=consultation, summary="Meerderheid voor."
    )
    assert published.status == ConsultationStatus.PUBLISHED and published.published_at is not None
