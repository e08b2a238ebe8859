"""Residents hear about their initiative's steps by e-mail, in their own language, after the step commits."""

from __future__ import annotations

import pytest
from django.core import mail

from buurtbudget.initiatives import services
from buurtbudget.statemachine.services import TransitionNotAllowed
from tests.factories import UserFactory
from tests.factories.initiatives import draft_initiative

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "expected"), [("nl", "Ingediend"), ("en", "Submitted")])
def test_submitting_mails_the_initiator_in_their_language(
    language: str, expected: str, django_capture_on_commit_callbacks
) -> None:
    initiative = draft_initiative()
    initiative.initiator.preferred_language = language
    initiative.initiator.save(update_fields=["preferred_language"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(actor=initiative.initiator, initiative=initiative)
    letters = [m for m in mail.outbox if m.to == [initiative.initiator.email]]
    assert len(letters) == 1
    assert initiative.title in letters[0].subject + letters[0].body
    assert expected.lower() in (letters[0].subject + letters[0].body).lower()


def test_a_refused_step_sends_nothing(django_capture_on_commit_callbacks) -> None:
    initiative = draft_initiative()
    stranger = UserFactory()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionNotAllowed):
        services.withdraw(actor=stranger, initiative=initiative)
    assert mail.outbox == []
