from django.apps import AppConfig


class RegiegroepConfig(AppConfig):
    name = "buurtbudget.regiegroep"
    verbose_name = "Regiegroep"
