"""A budget manager gives and takes roles in their own municipality, and nowhere else."""

import pytest
from django.urls import reverse

from buurtbudget.accounts.models import Role, RoleAssignment
from buurtbudget.audit.models import AuditEvent
from tests.factories import AreaFactory, MunicipalityFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_2fa(settings):
    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = False


@pytest.fixture
def manager_of_a():
    return RoleAssignmentFactory(role=Role.BUDGET_MANAGER, municipality=MunicipalityFactory(slug="aa")).user


def roles_url(slug: str) -> str:
    return reverse("core:manage_roles", kwargs={"gemeente": slug})


def test_a_manager_assigns_an_area_role_and_it_is_audited(client, manager_of_a):
    a = manager_of_a.role_assignments.get().municipality
    district = AreaFactory(municipality=a)
    member = UserFactory(email="lid@example.org")
    client.force_login(manager_of_a)

    response = client.post(
        roles_url("aa"),
        {"action": "assign", "email": "LID@example.org", "role": Role.STEERING_MEMBER, "area": district.pk},
    )

    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=member)
    assert (assignment.role, assignment.municipality, assignment.area) == (Role.STEERING_MEMBER, a, district)
    assert AuditEvent.objects.filter(action="accounts.role_assigned", municipality=a).exists()
    assert "lid@example.org" in client.get(roles_url("aa")).content.decode()


def test_a_manager_revokes_a_role(client, manager_of_a):
    a = manager_of_a.role_assignments.get().municipality
    other = RoleAssignmentFactory(role=Role.AUDITOR, municipality=a)
    client.force_login(manager_of_a)

    client.post(roles_url("aa"), {"action": "revoke", "assignment": other.pk})

    assert not RoleAssignment.objects.filter(pk=other.pk).exists()
    assert AuditEvent.objects.filter(action="accounts.role_revoked", municipality=a).exists()


def test_an_unknown_e_mail_gives_a_clear_message_and_assigns_nothing(client, manager_of_a):
    client.force_login(manager_of_a)

    response = client.post(
        roles_url("aa"), {"action": "assign", "email": "niemand@example.org", "role": "auditor"}
    )

    assert (
        "Er is geen account met dit e-mailadres. Vraag de persoon eerst een account te maken."
        in response.content.decode()
    )
    assert RoleAssignment.objects.count() == 1


def test_a_deactivated_account_cannot_be_given_a_role(client, manager_of_a):
    UserFactory(email="oud@example.org", is_active=False)
    client.force_login(manager_of_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    response = client.post(
        roles_url("aa"), {"action": "assign", "email": "Oud@Example.org", "role": "auditor"}
    )

    text = response.content.decode()
    assert "There is no account with this e-mail address. Ask the person to create one first." in text
    assert RoleAssignment.objects.count() == 1


def test_a_manager_of_a_cannot_manage_roles_in_b(client, manager_of_a):
    b = MunicipalityFactory(slug="bb")
    victim = RoleAssignmentFactory(role=Role.AUDITOR, municipality=b)
    UserFactory(email="x@example.org")
    client.force_login(manager_of_a)

    assert client.get(roles_url("bb")).status_code == 403
    response = client.post(roles_url("bb"), {"action": "assign", "email": "x@example.org", "role": "auditor"})
    assert response.status_code == 403
    assert client.post(roles_url("bb"), {"action": "revoke", "assignment": victim.pk}).status_code == 403
    # Revoking B's assignment through A's page finds nothing.
    assert client.post(roles_url("aa"), {"action": "revoke", "assignment": victim.pk}).status_code == 404
    assert RoleAssignment.objects.filter(municipality=b).count() == 1


def test_a_manager_of_a_cannot_assign_an_area_of_b(client, manager_of_a):
    area_of_b = AreaFactory(municipality=MunicipalityFactory(slug="bb"))
    UserFactory(email="x@example.org")
    client.force_login(manager_of_a)

    response = client.post(
        roles_url("aa"),
        {"action": "assign", "email": "x@example.org", "role": "auditor", "area": area_of_b.pk},
    )

    assert response.status_code == 200
    assert 'id="id_area_error"' in response.content.decode()
    assert not RoleAssignment.objects.filter(area=area_of_b).exists()


def test_residents_and_anonymous_visitors_cannot_open_the_page(client):
    MunicipalityFactory(slug="aa")
    assert client.get(roles_url("aa")).status_code == 302
    client.force_login(UserFactory())
    assert client.get(roles_url("aa")).status_code == 403
