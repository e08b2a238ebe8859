from django.apps import AppConfig


class VouchersConfig(AppConfig):
    name = "buurtbudget.vouchers"
    verbose_name = "Vouchers"
