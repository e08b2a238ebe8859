import pytest
from django.core.exceptions import ValidationError

from buurtbudget.audit.models import AuditEvent
from buurtbudget.tenancy import services
from buurtbudget.tenancy.contrast import primary_colour_is_readable
from buurtbudget.tenancy.models import Municipality
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_create_municipality_is_audited():  # type: ignore[no-untyped-def]
    actor = UserFactory()
    utrecht = services.create_municipality(
        actor=actor, name="Utrecht", slug="Utrecht", contact_email="info@utrecht.nl"
    )
    assert utrecht.slug == "utrecht"
    event = AuditEvent.objects.get(action="tenancy.municipality_created")
    assert event.municipality == utrecht and event.actor == actor
    assert event.after["contact_email"] == "info@utrecht.nl"


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"slug": "api"}, "slug", "gereserveerd"),
        ({"slug": "mijn"}, "slug", "gereserveerd"),
        ({"primary_colour": "blue"}, "primary_colour", "kleurcode"),
        ({"primary_colour": "#ffff00"}, "primary_colour", "contrast"),
        ({"accent_colour": "#777777"}, "accent_colour", "contrast"),
        ({"contact_email": "geen-adres"}, "contact_email", ""),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(kwargs, field, fragment):  # type: ignore[no-untyped-def]
    values = {"name": "Zeist", "slug": "zeist", **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.create_municipality(actor=None, **values)
    assert fragment in " ".join(exc.value.message_dict[field])
    assert not Municipality.objects.exists()
    assert not AuditEvent.objects.exists()


def test_yellow_is_not_readable_as_primary_but_rijksblauw_is():  # type: ignore[no-untyped-def]
    assert not primary_colour_is_readable("#ffff00")
    assert primary_colour_is_readable("#01689b")


def test_update_records_before_and_after_of_changed_fields_only():  # type: ignore[no-untyped-def]
    municipality = MunicipalityFactory(contact_phone="14 030")
    updated = services.update_municipality(
        actor=None, municipality=municipality, contact_phone="14 020", primary_colour="#154273", address=""
    )
    assert (updated.contact_phone, updated.primary_colour) == ("14 020", "#154273")
    event = AuditEvent.objects.get(action="tenancy.municipality_updated")
    assert event.before == {"contact_phone": "14 030", "primary_colour": "#01689b"}
    assert event.after == {"contact_phone": "14 020", "primary_colour": "#154273"}


def test_refused_update_changes_nothing():  # type: ignore[no-untyped-def]
    municipality = MunicipalityFactory()
    with pytest.raises(ValidationError, match="contrast"):
        services.update_municipality(
            actor=None, municipality=municipality, primary_colour="#ffff00", contact_phone="1"
        )
    municipality.refresh_from_db()
    assert municipality.primary_colour == "#01689b" and municipality.contact_phone == ""
    assert not AuditEvent.objects.exists()


def test_unknown_field_is_a_programming_error():  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        services.update_municipality(actor=None, municipality=MunicipalityFactory(), created_at=None)
