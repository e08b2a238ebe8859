"""The initiative lifecycle: who may move it where, with reasons, terms and an audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from buurtbudget.accounts.models import Role
from buurtbudget.audit.models import AuditEvent
from buurtbudget.initiatives import services
from buurtbudget.initiatives.lifecycle import INITIATIVE_MACHINE
from buurtbudget.initiatives.models import InitiativeStatus as S
from buurtbudget.statemachine.services import TransitionNotAllowed
from tests.factories import RoleAssignmentFactory
from tests.factories.initiatives import draft_initiative, resident, submitted_initiative, voucher_scheme

pytestmark = pytest.mark.django_db


def chair(initiative, **kwargs):
    return RoleAssignmentFactory(
        role=Role.STEERING_CHAIR, municipality=initiative.municipality, **kwargs
    ).user


def test_every_state_is_reachable_and_the_machine_matches_the_spec():
    targets = {t.target for t in INITIATIVE_MACHINE.transitions}
    assert targets == set(S.values) - {S.DRAFT}
    assert INITIATIVE_MACHINE.get("award").reason_required
    assert INITIATIVE_MACHINE.get("reject").reason_required
    assert INITIATIVE_MACHINE.get("request_changes").reason_required
    assert INITIATIVE_MACHINE.get("award").permission == "regiegroep.decide"
    assert INITIATIVE_MACHINE.get("settle").permission == "schemes.manage"
    assert INITIATIVE_MACHINE.get("submit").permission == "initiatives.manage_own"


def test_submit_stores_rule_version_amount_and_decision_term():
    initiative = submitted_initiative()
    assert initiative.status == S.SUBMITTED
    assert initiative.requested_cents == 150_000
    assert initiative.rule_version.number == 1
    assert initiative.submitted_at is not None
    assert initiative.decision_due_on == timezone.localdate() + dt.timedelta(days=28)
    event = AuditEvent.objects.get(action="initiatives.initiative.submit")
    assert event.details["rule_version"] == 1
    assert event.after == {"status": "submitted"}


def test_award_needs_a_reason_and_the_decide_permission():
    initiative = submitted_initiative()
    with pytest.raises(TransitionNotAllowed):
        services.decide(
            actor=initiative.initiator, initiative=initiative, decision="award", reason="Mooi plan"
        )
    boss = chair(initiative)
    with pytest.raises(TransitionNotAllowed):
        services.decide(actor=boss, initiative=initiative, decision="award", reason="  ")
    initiative.refresh_from_db()
    assert initiative.status == S.SUBMITTED

    awarded = services.decide(
        actor=boss, initiative=initiative, decision="award", reason="Goed voor de buurt"
    )
    assert awarded.status == S.AWARDED
    assert awarded.awarded_cents == 150_000
    assert awarded.execution_ends_on == timezone.localdate() + dt.timedelta(days=365)
    assert awarded.accounting_due_on == awarded.execution_ends_on + dt.timedelta(days=28)
    event = AuditEvent.objects.get(action="initiatives.initiative.award")
    assert event.details["reason"] == "Goed voor de buurt"
    assert event.details["rule_version"] == 1


def test_award_of_a_lower_amount_but_never_more_than_requested():
    initiative = submitted_initiative()
    boss = chair(initiative)
    with pytest.raises(ValidationError, match="hoogstens het gevraagde bedrag"):
        services.decide(
            actor=boss, initiative=initiative, decision="award", reason="ok", awarded_cents=150_001
        )
    lower = services.decide(
        actor=boss, initiative=initiative, decision="award", reason="ok", awarded_cents=100_000
    )
    assert lower.awarded_cents == 100_000


def test_forbidden_transitions_are_refused_and_change_nothing():
    draft = draft_initiative()
    boss = chair(draft)
    # A draft cannot be awarded, settled or closed.
    with pytest.raises(TransitionNotAllowed):
        services.decide(actor=boss, initiative=draft, decision="award", reason="ok")
    for name in ("settle", "close", "start_execution", "account"):
        with pytest.raises(TransitionNotAllowed):
            services.move(actor=boss, initiative=draft, name=name)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    # A rejected initiative stays rejected.
    submitted = submitted_initiative()
    services.decide(actor=chair(submitted), initiative=submitted, decision="reject", reason="Past niet")
    with pytest.raises(TransitionNotAllowed):
        services.submit(actor=submitted.initiator, initiative=submitted)
    with pytest.raises(TransitionNotAllowed):
        services.withdraw(actor=submitted.initiator, initiative=submitted)
    submitted.refresh_from_db()
    assert submitted.status == S.REJECTED


def test_changes_requested_then_resubmitted():
    initiative = submitted_initiative()
    boss = chair(initiative)
    services.decide(actor=boss, initiative=initiative, decision="request_changes", reason="Meer uitleg graag")
    initiative.refresh_from_db()
    assert initiative.is_editable
    services.update_draft(
        actor=initiative.initiator, initiative=initiative, changes={"what_and_why": "Nu met meer uitleg."}
    )
    again = services.submit(actor=initiative.initiator, initiative=initiative)
    assert again.status == S.SUBMITTED


def test_full_path_to_closed():
    initiative = submitted_initiative()
    boss = chair(initiative)
    services.move(actor=boss, initiative=initiative, name="start_consultation")
    services.decide(actor=boss, initiative=initiative, decision="award", reason="Advies was positief")
    services.move(actor=boss, initiative=initiative, name="start_execution")
    owner = initiative.initiator
    # Only the system may end the execution term, and only after it ended.
    with pytest.raises(TransitionNotAllowed):
        services.move(actor=None, initiative=initiative, name="execution_term_ended")
    services.move(actor=owner, initiative=initiative, name="finish_execution")
    services.move(actor=owner, initiative=initiative, name="account")
    manager = RoleAssignmentFactory(role=Role.BUDGET_MANAGER, municipality=initiative.municipality).user
    with pytest.raises(TransitionNotAllowed):
        services.move(actor=owner, initiative=initiative, name="settle")
    services.move(
        actor=manager, initiative=initiative, name="return_accounting", reason="Bonnetjes ontbreken"
    )
    services.move(actor=owner, initiative=initiative, name="account")
    services.move(actor=manager, initiative=initiative, name="settle")
    services.move(actor=manager, initiative=initiative, name="close")
    initiative.refresh_from_db()
    assert initiative.status == S.CLOSED
    actions = list(
        AuditEvent.objects.filter(
            object_type="initiatives.initiative", action__startswith="initiatives.initiative."
        )
        .exclude(action__contains="draft")
        .exclude(action__contains="budget")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert [a.rsplit(".", 1)[1] for a in actions] == [
        "submit",
        "start_consultation",
        "award",
        "start_execution",
        "finish_execution",
        "account",
        "return_accounting",
        "account",
        "settle",
        "close",
    ]


def test_only_the_initiator_acts_on_their_own_initiative():
    initiative = submitted_initiative()
    stranger = resident()
    with pytest.raises(TransitionNotAllowed):
        services.withdraw(actor=stranger, initiative=initiative)
    draft = draft_initiative()
    with pytest.raises(PermissionDenied):
        services.update_draft(actor=stranger, initiative=draft, changes={"title": "Van mij"})
    with pytest.raises(PermissionDenied):
        services.submit(actor=stranger, initiative=draft)


def test_steering_group_of_another_municipality_cannot_decide():
    initiative = submitted_initiative()
    elsewhere = voucher_scheme()
    outsider = RoleAssignmentFactory(role=Role.STEERING_CHAIR, municipality=elsewhere.municipality).user
    with pytest.raises(TransitionNotAllowed):
        services.decide(actor=outsider, initiative=initiative, decision="award", reason="ok")
    manager = RoleAssignmentFactory(role=Role.BUDGET_MANAGER, municipality=elsewhere.municipality).user
    with pytest.raises(TransitionNotAllowed):
        services.move(actor=manager, initiative=initiative, name="settle")
    initiative.refresh_from_db()
    assert initiative.status == S.SUBMITTED


def test_steering_group_of_another_area_cannot_decide():
    initiative = submitted_initiative()
    from tests.factories import AreaFactory

    other_area = AreaFactory(municipality=initiative.municipality)
    member = RoleAssignmentFactory(
        role=Role.STEERING_MEMBER, municipality=initiative.municipality, area=other_area
    ).user
    with pytest.raises(TransitionNotAllowed):
        services.decide(actor=member, initiative=initiative, decision="reject", reason="nee")
    own = RoleAssignmentFactory(
        role=Role.STEERING_MEMBER, municipality=initiative.municipality, area=initiative.scheme.area
    ).user
    assert (
        services.decide(actor=own, initiative=initiative, decision="reject", reason="nee").status
        == S.REJECTED
    )


def test_decision_term_can_be_extended_once():
    initiative = submitted_initiative()
    boss = chair(initiative)
    due = initiative.decision_due_on
    extended = services.extend_decision_term(actor=boss, initiative=initiative, reason="Wachten op advies")
    assert extended.decision_due_on == due + dt.timedelta(days=28)
    with pytest.raises(ValidationError, match="maar één keer"):
        services.extend_decision_term(actor=boss, initiative=initiative, reason="Nog eens")
