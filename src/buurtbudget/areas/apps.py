from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "buurtbudget.areas"
    label = "areas"
