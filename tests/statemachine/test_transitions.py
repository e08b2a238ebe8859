"""The shared state machine, on a small Document lifecycle: draft → submitted → approved | rejected."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.utils import translation

from buurtbudget.accounts.models import Role
from buurtbudget.audit.models import AuditEvent
from buurtbudget.statemachine.machine import StateMachine, transition
from buurtbudget.statemachine.services import TransitionNotAllowed, apply_transition
from buurtbudget.statemachine.services import transition as move
from tests.factories import MunicipalityFactory, RoleAssignmentFactory, UserFactory
from tests.testapp.models import Document

pytestmark = pytest.mark.django_db

# Side effects append here so a test can see whether (and when) they ran.
SENT: list[tuple[str, int]] = []


def _has_title(document: Any, actor: Any) -> str | None:
    # A real guard returns gettext(...); this test-only message has no catalogue entry, so it picks by hand.
    if document.title.strip():
        return None
    if translation.get_language() == "en":
        return "Give the document a title."
    return "Geef het document een titel."


def _notify_submitted(document: Any, actor: Any) -> None:
    SENT.append(("submitted", document.pk))


S = Document.State
DOCUMENTS = StateMachine(
    model=Document,
    state_field="state",
    transitions=(
        transition(
            "submit",
            sources=[S.DRAFT],
            target=S.SUBMITTED,
            guards=[_has_title],
            after_commit=[_notify_submitted],
        ),
        transition("approve", sources=[S.SUBMITTED], target=S.APPROVED, permission="regiegroep.chair"),
        transition("reject", sources=[S.SUBMITTED], target=S.REJECTED, reason_required=True),
    ),
)


@pytest.fixture(autouse=True)
def _clear_sent() -> None:
    SENT.clear()


@pytest.fixture
def chair() -> Any:
    assignment = RoleAssignmentFactory(role=Role.STEERING_CHAIR)
    return assignment.user


def _document(municipality: Any, state: str = S.DRAFT, title: str = "Bankje op het plein") -> Document:
    return Document.objects.create(municipality=municipality, title=title, state=state)


def _events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action__startswith="testapp.document.").order_by("id"))


def test_submit_moves_the_document_and_audits_before_after_and_actor(
    django_capture_on_commit_callbacks: Any,
) -> None:
    actor = UserFactory()
    document = _document(MunicipalityFactory())

    with django_capture_on_commit_callbacks(execute=True):
        moved = move(machine=DOCUMENTS, instance=document, name="submit", actor=actor)

    assert moved.state == S.SUBMITTED
    assert document.state == S.SUBMITTED
    assert Document.objects.get(pk=document.pk).state == S.SUBMITTED
    [event] = _events()
    assert event.action == "testapp.document.submit"
    assert event.before == {"state": "draft"}
    assert event.after == {"state": "submitted"}
    assert event.actor == actor
    assert event.actor_label == actor.email
    assert event.municipality == document.municipality
    assert event.object_id == str(document.pk)


def test_approve_by_a_chair_of_the_municipality(chair: Any) -> None:
    document = _document(chair.role_assignments.get().municipality, state=S.SUBMITTED)

    move(machine=DOCUMENTS, instance=document, name="approve", actor=chair)

    assert Document.objects.get(pk=document.pk).state == S.APPROVED
    [event] = _events()
    assert (event.before, event.after, event.actor) == ({"state": "submitted"}, {"state": "approved"}, chair)


def test_reject_with_a_reason_records_the_reason() -> None:
    actor = UserFactory()
    document = _document(MunicipalityFactory(), state=S.SUBMITTED)

    move(machine=DOCUMENTS, instance=document, name="reject", actor=actor, reason="Past niet in de regels")

    assert Document.objects.get(pk=document.pk).state == S.REJECTED
    [event] = _events()
    assert event.after == {"state": "rejected"}
    assert event.details == {"reason": "Past niet in de regels"}


def _assert_refused(document: Document, name: str, actor: Any, message: str, **kwargs: Any) -> None:
    state_before = Document.objects.get(pk=document.pk).state
    with pytest.raises(TransitionNotAllowed, match=message):
        move(machine=DOCUMENTS, instance=document, name=name, actor=actor, **kwargs)
    assert Document.objects.get(pk=document.pk).state == state_before
    assert document.state == state_before
    assert _events() == []


@pytest.mark.parametrize(
    ("state", "name"),
    [
        (S.DRAFT, "approve"),
        (S.DRAFT, "reject"),
        (S.SUBMITTED, "submit"),
        (S.APPROVED, "submit"),
        (S.APPROVED, "reject"),
        (S.REJECTED, "approve"),
    ],
)
def test_a_transition_from_the_wrong_state_is_refused_and_changes_nothing(
    chair: Any, state: str, name: str
) -> None:
    document = _document(chair.role_assignments.get().municipality, state=state)
    _assert_refused(document, name, chair, "Dit kan niet meer: de status is nu", reason="reden")


def test_approve_without_the_permission_is_refused() -> None:
    document = _document(MunicipalityFactory(), state=S.SUBMITTED)
    _assert_refused(document, "approve", UserFactory(), "U mag dit niet doen.")


def test_a_chair_of_another_municipality_may_not_approve(chair: Any) -> None:
    document = _document(MunicipalityFactory(), state=S.SUBMITTED)
    _assert_refused(document, "approve", chair, "U mag dit niet doen.")


def test_approve_without_an_actor_is_refused() -> None:
    document = _document(MunicipalityFactory(), state=S.SUBMITTED)
    _assert_refused(document, "approve", None, "U mag dit niet doen.")


@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_without_a_reason_is_refused(reason: str) -> None:
    document = _document(MunicipalityFactory(), state=S.SUBMITTED)
    _assert_refused(document, "reject", UserFactory(), "Geef een reden op.", reason=reason)


def test_a_failing_guard_refuses_with_its_message_and_runs_no_side_effect(
    django_capture_on_commit_callbacks: Any,
) -> None:
    document = _document(MunicipalityFactory(), title="  ")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _assert_refused(document, "submit", UserFactory(), "Geef het document een titel.")
    assert callbacks == []
    assert SENT == []
    with translation.override("en"):
        _assert_refused(document, "submit", UserFactory(), "Give the document a title.")


def test_a_refusal_reads_in_dutch_by_default_and_in_english_when_chosen() -> None:
    document = _document(MunicipalityFactory(), state=S.SUBMITTED)
    with pytest.raises(TransitionNotAllowed) as dutch:
        move(machine=DOCUMENTS, instance=document, name="approve", actor=None)
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as english:
        move(machine=DOCUMENTS, instance=document, name="approve", actor=None)
    assert str(dutch.value) == "U mag dit niet doen."
    assert str(english.value) == "You are not allowed to do this."


def test_the_wrong_state_refusal_names_the_state_by_its_label() -> None:
    document = _document(MunicipalityFactory(), state=S.APPROVED)
    with pytest.raises(TransitionNotAllowed) as dutch:
        move(machine=DOCUMENTS, instance=document, name="submit", actor=UserFactory())
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as english:
        move(machine=DOCUMENTS, instance=document, name="submit", actor=UserFactory())
    # The test model's labels are plain strings, so both read 'approved'; the sentence around it is translated.
    assert str(dutch.value) == "Dit kan niet meer: de status is nu 'approved'."
    assert str(english.value) == "This is no longer possible: the status is now 'approved'."


def test_an_unknown_transition_name_is_a_programming_error() -> None:
    document = _document(MunicipalityFactory())
    with pytest.raises(KeyError, match="publish"):
        move(machine=DOCUMENTS, instance=document, name="publish", actor=UserFactory())


def test_side_effects_wait_for_the_commit(django_capture_on_commit_callbacks: Any) -> None:
    document = _document(MunicipalityFactory())

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        move(machine=DOCUMENTS, instance=document, name="submit", actor=UserFactory())
        assert SENT == []

    assert len(callbacks) == 1
    assert SENT == [("submitted", document.pk)]


def test_side_effects_are_dropped_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks: Any,
) -> None:
    document = _document(MunicipalityFactory())

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            apply_transition(machine=DOCUMENTS, instance=document, name="submit", actor=UserFactory())
            1 / 0  # noqa: B018 - the composed service fails after the transition

    assert callbacks == []
    assert SENT == []
    assert Document.objects.get(pk=document.pk).state == S.DRAFT
    assert _events() == []


@pytest.mark.django_db(transaction=True)
def test_with_real_commits_side_effects_run_after_commit_and_never_after_rollback() -> None:
    committed = _document(MunicipalityFactory())
    with transaction.atomic():
        apply_transition(machine=DOCUMENTS, instance=committed, name="submit", actor=None)
        assert SENT == []
    assert SENT == [("submitted", committed.pk)]

    SENT.clear()
    rolled_back = _document(committed.municipality, title="Tweede")
    with pytest.raises(RuntimeError), transaction.atomic():
        apply_transition(machine=DOCUMENTS, instance=rolled_back, name="submit", actor=None)
        raise RuntimeError("later step failed")
    assert SENT == []
    assert Document.objects.get(pk=rolled_back.pk).state == S.DRAFT
    assert (
        AuditEvent.objects.filter(object_id=str(rolled_back.pk), object_type="testapp.document").count() == 0
    )


def test_transition_is_durable_and_refuses_to_run_inside_another_transaction() -> None:
    document = _document(MunicipalityFactory())
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        move(machine=DOCUMENTS, instance=document, name="submit", actor=UserFactory())
    assert Document.objects.get(pk=document.pk).state == S.DRAFT
    assert _events() == []


def test_the_machine_lists_what_is_possible_from_a_state() -> None:
    assert [t.name for t in DOCUMENTS.available_from(S.SUBMITTED)] == ["approve", "reject"]
    assert ("draft", "submitted", "submit") in set(DOCUMENTS.edges())


def test_the_state_label_is_the_translated_choice_label() -> None:
    from buurtbudget.payments.machine import PAYMENT_MACHINE
    from buurtbudget.payments.models import PaymentRequest
    from buurtbudget.statemachine.services import _state_label

    assert _state_label(PAYMENT_MACHINE, PaymentRequest(), "exported") == "Naar de bank"
    with translation.override("en"):
        assert _state_label(PAYMENT_MACHINE, PaymentRequest(), "exported") == "Sent to the bank"
    assert _state_label(PAYMENT_MACHINE, PaymentRequest(), "unknown") == "unknown"
