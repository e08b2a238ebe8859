"""Confirming a round's result: each funded plan becomes an initiative in execution with a voucher for its
cost, booked from the round's "begroot" scheme; confirming again changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from buurtbudget.accountability.selectors import voucher_of
from buurtbudget.audit.models import AuditEvent
from buurtbudget.initiatives.lifecycle import INITIATIVE_MACHINE
from buurtbudget.initiatives.models import Initiative, InitiativeStatus
from buurtbudget.rounds.models import Phase, PlanStatus
from buurtbudget.schemes.models import ProcessModel
from buurtbudget.schemes.services import scheme_account, source_account
from buurtbudget.statemachine.services import TransitionNotAllowed, apply_transition
from buurtbudget.voting import services
from buurtbudget.vouchers.models import Voucher
from tests.factories.rounds import PlanFactory, RoundFactory, resident, stemcode

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(noord):  # type: ignore[no-untyped-def]
    """€ 100.000; Park (€ 60.000, cost adjusted to € 55.000) and Bankjes (€ 30.000) funded, Plein not."""
    r = RoundFactory(
        municipality=noord.municipality, area=noord.district, phase=Phase.VOTING, slug="noord-2026"
    )
    people = {name: resident(house_number=n) for n, name in enumerate(["anna", "bram", "cas"], 1)}
    park = PlanFactory(
        round=r,
        title="Park",
        requested_cents=6_000_000,
        cost_cents=5_500_000,
        cost_note="Zonder fontein",
        status="on_ballot",
        legal_entity="Stichting",
        submitted_by=people["anna"],
    )
    bankjes = PlanFactory(
        round=r, title="Bankjes", requested_cents=3_000_000, status="on_ballot", submitted_by=people["bram"]
    )
    plein = PlanFactory(
        round=r, title="Plein", requested_cents=5_000_000, status="on_ballot", submitted_by=people["cas"]
    )
    for choice in ([park], [park, bankjes], [park], [plein, bankjes]):
        services.cast_vote(round=r, code=stemcode(r, noord.oost), choices={"plans": [p.pk for p in choice]})
    services.close_voting(actor=noord.officer, round=r)
    r.refresh_from_db()
    return r, {"park": park, "bankjes": bankjes, "plein": plein}, people


def _state() -> tuple[int, int, int, int]:
    return (
        Initiative.objects.count(),
        Voucher.objects.count(),
        AuditEvent.objects.filter(action="rounds.plan.initiative").count(),
        AuditEvent.objects.count(),
    )


def test_confirming_starts_one_initiative_and_voucher_per_funded_plan(noord, counted) -> None:  # type: ignore[no-untyped-def]
    r, p, people = counted
    assert r.scheme is None and Initiative.objects.count() == 0 and Voucher.objects.count() == 0
    source_before = source_account(municipality=noord.municipality).balance_cents

    services.confirm_result(actor=noord.officer, round=r)

    r.refresh_from_db()
    assert r.phase == Phase.EXECUTION and r.scheme is not None
    assert r.scheme.process_model == ProcessModel.BEGROOT
    for key, person, cents in (("park", "anna", 5_500_000), ("bankjes", "bram", 3_000_000)):
        plan = p[key]
        plan.refresh_from_db()
        assert plan.status == PlanStatus.FUNDED
        initiative = plan.initiative
        assert initiative is not None and initiative.status == InitiativeStatus.IN_EXECUTION
        assert initiative.scheme == r.scheme and initiative.initiator == people[person]
        assert initiative.title == plan.title and initiative.what_and_why == plan.summary
        assert initiative.awarded_cents == cents and initiative.rule_version is not None
        assert sum(initiative.budget_lines.values_list("amount_cents", flat=True)) == cents
        voucher = plan.voucher
        assert voucher is not None and voucher_of(initiative) == voucher
        assert (
            voucher.holder == people[person] and voucher.amount_cents == cents and voucher.scheme == r.scheme
        )
        assert people[person].has_perm("initiatives.manage_own", initiative)
    p["plein"].refresh_from_db()
    assert p["plein"].status == PlanStatus.NOT_FUNDED
    assert p["plein"].initiative is None and p["plein"].voucher is None
    assert not Initiative.objects.filter(initiator=people["cas"]).exists()
    assert Initiative.objects.count() == 2 and Voucher.objects.count() == 2

    # The scheme got the round's budget from the source budget; the vouchers took the funded costs.
    assert source_account(municipality=noord.municipality).balance_cents == source_before - 10_000_000
    assert scheme_account(scheme=r.scheme).balance_cents == 10_000_000 - 5_500_000 - 3_000_000
    assert AuditEvent.objects.filter(action="rounds.plan.initiative").count() == 2
    assert AuditEvent.objects.filter(action="initiatives.initiative.fund_by_vote").count() == 2


def test_confirming_again_changes_nothing(noord, counted) -> None:  # type: ignore[no-untyped-def]
    r, _p, _people = counted
    services.confirm_result(actor=noord.officer, round=r)
    r.refresh_from_db()
    before = _state()
    scheme_balance = scheme_account(scheme=r.scheme).balance_cents
    source_balance = source_account(municipality=noord.municipality).balance_cents
    with pytest.raises(TransitionNotAllowed):
        services.confirm_result(actor=noord.officer, round=r)
    assert _state() == before
    assert scheme_account(scheme=r.scheme).balance_cents == scheme_balance
    assert source_account(municipality=noord.municipality).balance_cents == source_balance


def test_a_confirmation_that_stopped_halfway_is_finished_by_confirming_again(
    noord, counted, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    r, p, _people = counted
    real = services._start_initiative
    calls = {"n": 0}

    def fail_second(**kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("connection lost")
        return real(**kwargs)

    monkeypatch.setattr(services, "_start_initiative", fail_second)
    with pytest.raises(RuntimeError):
        services.confirm_result(actor=noord.officer, round=r)
    assert Initiative.objects.count() == 1
    monkeypatch.setattr(services, "_start_initiative", real)
    with pytest.raises(TransitionNotAllowed):
        services.confirm_result(actor=resident(house_number=9), round=r)
    services.confirm_result(actor=noord.officer, round=r)
    r.refresh_from_db()
    assert Initiative.objects.count() == 2 and Voucher.objects.count() == 2
    assert scheme_account(scheme=r.scheme).balance_cents == 1_500_000
    with pytest.raises(TransitionNotAllowed):
        services.confirm_result(actor=noord.officer, round=r)
    assert Initiative.objects.count() == 2


def test_no_initiatives_and_no_public_result_before_confirmation(noord, counted) -> None:  # type: ignore[no-untyped-def]
    r, _p, people = counted
    with pytest.raises(TransitionNotAllowed):
        services.confirm_result(actor=people["anna"], round=r)
    r.refresh_from_db()
    assert r.phase == Phase.RESULT and r.result_confirmed_at is None and r.scheme is None
    assert Initiative.objects.count() == 0 and Voucher.objects.count() == 0
    url = reverse("core:voting_result", kwargs={"gemeente": "amsterdam", "slug": r.slug})
    page = Client().get(url).content.decode()
    assert "Park" not in page and "bevestigd" in page


def test_the_result_page_links_the_initiator_to_their_initiative(noord, counted) -> None:  # type: ignore[no-untyped-def]
    r, p, people = counted
    services.confirm_result(actor=noord.officer, round=r)
    p["park"].refresh_from_db()
    p["bankjes"].refresh_from_db()
    url = reverse("core:voting_result", kwargs={"gemeente": "amsterdam", "slug": r.slug})
    link = reverse("initiatives:detail", kwargs={"pk": p["park"].initiative_id})
    assert link not in Client().get(url).content.decode()
    client = Client()
    client.force_login(people["anna"])
    page = client.get(url).content.decode()
    assert link in page
    assert reverse("initiatives:detail", kwargs={"pk": p["bankjes"].initiative_id}) not in page


def test_fund_by_vote_only_for_an_initiative_of_a_funded_plan(noord, counted) -> None:  # type: ignore[no-untyped-def]
    r, _p, people = counted
    services.confirm_result(actor=noord.officer, round=r)
    r.refresh_from_db()
    stray = Initiative.objects.create(
        municipality=noord.municipality,
        scheme=r.scheme,
        area=noord.oost,
        initiator=people["cas"],
        title="Eigen",
    )
    with pytest.raises(TransitionNotAllowed):
        apply_transition(machine=INITIATIVE_MACHINE, instance=stray, name="fund_by_vote", actor=noord.officer)
    with pytest.raises(TransitionNotAllowed):
        apply_transition(machine=INITIATIVE_MACHINE, instance=stray, name="fund_by_vote", actor=people["cas"])
    stray.refresh_from_db()
    assert stray.status == InitiativeStatus.DRAFT
