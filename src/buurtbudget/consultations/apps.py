from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "buurtbudget.consultations"
    verbose_name = "Wijkraadplegingen"
