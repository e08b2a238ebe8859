"""Celery application; eager (in-process) when no broker is configured, as in the demo."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buurtbudget.settings.dev")

app = Celery("buurtbudget")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
