"""Background tasks of voting (run in-process when no broker is configured)."""

from celery import shared_task


@shared_task(acks_late=True)
def produce_letters(job_id: int) -> str:
    from . import services

    job = services.produce_letters(job_id=job_id)
    return str(job.status)
