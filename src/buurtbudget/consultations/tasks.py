"""Background tasks of the consultations (run daily by the scheduler; eager in tests and the demo)."""

from celery import shared_task

from . import services


@shared_task
def close_due_consultations() -> int:
    """Close every consultation whose period is over and fix its counts."""
    return services.close_due_consultations()
