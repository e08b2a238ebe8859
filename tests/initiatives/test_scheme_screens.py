"""The budget manager creates and edits a voucher scheme with its rules; other municipalities cannot."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from buurtbudget.accounts.models import Role
from buurtbudget.schemes.models import DEFAULT_RULES, Intake, Scheme
from buurtbudget.schemes.selectors import current_rule_version
from tests.factories import MunicipalityFactory, RoleAssignmentFactory
from tests.factories.initiatives import voucher_area, voucher_scheme

pytestmark = pytest.mark.django_db


def manager_client(municipality, role=Role.BUDGET_MANAGER) -> Client:
    user = RoleAssignmentFactory(role=role, municipality=municipality).user
    client = Client()
    client.force_login(user)
    return client


def rules_post(**overrides):
    data = {}
    for name, value in DEFAULT_RULES.items():
        key = f"rules-{name}"
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list):
            data[key] = list(value)
        elif name.endswith("_cents") or "_cents_" in name:
            data[key] = str(value / 100).replace(".", ",")
        else:
            data[key] = str(value)
    data.update({f"rules-{k}": v for k, v in overrides.items()})
    return data


def test_budget_manager_creates_a_voucher_scheme_in_rounds_with_rules():
    area = voucher_area()
    client = manager_client(area.municipality)
    url = reverse("core:scheme_create", kwargs={"gemeente": area.municipality.slug})
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    for name in DEFAULT_RULES:
        assert f'name="rules-{name}"' in body, name
    data = {
        "scheme-name": "Bewonersbudget Noord",
        "scheme-slug": "noord",
        "scheme-area": str(area.pk),
        "scheme-starts_on": "2026-01-01",
        "scheme-ends_on": "2026-12-31",
        "scheme-intake": "rounds",
        **rules_post(voucher_max_cents="5.000", support_party_cap_percent="5"),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    scheme = Scheme.objects.get(slug="noord")
    assert scheme.intake == Intake.ROUNDS and scheme.area == area
    version = current_rule_version(scheme)
    assert version.number == 1
    assert version.rules["voucher_max_cents"] == 500_000
    assert version.rules["support_party_cap_percent"] == 5
    assert version.rules["min_age"] == 12

    round_url = reverse(
        "core:scheme_round_add", kwargs={"gemeente": area.municipality.slug, "scheme": "noord"}
    )
    assert (
        client.post(
            round_url,
            {"round-name": "Voorjaar", "round-opens_on": "2026-03-01", "round-closes_on": "2026-04-30"},
        ).status_code
        == 302
    )
    assert scheme.rounds.get().name == "Voorjaar"
    bad = client.post(
        round_url, {"round-name": "Fout", "round-opens_on": "2026-05-01", "round-closes_on": "2026-04-30"}
    )
    assert bad.status_code == 200 and scheme.rounds.count() == 1


def test_editing_the_rules_makes_a_new_version_shown_on_the_page():
    scheme = voucher_scheme()
    client = manager_client(scheme.municipality)
    url = reverse("core:scheme_edit", kwargs={"gemeente": scheme.municipality.slug, "scheme": scheme.slug})
    data = {
        "scheme-name": scheme.name,
        "scheme-area": str(scheme.area_id),
        "scheme-starts_on": scheme.starts_on.isoformat(),
        "scheme-ends_on": scheme.ends_on.isoformat(),
        "scheme-intake": "rolling",
        **rules_post(voucher_min_cents="500"),
    }
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert current_rule_version(scheme).number == 2
    assert current_rule_version(scheme).rules["voucher_min_cents"] == 50_000
    # Saving again without a change keeps version 2.
    client.post(url, data)
    assert current_rule_version(scheme).number == 2


def test_invalid_rules_show_a_message_and_change_nothing():
    scheme = voucher_scheme()
    client = manager_client(scheme.municipality)
    url = reverse("core:scheme_edit", kwargs={"gemeente": scheme.municipality.slug, "scheme": scheme.slug})
    data = {
        "scheme-name": scheme.name,
        "scheme-area": str(scheme.area_id),
        "scheme-starts_on": scheme.starts_on.isoformat(),
        "scheme-ends_on": scheme.ends_on.isoformat(),
        "scheme-intake": "rolling",
        **rules_post(voucher_min_cents="20.000", overhead_cap_percent="abc"),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "utrecht-form-field--invalid" in response.content.decode()
    assert current_rule_version(scheme).number == 1


def test_staff_of_another_municipality_and_residents_cannot_manage_schemes():
    scheme = voucher_scheme()
    outsider = manager_client(MunicipalityFactory())
    gemeente = scheme.municipality.slug
    for url in (
        reverse("core:scheme_list", kwargs={"gemeente": gemeente}),
        reverse("core:scheme_create", kwargs={"gemeente": gemeente}),
        reverse("core:scheme_edit", kwargs={"gemeente": gemeente, "scheme": scheme.slug}),
    ):
        assert outsider.get(url).status_code == 403
        assert outsider.post(url, {"scheme-name": "Overgenomen"}).status_code == 403
    steering = manager_client(scheme.municipality, role=Role.STEERING_CHAIR)
    assert steering.get(reverse("core:scheme_list", kwargs={"gemeente": gemeente})).status_code == 403
    scheme.refresh_from_db()
    assert scheme.name != "Overgenomen"
    assert current_rule_version(scheme).number == 1
