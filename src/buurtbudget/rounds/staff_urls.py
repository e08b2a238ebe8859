"""/<gemeente>/beheer/buurtbudget/: the district's pages of rounds (and, below them, of voting)."""

from django.urls import include, path

from . import pabulib_views, views

urlpatterns = [
    path("", views.staff_list, name="rounds_staff_list"),
    path("nieuw/", views.staff_create, name="rounds_create"),
    path("<int:pk>/", views.staff_detail, name="rounds_staff"),
    path("<int:pk>/pabulib/", pabulib_views.staff_export, name="rounds_pabulib"),
    path("<int:pk>/fase/", views.staff_advance, name="rounds_advance"),
    path("<int:pk>/plannen/<int:plan_pk>/", views.staff_plan, name="rounds_staff_plan"),
    path("<int:pk>/stemmen/", include("buurtbudget.voting.staff_urls")),
]
