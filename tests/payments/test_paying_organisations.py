"""Budget managers list their municipality's paying organisations, add one and edit one."""

import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation

from buurtbudget.accounts.models import Role
from buurtbudget.audit.models import AuditEvent
from buurtbudget.payments import services as payments
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


def _edit_url(organisation):
    return reverse(
        "core:payments_organisation_edit",
        kwargs={"gemeente": organisation.municipality.slug, "pk": organisation.pk},
    )


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
    assert "Er is al een betaalorganisatie met deze naam." in duplicate.content.decode()
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


def test_a_name_may_be_as_long_as_a_sepa_payment_file_carries(client, manager):
    municipality = _municipality_of(manager)
    client.force_login(manager)
    long_name = "Stichting " + "B" * 60  # 70 characters: the paying party's name in a SEPA pain.001 file
    response = client.post(_url(municipality), {"name": long_name, "iban": "NL20INGB0001234567"})
    assert response.status_code == 302
    assert PayingOrganisation.objects.get().name == long_name

    with pytest.raises(payments.PaymentError, match="maximaal 70 tekens"):
        payments.create_paying_organisation(
            actor=manager, municipality=municipality, name=long_name + "X", iban="NL20INGB0001234567"
        )
    assert PayingOrganisation.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_adds_with_one_name_give_one_organisation_and_a_message(
    client, manager, monkeypatch
):
    """The second add passes the service's own check while the first is not yet committed; the database's
    unique rule then refuses it, and the manager sees why instead of a server error."""
    municipality = _municipality_of(manager)
    inserted, checked = threading.Event(), threading.Event()

    def first_add() -> None:
        try:
            with transaction.atomic():
                PayingOrganisation.objects.create(
                    municipality=municipality, name="Oost", iban="NL91ABNA0417164300", is_default=False
                )
                inserted.set()
                checked.wait(timeout=10)  # commit only after the second add has looked and found nothing
        finally:
            connection.close()

    real_check = payments._organisation_conflict

    def check_then_let_the_first_commit(**kwargs):
        conflict = real_check(**kwargs)
        checked.set()
        return conflict

    monkeypatch.setattr(payments, "_organisation_conflict", check_then_let_the_first_commit)
    thread = threading.Thread(target=first_add)
    thread.start()
    assert inserted.wait(timeout=10)
    client.force_login(manager)
    response = client.post(_url(municipality), {"name": "Oost", "iban": "NL20INGB0001234567"})
    thread.join(timeout=10)

    assert response.status_code == 400
    assert "Er is al een betaalorganisatie met deze naam." in response.content.decode()
    assert list(PayingOrganisation.objects.values_list("name", "iban")) == [("Oost", "NL91ABNA0417164300")]
    assert not AuditEvent.objects.filter(action="payments.organisation.create").exists()


def test_the_refusal_of_a_duplicate_name_is_in_one_language(manager):
    municipality = _municipality_of(manager)
    PayingOrganisationFactory(municipality=municipality, name="Gemeente")
    with pytest.raises(payments.PaymentError) as dutch:
        payments.create_paying_organisation(
            actor=manager, municipality=municipality, name="Gemeente", iban="NL20INGB0001234567"
        )
    with translation.override("en"), pytest.raises(payments.PaymentError) as english:
        payments.create_paying_organisation(
            actor=manager, municipality=municipality, name="Gemeente", iban="NL20INGB0001234567"
        )
    assert str(dutch.value) == "Er is al een betaalorganisatie met deze naam."
    assert str(english.value) == "A paying organisation with this name already exists."


