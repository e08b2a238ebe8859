"""/<gemeente>/beheer/gemeente/: the municipality's own settings."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.municipality_settings, name="municipality_settings"),
]
