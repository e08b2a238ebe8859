"""/<gemeente>/beheer/ondersteuning/: the contact official's pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.official_list, name="support_list"),
    path("<int:pk>/", views.initiative_support, name="support_initiative"),
]
