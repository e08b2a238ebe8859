"""Background tasks of the rounds (run daily by the scheduler; eager in tests and the demo)."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def advance_due_rounds() -> dict[str, int]:
    """Move every round whose next phase's date has arrived; leave decisions to the officer, with the reason."""
    return services.advance_due_rounds(today=timezone.localdate()).summary()
