from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "buurtbudget.schemes"
    verbose_name = "Regelingen / Schemes"
