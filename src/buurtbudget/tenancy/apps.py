from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "buurtbudget.tenancy"
    label = "tenancy"
