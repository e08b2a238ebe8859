"""Ledger screens for staff, under /<gemeente>/beheer/geld/ (names in the "core" namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:scheme>/", views.scheme_money, name="scheme_money"),
]