def test_a_budget_manager_edits_a_paying_organisation_and_the_change_is_audited(client, manager):
    municipality = _municipality_of(manager)
    organisation = PayingOrganisationFactory(
        municipality=municipality, name="Gemeente", iban="NL91ABNA0417164300", bic="ABNANL2A", is_default=True
    )
    client.force_login(manager)
    listing = client.get(_url(municipality)).content.decode()
    assert _edit_url(organisation) in listing

    page = client.get(_edit_url(organisation))
    assert page.status_code == 200
    assert_unique_ids(page.content.decode())
    assert "Betaalorganisatie wijzigen" in page.content.decode()
    assert 'value="NL91ABNA0417164300"' in page.content.decode()

    response = client.post(
        _edit_url(organisation),
        {"name": "Gemeente Noord", "iban": "nl20 ingb 0001 2345 67", "bic": "ingbnl2a", "is_default": "on"},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.iban, organisation.bic, organisation.is_default) == (
        "Gemeente Noord",
        "NL20INGB0001234567",
        "INGBNL2A",
        True,
    )
    event = AuditEvent.objects.get(action="payments.organisation.update")
    assert event.before == {
        "name": "Gemeente",
        "iban": "NL91ABNA0417164300",
        "bic": "ABNANL2A",
        "is_default": True,
    }
    assert event.after == {
        "name": "Gemeente Noord",
        "iban": "NL20INGB0001234567",
        "bic": "INGBNL2A",
        "is_default": True,
    }
    assert "Gemeente Noord is opgeslagen." in client.get(_url(municipality)).content.decode()


def test_a_bad_iban_on_edit_is_refused_in_dutch_and_changes_nothing(client, manager):
    municipality = _municipality_of(manager)
    organisation = PayingOrganisationFactory(
        municipality=municipality, name="Gemeente", iban="NL91ABNA0417164300"
    )
    client.force_login(manager)
    response = client.post(_edit_url(organisation), {"name": "Gemeente Noord", "iban": "NL91ABNA0417164301"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Dit IBAN klopt niet; controleer het nummer." in content
    assert "This IBAN is not valid" not in content
    organisation.refresh_from_db()
    assert (organisation.name, organisation.iban) == ("Gemeente", "NL91ABNA0417164300")
    assert not AuditEvent.objects.filter(action="payments.organisation.update").exists()


def test_editing_keeps_at_most_one_default_and_names_unique(client, manager):
    municipality = _municipality_of(manager)
    PayingOrganisationFactory(municipality=municipality, name="Gemeente", is_default=True)
    other = PayingOrganisationFactory(municipality=municipality, name="Oost", is_default=False)
    client.force_login(manager)
    second_default = client.post(
        _edit_url(other), {"name": "Oost", "iban": "NL20INGB0001234567", "is_default": "on"}
    )
    assert second_default.status_code == 400
    assert "Er is al een standaard betaalorganisatie." in second_default.content.decode()
    duplicate = client.post(_edit_url(other), {"name": "Gemeente", "iban": "NL20INGB0001234567"})
    assert duplicate.status_code == 400
    assert "Er is al een betaalorganisatie met deze naam." in duplicate.content.decode()
    other.refresh_from_db()
    assert (other.name, other.is_default) == ("Oost", False)
    assert not AuditEvent.objects.filter(action="payments.organisation.update").exists()


def test_only_budget_managers_of_the_municipality_may_edit(client, manager):
    municipality = _municipality_of(manager)
    organisation = PayingOrganisationFactory(municipality=municipality, name="Gemeente")
    elsewhere = PayingOrganisationFactory(name="Elders")
    payer = UserFactory()
    RoleAssignmentFactory(
        user=payer,
        role=Role.PAYER,
        municipality=municipality,
        object_key=f"payments.payingorganisation:{organisation.pk}",
    )
    data = {"name": "Overgenomen", "iban": "NL20INGB0001234567"}
    for user in (UserFactory(), payer, RoleAssignmentFactory(role=Role.BUDGET_MANAGER).user):
        client.force_login(user)
        assert client.get(_edit_url(organisation)).status_code == 403
        assert client.post(_edit_url(organisation), data).status_code == 403
    client.force_login(manager)
    foreign = reverse(
        "core:payments_organisation_edit", kwargs={"gemeente": municipality.slug, "pk": elsewhere.pk}
    )
    assert client.get(foreign).status_code == 404
    assert client.post(foreign, data).status_code == 404
    assert set(PayingOrganisation.objects.values_list("name", flat=True)) == {"Gemeente", "Elders"}
