"""buurtbudget: resident budgets for Dutch municipalities."""

from typing import Any

__all__ = ["celery_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use (and by CoreConfig.ready in every Django process), so that the Django-free
    # parts, such as `buurtbudget count`, start without loading Celery.
    if name == "celery_app":
        from .celery import app

        return app
    raise AttributeError(name)
