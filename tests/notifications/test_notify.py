"""Notifications: in the recipient's language, only after commit, never twice."""

import pytest
from django.core import mail
from django.db import transaction

from buurtbudget.initiatives.models import Initiative
from buurtbudget.initiatives.models import InitiativeStatus as S
from buurtbudget.notifications import services
from buurtbudget.notifications.effects import notify_on_transition
from buurtbudget.notifications.models import NotificationLog
from buurtbudget.notifications.tasks import send_notification
from buurtbudget.statemachine.machine import StateMachine, transition
from buurtbudget.statemachine.services import transition as move
from tests.factories import UserFactory
from tests.factories.initiatives import submitted_initiative

pytestmark = pytest.mark.django_db

TEMPLATE = "notifications/email/transition"
CONTEXT = {
    "title": "Buurtmoestuin",
    "state_label_msgid": "Awarded",
    "reason": "Goed plan",
    "municipality": "Utrecht",
}


def test_each_recipient_gets_the_mail_in_their_own_language(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    dutch = UserFactory(email="nl@example.org", preferred_language="nl")
    english = UserFactory(email="en@example.org", preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            services.notify(recipients=[dutch, english], template=TEMPLATE, context=CONTEXT, key="test:1")

    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["nl@example.org"].subject == "'Buurtmoestuin' is nu: Toegekend"
    assert "Reden: Goed plan" in by_address["nl@example.org"].body
    assert by_address["en@example.org"].subject == "'Buurtmoestuin' is now: Awarded"
    assert "Reason: Goed plan" in by_address["en@example.org"].body
    assert set(NotificationLog.objects.values_list("language", flat=True)) == {"nl", "en"}


def test_nothing_is_sent_before_commit_nor_after_a_rollback(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            services.notify(recipients=[person], template=TEMPLATE, context=CONTEXT, key="test:commit")
        assert mail.outbox == []
    assert len(callbacks) == 1

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.notify(recipients=[person], template=TEMPLATE, context=CONTEXT, key="test:rollback")
            raise RuntimeError("the change failed")
    assert callbacks == [] and mail.outbox == []
    assert not NotificationLog.objects.exists()


def test_a_retried_task_does_not_send_twice() -> None:
    person = UserFactory()
    kwargs = {
        "recipient_id": person.pk,
        "template": TEMPLATE,
        "context": CONTEXT,
        "key": f"test:retry:{person.pk}",
    }
    assert send_notification.delay(**kwargs).get() is True
    assert send_notification.delay(**kwargs).get() is False
    assert len(mail.outbox) == 1
    assert NotificationLog.objects.get().email == person.email


def test_people_without_an_address_or_inactive_are_skipped(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    gone = UserFactory(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify(recipients=[gone, None], template=TEMPLATE, context=CONTEXT) == 0
    assert mail.outbox == []


def test_context_must_be_plain_data() -> None:
    with pytest.raises(TypeError):
        services.notify(recipients=[], template=TEMPLATE, context={"who": object()})


def test_a_transition_notifies_the_people_involved_once(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    initiative = submitted_initiative(
        initiator=UserFactory(preferred_language="en", postcode="1066AB", house_number=1, birth_year=1980)
    )
    effect = notify_on_transition()
    machine = StateMachine(
        model=Initiative,
        state_field="status",
        audit_prefix="initiatives.initiative",
        transitions=(
            transition("withdraw", sources=[S.SUBMITTED], target=S.WITHDRAWN, after_commit=[effect]),
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        move(
            machine=machine,
            instance=initiative,
            name="withdraw",
            actor=initiative.initiator,
            reason="Geen tijd",
        )

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [initiative.initiator.email]
    assert sent.subject == f"'{initiative.title}' is now: Withdrawn"
    assert "Reason: Geen tijd" in sent.body

    # The effect runs again (a retry): nothing new is sent.
    initiative.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        effect(initiative, initiative.initiator)
    assert len(mail.outbox) == 1
