"""Audit events are written with the change they describe, or not at all."""

import pytest
from django.db import transaction

from buurtbudget.audit.models import AuditEvent
from buurtbudget.audit.services import AuditOutsideTransactionError, record, snapshot
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_record_outside_a_transaction_raises_and_writes_nothing() -> None:
    municipality = MunicipalityFactory()
    with pytest.raises(AuditOutsideTransactionError):
        record(actor=None, action="test.outside", municipality=municipality)
    assert not AuditEvent.objects.filter(action="test.outside").exists()


def test_an_event_rolls_back_with_its_transaction() -> None:
    municipality = MunicipalityFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        record(actor=None, action="test.rolled_back", municipality=municipality)
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()


def test_an_event_names_actor_object_and_change() -> None:
    actor = UserFactory()
    municipality = MunicipalityFactory(name="Gemeente Voorbeeld")
    with transaction.atomic():
        record(
            actor=actor,
            action="tenancy.municipality_updated",
            municipality=municipality,
            obj=municipality,
            before={"name": "Oud"},
            after={"name": "Gemeente Voorbeeld"},
        )
    event = AuditEvent.objects.get(action="tenancy.municipality_updated")
    assert (event.actor, event.actor_label) == (actor, actor.email)
    assert (event.object_type, event.object_id, event.object_repr) == (
        "tenancy.municipality",
        str(municipality.pk),
        "Gemeente Voorbeeld",
    )
    assert (event.before, event.after) == ({"name": "Oud"}, {"name": "Gemeente Voorbeeld"})


def test_a_system_change_is_labelled_as_such() -> None:
    with transaction.atomic():
        event = record(actor=None, action="test.system", municipality=None)
    assert event.actor is None
    assert event.actor_label == "systeem"


def test_snapshot_is_json_safe() -> None:
    municipality = MunicipalityFactory()
    values = snapshot(municipality, ["name", "created_at", "is_active"])
    assert values["name"] == municipality.name
    assert isinstance(values["created_at"], str)
    assert values["is_active"] is True
