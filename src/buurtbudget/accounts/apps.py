from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "buurtbudget.accounts"
    label = "accounts"
