"""Scheme screens for budget managers, under /<gemeente>/beheer/regelingen/ (names in the "core" namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.scheme_list, name="scheme_list"),
    path("nieuw/", views.scheme_create, name="scheme_create"),
    path("<slug:scheme>/", views.scheme_edit, name="scheme_edit"),
    path("<slug:scheme>/ronde/", views.round_add, name="scheme_round_add"),
]
