"""Support: one fixed contact official, the ACTIE check and notes for the regiegroep, and who sees them."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from buurtbudget.accounts.models import Role, RoleAssignment
from buurtbudget.audit.models import AuditEvent
from buurtbudget.support import services
from buurtbudget.support.models import ActieCheck, SupportNote
from tests.factories import UserFactory
from tests.factories.accountability import contact_official
from tests.factories.initiatives import submitted_initiative
from tests.factories.regiegroep import budget_manager, funded_voucher_scheme, steering_group

pytestmark = pytest.mark.django_db

SCORES = {"animo": 1, "contact": 3, "toerusting": 4, "inbedding": 2, "empathie": 2}


@pytest.fixture
def scheme():  # type: ignore[no-untyped-def]
    return funded_voucher_scheme()


@pytest.fixture
def group(scheme):  # type: ignore[no-untyped-def]
    return steering_group(scheme, members=1)


@pytest.fixture
def initiative(scheme):  # type: ignore[no-untyped-def]
    return submitted_initiative(scheme=scheme)


@pytest.fixture
def official(scheme):  # type: ignore[no-untyped-def]
    return contact_official(scheme.municipality)


@pytest.fixture
def assigned(group, initiative, official, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_contact_official(actor=group.manager, initiative=initiative, official=official)
    return initiative


def test_the_budget_manager_assigns_one_fixed_contact_official(assigned, official, group) -> None:  # type: ignore[no-untyped-def]
    assigned.refresh_from_db()
    assert assigned.contact_official == official
    event = AuditEvent.objects.get(action="support.contact_official.assigned")
    assert event.actor == group.manager and event.after == {"contact_official": official.pk}
    # The initiator and the official hear about it.
    assert {m.to[0] for m in mail.outbox} == {assigned.initiator.email, official.email}


def test_changing_the_official_needs_a_reason_and_is_audited(assigned, group, scheme) -> None:  # type: ignore[no-untyped-def]
    other = contact_official(scheme.municipality)
    with pytest.raises(ValidationError):
        services.assign_contact_official(actor=group.manager, initiative=assigned, official=other)
    services.assign_contact_official(
        actor=group.manager, initiative=assigned, official=other, reason="Verlof"
    )
    assigned.refresh_from_db()
    assert assigned.contact_official == other
    assert AuditEvent.objects.get(action="support.contact_official.changed").details == {"reason": "Verlof"}


def test_only_a_budget_manager_of_the_municipality_assigns_and_only_contact_officials(  # type: ignore[no-untyped-def]
    initiative, official, group
) -> None:
    elsewhere = budget_manager(funded_voucher_scheme().municipality)
    for actor in (group.chair, elsewhere, official):
        with pytest.raises(PermissionDenied):
            services.assign_contact_official(actor=actor, initiative=initiative, official=official)
    with pytest.raises(ValidationError):
        services.assign_contact_official(actor=group.manager, initiative=initiative, official=UserFactory())
    initiative.refresh_from_db()
    assert initiative.contact_official is None


def test_the_official_saves_the_actie_check(assigned, official) -> None:  # type: ignore[no-untyped-def]
    services.save_actie_check(
        actor=official, initiative=assigned, scores=SCORES, note="Weinig geld-ervaring."
    )
    check = ActieCheck.objects.get(initiative=assigned)
    assert (check.animo, check.contact, check.toerusting, check.inbedding, check.empathie) == (1, 3, 4, 2, 2)
    assert check.filled_in_by == official
    services.save_actie_check(actor=official, initiative=assigned, scores={**SCORES, "animo": 2})
    assert ActieCheck.objects.get().animo == 2
    assert AuditEvent.objects.filter(action="support.actie_check.saved").count() == 2


def test_a_bad_score_changes_nothing(assigned, official) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        services.save_actie_check(actor=official, initiative=assigned, scores={**SCORES, "empathie": 7})
    assert "empathie" in error.value.message_dict
    assert not ActieCheck.objects.exists()


def test_only_the_initiatives_own_official_fills_in_the_check(assigned, group, scheme) -> None:  # type: ignore[no-untyped-def]
    for actor in (contact_official(scheme.municipality), group.chair, group.manager, assigned.initiator):
        with pytest.raises(PermissionDenied):
            services.save_actie_check(actor=actor, initiative=assigned, scores=SCORES)
        with pytest.raises(PermissionDenied):
            services.add_note(actor=actor, initiative=assigned, text="Hallo")
    assert not ActieCheck.objects.exists() and not SupportNote.objects.exists()


def _page(initiative):  # type: ignore[no-untyped-def]
    return f"/{initiative.municipality.slug}/beheer/ondersteuning/{initiative.pk}/"


def test_the_regiegroep_sees_the_check_and_notes_but_the_public_and_other_municipalities_do_not(  # type: ignore[no-untyped-def]
    assigned, official, group
) -> None:
    services.save_actie_check(actor=official, initiative=assigned, scores=SCORES, note="Veel animo")
    services.add_note(actor=official, initiative=assigned, text="Buurthuis wil helpen met de opslag.")
    client = Client()

    client.force_login(group.members[0])
    html = client.get(_page(assigned)).content.decode()
    assert "Buurthuis wil helpen met de opslag." in html and "Veel animo" in html

    assert Client().get(_page(assigned)).status_code == 302  # to log in
    resident = Client()
    resident.force_login(assigned.initiator)
    assert resident.get(_page(assigned)).status_code == 403
    other = steering_group(funded_voucher_scheme(), members=0)
    stranger = Client()
    stranger.force_login(other.chair)
    assert stranger.get(_page(assigned)).status_code == 403
    # Through their own municipality's address the initiative does not exist.
    url = f"/{other.scheme.municipality.slug}/beheer/ondersteuning/{assigned.pk}/"
    assert stranger.get(url).status_code == 404


def test_the_official_fills_in_the_check_on_the_page_and_errors_are_shown(assigned, official) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(official)
    response = client.post(_page(assigned), {"action": "actie", **SCORES, "animo": "9"})
    assert response.status_code == 400
    assert not ActieCheck.objects.exists()
    response = client.post(_page(assigned), {"action": "actie", **SCORES, "note": "Goed"})
    assert response.status_code == 302
    assert ActieCheck.objects.get().note == "Goed"
    response = client.post(_page(assigned), {"action": "note", "text": "Gebeld met de initiatiefnemer."})
    assert response.status_code == 302 and SupportNote.objects.count() == 1


def test_the_officials_list_shows_only_their_own_initiatives(
    assigned, official, scheme, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    not_mine = submitted_initiative(scheme=scheme, title="Speeltuin")
    client = Client()
    client.force_login(official)
    with django_assert_max_num_queries(12):
        html = client.get(f"/{scheme.municipality.slug}/beheer/ondersteuning/").content.decode()
    assert assigned.title in html
    assert not_mine.title not in html
    resident = Client()
    resident.force_login(assigned.initiator)
    assert resident.get(f"/{scheme.municipality.slug}/beheer/ondersteuning/").status_code == 403


def test_a_role_in_another_municipality_does_not_make_an_official(initiative, group) -> None:  # type: ignore[no-untyped-def]
    other = funded_voucher_scheme()
    person = UserFactory()
    RoleAssignment.objects.create(user=person, role=Role.CONTACT_OFFICIAL, municipality=other.municipality)
    with pytest.raises(ValidationError):
        services.assign_contact_official(actor=group.manager, initiative=initiative, official=person)
