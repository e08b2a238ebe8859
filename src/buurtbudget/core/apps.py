from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "buurtbudget.core"
    label = "core"
