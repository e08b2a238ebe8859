"""Background tasks of notifications (eager in tests and the demo)."""

from typing import Any

from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification(*, recipient_id: int, template: str, context: dict[str, Any], key: str) -> bool:
    return services.send(recipient_id=recipient_id, template=template, context=context, key=key)
