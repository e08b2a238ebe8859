from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "buurtbudget.ledger"
    verbose_name = "Grootboek / Ledger"
