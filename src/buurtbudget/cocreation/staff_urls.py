"""/<gemeente>/beheer/cocreatie/: the budget manager starts co-creations and adds participants."""

from django.urls import path

from . import staff_views

urlpatterns = [
    path("", staff_views.manage, name="cocreation_manage"),
    path("starten/", staff_views.start, name="cocreation_start"),
    path("deelnemer/", staff_views.add_participant, name="cocreation_add_participant"),
]
