"""The decision term (4 weeks, extendable once) and the daily reminders about overdue decisions."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from buurtbudget.audit.models import AuditEvent
from buurtbudget.regiegroep import selectors, services, tasks
from buurtbudget.regiegroep.models import Outcome, ReminderSent
from tests.factories.initiatives import submitted_initiative
from tests.factories.regiegroep import funded_voucher_scheme, meeting, steering_group
from tests.regiegroep.clock import frozen

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)


@pytest.fixture
def group():  # type: ignore[no-untyped-def]
    with frozen(MONDAY - dt.timedelta(days=7)):
        scheme = funded_voucher_scheme()
        return steering_group(scheme, members=2)


@pytest.fixture
def initiative(group):  # type: ignore[no-untyped-def]
    with frozen(MONDAY):
        return submitted_initiative(scheme=group.scheme)


def test_the_decision_is_due_four_weeks_after_submission(initiative) -> None:  # type: ignore[no-untyped-def]
    assert initiative.decision_due_on == MONDAY + dt.timedelta(days=28)
    assert not selectors.is_overdue(initiative, MONDAY + dt.timedelta(days=28))
    assert selectors.is_overdue(initiative, MONDAY + dt.timedelta(days=29))


def test_the_chair_extends_the_term_once_with_a_reason(group, initiative) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.extend_decision_term(actor=group.chair, initiative=initiative, reason=" ")
    with pytest.raises(PermissionDenied):
        services.extend_decision_term(actor=group.members[0], initiative=initiative, reason="Drukke tijd")
    extended = services.extend_decision_term(
        actor=group.chair, initiative=initiative, reason="Wachten op offerte"
    )
    assert extended.decision_due_on == MONDAY + dt.timedelta(days=56)
    event = AuditEvent.objects.get(action="initiatives.initiative.decision_term_extended")
    assert event.details["reason"] == "Wachten op offerte"
    with pytest.raises(ValidationError, match="maar één keer"):
        services.extend_decision_term(actor=group.chair, initiative=initiative, reason="Nog een keer")


def test_overdue_decisions_are_reminded_once_a_day_to_chair_and_budget_manager(  # type: ignore[no-untyped-def]
    group, initiative, django_capture_on_commit_callbacks
) -> None:
    on_time = MONDAY + dt.timedelta(days=28)
    with frozen(on_time), django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_decision_reminders.delay().get() == 0
    assert mail.outbox == []

    late = on_time + dt.timedelta(days=1)
    with frozen(late), django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_decision_reminders.delay().get() == 1
        assert tasks.send_decision_reminders.delay().get() == 0  # a rerun the same day sends nothing
    assert sorted(m.to[0] for m in mail.outbox) == sorted([group.chair.email, group.manager.email])
    assert initiative.title in mail.outbox[0].subject
    assert ReminderSent.objects.filter(initiative=initiative, sent_on=late).count() == 1

    with frozen(late + dt.timedelta(days=1)), django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_decision_reminders.delay().get() == 1
    assert len(mail.outbox) == 4


def test_decided_or_extended_initiatives_are_not_reminded(  # type: ignore[no-untyped-def]
    group, initiative, django_capture_on_commit_callbacks
) -> None:
    late = MONDAY + dt.timedelta(days=29)
    services.extend_decision_term(actor=group.chair, initiative=initiative, reason="Offerte komt later")
    with frozen(late):
        assert services.send_decision_reminders() == 0
        other = submitted_initiative(scheme=group.scheme)
    with frozen(late + dt.timedelta(days=29)):
        at = meeting(group, agenda=[other])
        services.decide(
            actor=group.chair, meeting=at, initiative=other, outcome=Outcome.REJECT, reasons="Past niet."
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert services.send_decision_reminders() == 1  # only the first one, now past its extended term
    assert mail.outbox and all(initiative.title in m.subject for m in mail.outbox)


def test_the_work_queue_shows_overdue_initiatives_first(group, initiative) -> None:  # type: ignore[no-untyped-def]
    with frozen(MONDAY + dt.timedelta(days=10)):
        newer = submitted_initiative(scheme=group.scheme)
    queue = selectors.work_queue(
        user=group.chair, municipality=group.scheme.municipality, today=MONDAY + dt.timedelta(days=30)
    )
    assert [row.initiative for row in queue.rows] == [initiative, newer]
    assert [row.initiative for row in queue.overdue] == [initiative]
    manager_queue = selectors.work_queue(
        user=group.manager, municipality=group.scheme.municipality, today=MONDAY + dt.timedelta(days=30)
    )
    assert manager_queue.manages and [row.initiative for row in manager_queue.overdue] == [initiative]


def test_the_reminders_and_consultation_closing_are_scheduled_daily(settings) -> None:  # type: ignore[no-untyped-def]
    from buurtbudget.celery import app

    app.loader.import_default_modules()
    scheduled = {job["task"]: job["schedule"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    for task in (
        "buurtbudget.regiegroep.tasks.send_decision_reminders",
        "buurtbudget.consultations.tasks.close_due_consultations",
    ):
        assert task in app.tasks and scheduled[task] <= 24 * 60 * 60
