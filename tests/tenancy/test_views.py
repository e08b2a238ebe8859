import pytest
from django.test import Client
from django.urls import reverse

from buurtbudget.accounts.models import Role
from buurtbudget.tenancy.models import Municipality
from tests.factories import MunicipalityFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality() -> Municipality:
    return MunicipalityFactory(slug="zeist", name="Zeist")


def client_for(municipality: Municipality, role: str = Role.BUDGET_MANAGER) -> Client:
    user = UserFactory()
    RoleAssignmentFactory(user=user, municipality=municipality, role=role)
    client = Client()
    client.force_login(user)
    return client


def url(municipality: Municipality) -> str:
    return reverse("core:municipality_settings", kwargs={"gemeente": municipality.slug})


FORM = {
    "contact_email": "post@zeist.nl",
    "contact_phone": "14 030",
    "website": "https://www.zeist.nl",
    "address": "Het Rond 1",
    "primary_colour": "#154273",
    "accent_colour": "#e17000",
}


def test_budget_manager_edits_contact_details_that_then_show_in_the_footer(municipality):  # type: ignore[no-untyped-def]
    client = client_for(municipality)
    response = client.post(url(municipality), FORM, follow=True)
    assert response.status_code == 200
    municipality.refresh_from_db()
    assert municipality.contact_phone == "14 030"
    home = client.get(municipality.get_absolute_url()).content.decode()
    assert "post@zeist.nl" in home and "Het Rond 1" in home


def test_unreadable_colour_is_shown_as_error_and_not_saved(municipality):  # type: ignore[no-untyped-def]
    response = client_for(municipality).post(url(municipality), {**FORM, "primary_colour": "#ffff00"})
    assert response.status_code == 200
    assert "te weinig contrast" in response.content.decode()
    municipality.refresh_from_db()
    assert municipality.primary_colour == "#01689b" and municipality.contact_phone == ""


def test_manager_of_another_municipality_gets_403_and_changes_nothing(municipality):  # type: ignore[no-untyped-def]
    outsider = client_for(MunicipalityFactory())
    assert outsider.get(url(municipality)).status_code == 403
    assert outsider.post(url(municipality), FORM).status_code == 403
    municipality.refresh_from_db()
    assert municipality.contact_phone == ""


def test_resident_gets_403_and_anonymous_is_sent_to_log_in(municipality):  # type: ignore[no-untyped-def]
    assert client_for(municipality, Role.RESIDENT).get(url(municipality)).status_code == 403
    response = Client().get(url(municipality))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
