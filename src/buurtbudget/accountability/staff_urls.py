"""/<gemeente>/beheer/initiatieven/: the budget manager's overview and settling one initiative."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.overview, name="initiatives_overview"),
    path("<int:pk>/verantwoording/", views.staff_detail, name="accountability_initiative"),
]
