from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "buurtbudget.audit"
    label = "audit"
