"""The resident pages answer in a fixed number of queries, however many lines, people or initiatives."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from buurtbudget.initiatives import services
from tests.factories.initiatives import draft_initiative, submitted_initiative

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident_client():
    initiative = draft_initiative(
        lines=[{"description": f"Regel {n}", "amount_cents": 10_000, "kind": "materials"} for n in range(5)]
    )
    for n in range(3):
        services.invite_co_initiator(
            actor=initiative.initiator, initiative=initiative, email=f"buur{n}@example.org"
        )
    for _n in range(2):
        submitted_initiative(initiator=initiative.initiator, scheme=initiative.scheme)
    client = Client()
    client.force_login(initiative.initiator)
    client.get(reverse("initiatives:mine"))  # warm the session
    return client, initiative


@pytest.mark.parametrize(
    ("name", "queries"),
    [("mine", 4), ("detail", 9), ("plan", 7), ("budget", 7), ("check", 11)],
)
def test_resident_pages_pinned_queries(resident_client, django_assert_num_queries, name, queries):
    client, initiative = resident_client
    kwargs = {} if name == "mine" else {"pk": initiative.pk}
    with django_assert_num_queries(queries):
        response = client.get(reverse(f"initiatives:{name}", kwargs=kwargs))
    assert response.status_code == 200


def test_public_scheme_page_pinned_queries(django_assert_num_queries):
    initiative = draft_initiative()
    url = reverse(
        "initiatives:scheme",
        kwargs={"gemeente": initiative.municipality.slug, "scheme": initiative.scheme.slug},
    )
    with django_assert_num_queries(4):
        assert Client().get(url).status_code == 200
