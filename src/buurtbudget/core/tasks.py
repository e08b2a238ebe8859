"""Background tasks of the platform itself."""

from celery import shared_task


@shared_task
def ping() -> str:
    """Answers "pong": shows that tasks run (in-process when no broker is configured)."""
    return "pong"
