from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "buurtbudget.community"
    verbose_name = "Gemeenschapsbudget"
