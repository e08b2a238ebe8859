"""/<gemeente>/beheer/community/: the district's overview of community budgets."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.district_overview, name="community_overview"),
    path("verslag/<int:pk>/accepteren/", views.accept_report, name="community_accept_report"),
]
