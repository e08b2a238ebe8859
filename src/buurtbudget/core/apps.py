from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "buurtbudget.core"
    label = "core"

    def ready(self) -> None:
        # Every Django process (web, worker, tests) uses the project's Celery app for its tasks.
        from buurtbudget import celery  # noqa: F401
