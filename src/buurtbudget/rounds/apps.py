from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "buurtbudget.rounds"
    verbose_name = "Buurtbudget rounds"
