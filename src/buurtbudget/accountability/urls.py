"""The initiator's report page; included in the root URLconf before the municipality catch-all."""

from django.urls import path

from . import views

app_name = "accountability"

urlpatterns = [
    path("mijn/initiatieven/<int:pk>/verantwoording/", views.report, name="report"),
]
