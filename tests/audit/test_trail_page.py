"""The audit trail page of a municipality: only its own events, only for those allowed to see them."""

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from buurtbudget.accounts.models import Role
from buurtbudget.audit.services import record
from buurtbudget.tenancy.models import Municipality
from tests.factories import MunicipalityFactory, RoleAssignmentFactory
from tests.factories.core import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_staff_2fa(settings: Any) -> None:
    # Two-factor enforcement for staff has its own tests in tests/accounts; here it would only redirect.
    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = False


def _url(municipality: Municipality) -> str:
    return f"/{municipality.slug}/beheer/audit/"


def _events(municipality: Municipality, count: int, label: str) -> None:
    with transaction.atomic():
        for n in range(count):
            record(actor=None, action=f"test.{label}_{n}", municipality=municipality)


def _client_for(role: str, municipality: Municipality) -> Client:
    assignment = RoleAssignmentFactory(role=role, municipality=municipality)
    client = Client()
    assert client.login(email=assignment.user.email, password=DEFAULT_PASSWORD)
    return client


def test_a_budget_manager_sees_the_events_of_their_own_municipality_only() -> None:
    a, b = MunicipalityFactory(), MunicipalityFactory()
    _events(a, 2, "in_a")
    _events(b, 2, "in_b")

    response = _client_for(Role.BUDGET_MANAGER, a).get(_url(a))

    assert response.status_code == 200
    html = response.content.decode()
    assert "test.in_a_0" in html and "test.in_a_1" in html
    assert "test.in_b_" not in html


def test_an_auditor_may_read_the_trail() -> None:
    a = MunicipalityFactory()
    _events(a, 1, "seen")
    response = _client_for(Role.AUDITOR, a).get(_url(a))
    assert response.status_code == 200
    assert "test.seen_0" in response.content.decode()


def test_a_budget_manager_of_another_municipality_gets_403() -> None:
    a, b = MunicipalityFactory(), MunicipalityFactory()
    _events(b, 1, "secret")
    response = _client_for(Role.BUDGET_MANAGER, a).get(_url(b))
    assert response.status_code == 403
    assert "test.secret" not in response.content.decode()


def test_a_resident_gets_403() -> None:
    a = MunicipalityFactory()
    response = _client_for(Role.RESIDENT, a).get(_url(a))
    assert response.status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in() -> None:
    a = MunicipalityFactory()
    response = Client().get(_url(a))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert _url(a) in response["Location"]


def test_an_unknown_municipality_is_404() -> None:
    a = MunicipalityFactory()
    response = _client_for(Role.BUDGET_MANAGER, a).get("/bestaat-niet/beheer/audit/")
    assert response.status_code == 404


@pytest.mark.parametrize("count", [3, 60])
def test_the_page_takes_a_fixed_number_of_queries(count: int, django_assert_num_queries: Any) -> None:
    a = MunicipalityFactory()
    _events(a, count, "many")
    client = _client_for(Role.BUDGET_MANAGER, a)
    # session, user, preferred language, municipality, roles, count, one page of events with actors
    with django_assert_num_queries(7):
        response = client.get(_url(a))
    assert response.status_code == 200
