"""Background tasks of the regiegroep (run daily by the scheduler; eager in tests and the demo)."""

from celery import shared_task

from . import services


@shared_task
def send_decision_reminders() -> int:
    """E-mail the chair and budget managers about overdue decisions, once a day per initiative."""
    return services.send_decision_reminders()
