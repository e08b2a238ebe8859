from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "buurtbudget.voting"
    verbose_name = "Voting"
