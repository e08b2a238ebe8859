"""Deadline reminders before and after the execution and accounting deadlines, each sent once."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from buurtbudget.accountability.models import DeadlineReminder
from buurtbudget.accountability.tasks import send_deadline_reminders
from buurtbudget.audit.models import AuditEvent
from buurtbudget.initiatives.models import InitiativeStatus as S
from tests.factories.accountability import awarded_initiative

pytestmark = pytest.mark.django_db


@contextmanager
def frozen(day: dt.date, hour: int = 9) -> Iterator[None]:
    moment = timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _run(day: dt.date, django_capture_on_commit_callbacks) -> int:  # type: ignore[no-untyped-def]
    with frozen(day), django_capture_on_commit_callbacks(execute=True):
        return int(send_deadline_reminders.delay().get())


def test_reminders_before_and_after_the_deadlines_are_sent_once(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    awarded = awarded_initiative()
    initiative = awarded.initiative
    initiator = initiative.initiator
    ends = initiative.execution_ends_on
    assert initiative.accounting_due_on == ends + dt.timedelta(days=28)

    assert _run(ends - dt.timedelta(days=20), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []

    assert _run(ends - dt.timedelta(days=10), django_capture_on_commit_callbacks) == 1
    mine = [m for m in mail.outbox if m.to == [initiator.email]]
    assert len(mine) == 1 and ends.strftime("%d-%m-%Y") in mine[0].subject
    # The chair of the regiegroep hears about it as well.
    assert awarded.group.chair.email in {m.to[0] for m in mail.outbox}
    sent = len(mail.outbox)

    # Again the same day, and the next day: nothing new.
    assert _run(ends - dt.timedelta(days=10), django_capture_on_commit_callbacks) == 0
    assert _run(ends - dt.timedelta(days=9), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == sent

    # Three days before, then after the deadline: one more each.
    assert _run(ends - dt.timedelta(days=2), django_capture_on_commit_callbacks) == 1
    assert _run(ends - dt.timedelta(days=1), django_capture_on_commit_callbacks) == 0
    initiative.refresh_from_db()
    assert initiative.status == S.IN_EXECUTION
    assert _run(ends + dt.timedelta(days=1), django_capture_on_commit_callbacks) == 1
    # Once the execution term has ended, the initiative moves on to accounting due, by the system.
    initiative.refresh_from_db()
    assert initiative.status == S.ACCOUNTING_DUE
    event = AuditEvent.objects.get(action="initiatives.initiative.execution_term_ended")
    assert event.actor is None
    assert _run(ends + dt.timedelta(days=2), django_capture_on_commit_callbacks) == 0
    stages = list(
        DeadlineReminder.objects.filter(kind="execution").order_by("pk").values_list("stage", flat=True)
    )
    assert stages == ["14_days", "3_days", "overdue"]

    # The accounting deadline: reminders before it (in the initiator's language) and once it has passed.
    initiator.preferred_language = "en"
    initiator.save(update_fields=["preferred_language"])
    before = len(mail.outbox)
    assert _run(initiative.accounting_due_on - dt.timedelta(days=5), django_capture_on_commit_callbacks) == 1
    english = [m for m in mail.outbox[before:] if m.to == [initiator.email]]
    assert english[0].subject.startswith("Report due on")
    assert _run(initiative.accounting_due_on + dt.timedelta(days=1), django_capture_on_commit_callbacks) == 1
    assert _run(initiative.accounting_due_on + dt.timedelta(days=1), django_capture_on_commit_callbacks) == 0
    assert DeadlineReminder.objects.filter(kind="accounting").count() == 2


def test_the_reminder_task_is_scheduled_daily() -> None:
    from django.conf import settings

    from buurtbudget.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["accountability-deadline-reminders"]
    assert entry["task"] == send_deadline_reminders.name
    assert entry["schedule"] == 24 * 60 * 60
    assert send_deadline_reminders.name in app.tasks
