"""/<gemeente>/beheer/community/: the district's overview of community budgets."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.district_overview, name="community_overview"),
    path("groep/", views.register_group, name="community_register_group"),
    path("lid/", views.add_member, name="community_add_member"),
    path("budget/", views.fund_budget, name="community_fund"),
    path("verslag/<int:pk>/accepteren/", views.accept_report, name="community_accept_report"),
]
