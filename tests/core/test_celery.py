"""Tasks run in-process when no broker is configured, so the demo and tests need no Redis."""

from buurtbudget import celery_app
from buurtbudget.core.tasks import ping


def test_the_celery_app_reads_django_settings_and_runs_eagerly_without_a_broker() -> None:
    assert celery_app.conf.task_always_eager is True
    assert celery_app.conf.timezone == "Europe/Amsterdam"


def test_a_task_runs_at_once_and_returns_its_result() -> None:
    result = ping.delay()
    assert result.successful()
    assert result.get(timeout=1) == "pong"


def test_tasks_of_installed_apps_are_registered() -> None:
    celery_app.loader.import_default_modules()
    assert "buurtbudget.core.tasks.ping" in celery_app.tasks
