"""Background tasks of accountability (run daily by the scheduler; eager in tests and the demo)."""

from celery import shared_task

from . import services


@shared_task
def send_deadline_reminders() -> int:
    """Remind the people involved of execution and accounting deadlines, once per deadline and stage."""
    return services.send_deadline_reminders()
