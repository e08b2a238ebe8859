from django.apps import AppConfig


class CocreationConfig(AppConfig):
    name = "buurtbudget.cocreation"
    verbose_name = "Co-creatie"
