from django.apps import AppConfig


class StatemachineConfig(AppConfig):
    name = "buurtbudget.statemachine"
    label = "statemachine"
