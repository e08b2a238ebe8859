"""Budget managers list their municipality's paying organisations and add one."""

import pytest
from django.urls import reverse

from buurtbudget.accounts.models import Role
from buurtbudget.audit.models import AuditEvent
from buurtbudget.payments.models import PayingOrganisation
from tests.factories.core import RoleAssignmentFactory, UserFactory
from tests.factories.payments import PayingOrganisationFactory

from .test_holder_page_ids import assert_unique_ids

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_2fa(settings):
    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = False


def _url(municipality):
    return reverse("core:payments_organisations", kwargs={"gemeente": municipality.slug})


@pytest.fixture
def manager():
    return RoleAssignmentFactory(role=Role.BUDGET_MANAGER).user


def _municipality_of(user):
    return user.role_assignments.get().municipality


def test_a_budget_manager_adds_a_paying_organisation_and_sees_it_listed(client, manager):
    municipality = _municipality_of(manager)
    client.force_login(manager)
    page = client.get(_url(municipality))
    assert page.status_code == 200
    assert_unique_ids(page.content.decode())
    assert "Betaalorganisatie toevoegen" in page.content.decode()  # Dutch by default

    response = client.post(
        _url(municipality),
        {"name": "Huurdersvereniging Oost", "iban": "nl20 ingb 0001 2345 67", "bic": "ingbnl2a"},
    )
    assert response.status_code == 302
    organisation = PayingOrganisation.objects.get()
    assert (organisation.municipality, organisation.name, organisation.iban, organisation.bic) == (
        municipality,
        "Huurdersvereniging Oost",
        "NL20INGB0001234567",
        "INGBNL2A",
    )
    assert not organisation.is_default
    assert AuditEvent.objects.filter(action="payments.organisation.create").count() == 1
    listed = client.get(_url(municipality)).content.decode()
    assert "Huurdersvereniging Oost" in listed and "NL20INGB0001234567" in listed


def test_the_municipality_page_links_to_it_for_budget_managers_only(client, manager):
    municipality = _municipality_of(manager)
    client.force_login(manager)
    page = client.get(reverse("core:municipality", kwargs={"gemeente": municipality.slug}))
    assert _url(municipality) in page.content.decode()
    client.force_login(UserFactory())
    page = client.get(reverse("core:municipality", kwargs={"gemeente": municipality.slug}))
    assert _url(municipality) not in page.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Oost", "iban": "NL91ABNA0417164301"}, "Dit IBAN klopt niet"),
        ({"name": "Oost", "iban": ""}, ""),
        ({"name": "", "iban": "NL20INGB0001234567"}, ""),
        ({"name": "Oost", "iban": "NL20INGB0001234567", "bic": "INGB"}, "8 of 11 tekens"),
    ],
)
def test_wrong_input_is_refused_and_changes_nothing(client, manager, data, message):
    municipality = _municipality_of(manager)
    client.force_login(manager)
    response = client.post(_url(municipality), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert PayingOrganisation.objects.count() == 0
    assert AuditEvent.objects.filter(action="payments.organisation.create").count() == 0


def test_a_second_default_or_a_duplicate_name_is_refused(client, manager):
    municipality = _municipality_of(manager)
    PayingOrganisationFactory(municipality=municipality, name="Gemeente", is_default=True)
    client.force_login(manager)
    duplicate = client.post(_url(municipality), {"name": "Gemeente", "iban": "NL20INGB0001234567"})
    assert duplicate.status_code == 400
    assert "Deze naam bestaat al" in duplicate.content.decode()
    second_default = client.post(
        _url(municipality), {"name": "Oost", "iban": "NL20INGB0001234567", "is_default": "on"}
    )
    assert second_default.status_code == 400
    assert PayingOrganisation.objects.count() == 1


def test_residents_payers_and_other_municipalities_are_refused(client, manager):
    municipality = _municipality_of(manager)
    other = RoleAssignmentFactory(role=Role.BUDGET_MANAGER).user
    organisation = PayingOrganisationFactory(municipality=municipality)
    payer = UserFactory()
    RoleAssignmentFactory(
        user=payer,
        role=Role.PAYER,
        municipality=municipality,
        object_key=f"payments.payingorganisation:{organisation.pk}",
    )
    for user in (UserFactory(), payer, other):
        client.force_login(user)
        assert client.get(_url(municipality)).status_code == 403
        assert client.post(_url(municipality), {"name": "X", "iban": "NL20INGB0001234567"}).status_code == 403
    assert client.get("/bestaat-niet/beheer/betaalorganisaties/").status_code == 404
    client.logout()
    assert client.get(_url(municipality)).status_code == 302
    assert PayingOrganisation.objects.count() == 1


@pytest.mark.parametrize("count", [1, 5])
def test_the_list_takes_a_fixed_number_of_queries(client, manager, count, django_assert_num_queries):
    municipality = _municipality_of(manager)
    PayingOrganisationFactory.create_batch(count, municipality=municipality, is_default=False)
    client.force_login(manager)
    client.get(_url(municipality))  # warm caches (site settings)
    with django_assert_num_queries(6):
        response = client.get(_url(municipality))
    assert response.status_code == 200
    assert response.content.decode().count("<code>NL") == count
