"""Every rule of the automatic check, passing and failing, with a plain reason (pure functions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation

from buurtbudget.initiatives import rule_check as rc
from buurtbudget.schemes.models import default_rules

TODAY = dt.date(2026, 6, 1)


def ok_input(**changes: object) -> rc.CheckInput:
    base = rc.CheckInput(
        rules=default_rules(),
        today=TODAY,
        scheme_open=True,
        title="Buurtfeest",
        what_and_why="Samen eten.",
        for_whom="Iedereen",
        location="Plein",
        starts_on=TODAY + dt.timedelta(days=40),
        ends_on=TODAY + dt.timedelta(days=41),
        lines=(rc.LineInput("Eten", 100_000, "materials"),),
        home_area_ids=frozenset({1, 2}),
        has_home_address=True,
        place_area_ids=frozenset({1, 3}),
        has_place=True,
        scheme_area_id=1,
        birth_year=1980,
        excluded_purposes_declared=True,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def result(data: rc.CheckInput, rule: str) -> rc.RuleResult:
    return next(r for r in rc.run(data).results if r.rule == rule)


def test_a_good_plan_passes_every_rule():
    report = rc.run(ok_input())
    assert report.passed
    assert [r.rule for r in report.results] == [
        "scheme_open",
        "complete",
        "amount",
        "residency",
        "age",
        "not_staff",
        "place",
        "fees",
        "support_party",
        "excluded_purposes",
        "execution_term",
        "co_initiators",
        "consultation",
        "report",
    ]
    assert all(r.reason for r in report.results)


def test_scheme_closed_fails():
    assert not result(ok_input(scheme_open=False), "scheme_open").passed


def test_incomplete_plan_names_what_is_missing():
    r = result(ok_input(for_whom="", location=""), "complete")
    assert not r.passed and "for whom" in r.reason and "where" in r.reason


@pytest.mark.parametrize(
    ("cents", "passed", "words"),
    [
        (24_999, False, "minimum"),
        (25_000, True, "between"),
        (1_000_000, True, "between"),
        (1_000_001, False, "maximum"),
    ],
)
def test_amount_range(cents, passed, words):
    r = result(ok_input(lines=(rc.LineInput("x", cents, "materials"),)), "amount")
    assert r.passed is passed and words in r.reason


def test_residency():
    assert result(ok_input(), "residency").passed
    outside = result(ok_input(home_area_ids=frozenset({7})), "residency")
    assert not outside.passed and "not in the area" in outside.reason
    unknown = result(ok_input(has_home_address=False, home_area_ids=frozenset()), "residency")
    assert not unknown.passed and "postcode" in unknown.reason
    rules = {**default_rules(), "residents_only": False}
    assert result(ok_input(rules=rules, home_area_ids=frozenset({7})), "residency").passed


def test_scheme_for_the_whole_municipality_accepts_any_area_of_it():
    assert result(ok_input(scheme_area_id=None, home_area_ids=frozenset({9})), "residency").passed


def test_age_minimum_and_parental_consent():
    assert not result(ok_input(birth_year=TODAY.year - 11), "age").passed
    young = result(ok_input(birth_year=TODAY.year - 15), "age")
    assert not young.passed and "parent" in young.reason
    assert result(ok_input(birth_year=TODAY.year - 15, parental_consent=True), "age").passed
    assert result(ok_input(birth_year=TODAY.year - 12, parental_consent=True), "age").passed
    assert not result(ok_input(birth_year=None), "age").passed
    assert result(ok_input(birth_year=TODAY.year - 30), "age").passed


def test_place_must_be_in_the_area():
    assert not result(ok_input(place_area_ids=frozenset({5})), "place").passed
    assert not result(ok_input(has_place=False, place_area_ids=frozenset()), "place").passed


def fee(recipient: str, hours: str, rate: int, amount: int | None = None) -> rc.LineInput:
    return rc.LineInput("Uren", amount or int(Decimal(hours) * rate), "fees", recipient, Decimal(hours), rate)


def test_fee_caps():
    base = rc.LineInput("Eten", 100_000, "materials")
    assert result(ok_input(), "fees").passed
    assert result(ok_input(lines=(base, fee("resident", "10", 560))), "fees").passed
    over = result(ok_input(lines=(base, fee("resident", "10", 561))), "fees")
    assert not over.passed and "volunteer allowance" in over.reason
    assert result(ok_input(lines=(base, fee("professional", "4", 5_000))), "fees").passed
    pro = result(ok_input(lines=(base, fee("professional", "4", 5_001))), "fees")
    assert not pro.passed and "VAT" in pro.reason
    more = result(ok_input(lines=(base, fee("professional", "4", 5_000, amount=20_001))), "fees")
    assert not more.passed and "hours times rate" in more.reason
    missing = result(ok_input(lines=(base, rc.LineInput("Uren", 5_000, "fees"))), "fees")
    assert not missing.passed


def test_support_party_cap_is_8_percent_of_the_total():
    at_cap = (rc.LineInput("Eten", 92_000, "materials"), rc.LineInput("Hulp", 8_000, "support_party"))
    assert result(ok_input(lines=at_cap), "support_party").passed
    over = (rc.LineInput("Eten", 91_999, "materials"), rc.LineInput("Hulp", 8_001, "support_party"))
    r = result(ok_input(lines=over), "support_party")
    assert not r.passed and "8%" in r.reason


def test_excluded_purposes_must_be_declared():
    assert not result(ok_input(excluded_purposes_declared=False), "excluded_purposes").passed


def test_execution_term():
    latest = TODAY + dt.timedelta(days=28 + 365)
    assert result(ok_input(ends_on=latest), "execution_term").passed
    late = result(ok_input(ends_on=latest + dt.timedelta(days=1)), "execution_term")
    assert not late.passed and "365" in late.reason
    assert not result(ok_input(starts_on=TODAY - dt.timedelta(days=1)), "execution_term").passed
    assert not result(ok_input(ends_on=TODAY + dt.timedelta(days=39)), "execution_term").passed
    assert not result(ok_input(starts_on=None), "execution_term").passed


def test_co_initiators_needed():
    rules = {**default_rules(), "co_initiators_needed": 2}
    assert not result(ok_input(rules=rules, confirmed_co_initiators=1), "co_initiators").passed
    assert result(ok_input(rules=rules, confirmed_co_initiators=2), "co_initiators").passed


def test_information_rules_never_block():
    big = (rc.LineInput("Groot", 1_000_000, "materials"),)
    rules = {**default_rules(), "voucher_max_cents": 2_000_000}
    report = rc.run(ok_input(lines=(rc.LineInput("x", 1_000_001, "materials"),), rules=rules))
    consultation = next(r for r in report.results if r.rule == "consultation")
    assert not consultation.blocking and "advice first" in consultation.reason
    assert report.passed
    assert "detailed report" in result(ok_input(lines=big), "report").reason


def test_reasons_are_plain_dutch_by_default():
    with translation.override("nl"):
        r = result(ok_input(lines=(rc.LineInput("x", 100, "materials"),)), "amount")
    assert "minimum" in r.reason.lower() and "U vraagt" in r.reason


def test_staff_of_the_municipalitys_schemes_may_not_submit():
    r = result(ok_input(initiator_is_scheme_staff=True), "not_staff")
    assert not r.passed and "may not submit" in r.reason
    assert result(ok_input(), "not_staff").passed
