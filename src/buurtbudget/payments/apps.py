from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "buurtbudget.payments"
    label = "payments"
