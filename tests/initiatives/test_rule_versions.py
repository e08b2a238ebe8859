"""Rules are versioned: an initiative is judged by the version in force when it was submitted."""

from __future__ import annotations

import datetime as dt

import pytest

from buurtbudget.audit.models import AuditEvent
from buurtbudget.initiatives import rule_check, selectors
from buurtbudget.schemes import services as schemes
from buurtbudget.schemes.models import DEFAULT_RULES
from buurtbudget.schemes.selectors import current_rule_version
from tests.factories import SchemeFactory
from tests.factories.initiatives import draft_initiative, submitted_initiative, voucher_scheme

pytestmark = pytest.mark.django_db

SPEC_RULES = {
    "min_age": 12,
    "parental_consent_below_age": 18,
    "co_initiators_needed": 0,
    "voucher_min_cents": 25_000,
    "voucher_max_cents": 1_000_000,
    "consultation_threshold_cents": 1_000_000,
    "overhead_cap_percent": 10,
    "support_party_cap_percent": 8,
    "professional_rate_max_cents_per_hour": 5_000,
    "decision_term_days": 28,
    "decision_term_extension_days": 28,
    "execution_term_days": 365,
    "accounting_term_days": 28,
    "detailed_report_from_cents": 500_000,
    "cash_withdrawal_cap_cents": 25_000,
}


def test_a_new_voucher_scheme_has_version_1_with_every_rule_and_its_default():
    scheme = voucher_scheme()
    version = current_rule_version(scheme)
    assert version is not None and version.number == 1
    assert set(version.rules) == set(DEFAULT_RULES)
    for name, value in SPEC_RULES.items():
        assert version.rules[name] == value, name
    assert set(version.rules["excluded_purposes"]) == {
        "commercial_gain",
        "political_or_religious",
        "recurring_costs",
        "funded_elsewhere",
        "private_greening",
    }


def test_every_rules_change_makes_a_new_version_and_a_non_change_does_not():
    scheme = voucher_scheme()
    schemes.update_scheme(
        actor=None, scheme=scheme, changes={}, rules={**scheme.rules, "voucher_max_cents": 500_000}
    )
    assert current_rule_version(scheme).number == 2
    schemes.update_scheme(
        actor=None,
        scheme=scheme,
        changes={"name": "Nieuwe naam"},
        rules=dict(scheme.rules) | {"voucher_max_cents": 500_000},
    )
    assert current_rule_version(scheme).number == 2
    event = AuditEvent.objects.filter(action="schemes.update").order_by("pk").first()
    assert event.details == {"rule_version": 2}


def test_submitted_under_v1_is_judged_by_v1_after_the_rules_change():
    scheme = voucher_scheme()
    initiative = submitted_initiative(scheme=scheme)  # asks € 1.500
    schemes.update_scheme(
        actor=None, scheme=scheme, changes={}, rules={**scheme.rules, "voucher_max_cents": 100_000}
    )
    assert current_rule_version(scheme).number == 2
    initiative.refresh_from_db()
    rules, number = selectors.rules_for(initiative=initiative)
    assert number == 1
    report = rule_check.run(selectors.check_input(initiative=initiative))
    amount = next(r for r in report.results if r.rule == "amount")
    assert amount.passed
    # A new draft under the same scheme is judged by v2 and fails the amount rule.
    fresh = draft_initiative(scheme=scheme)
    _rules, fresh_number = selectors.rules_for(initiative=fresh)
    assert fresh_number == 2
    fresh_amount = next(
        r for r in rule_check.run(selectors.check_input(initiative=fresh)).results if r.rule == "amount"
    )
    assert not fresh_amount.passed


def test_scheme_without_versions_gets_version_1_at_the_first_submission():
    from tests.factories.initiatives import voucher_area

    area = voucher_area()
    scheme = SchemeFactory(
        municipality=area.municipality, area=area, starts_on=dt.date(2020, 1, 1), ends_on=None
    )
    assert current_rule_version(scheme) is None
    initiative = submitted_initiative(scheme=scheme)
    assert initiative.rule_version.number == 1


def test_invalid_rules_are_refused_and_change_nothing():
    scheme = voucher_scheme()
    with pytest.raises(schemes.InvalidRules) as error:
        schemes.update_scheme(
            actor=None, scheme=scheme, changes={}, rules={**scheme.rules, "voucher_min_cents": 2_000_000}
        )
    assert "voucher_max_cents" in error.value.errors
    with pytest.raises(schemes.InvalidRules):
        schemes.update_scheme(actor=None, scheme=scheme, changes={}, rules={"not a rule name": 1})
    assert current_rule_version(scheme).number == 1


def test_rules_of_other_process_models_are_kept_and_versioned():
    scheme = voucher_scheme()
    schemes.update_scheme(
        actor=None, scheme=scheme, changes={}, rules={**scheme.rules, "ballot_type": "approval"}
    )
    version = current_rule_version(scheme)
    assert version.number == 2 and version.rules["ballot_type"] == "approval"
    assert version.rules["voucher_min_cents"] == 25_000
