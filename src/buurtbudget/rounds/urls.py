"""/<gemeente>/buurtbudget/: public pages of rounds."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.round_list, name="rounds_list"),
    path("<slug:slug>/", views.round_detail, name="rounds_detail"),
    path("<slug:slug>/plan-indienen/", views.plan_submit, name="rounds_plan_submit"),
    path("<slug:slug>/plannen/<int:pk>/", views.plan_detail, name="rounds_plan"),
    path("<slug:slug>/plannen/<int:pk>/steunen/", views.plan_support, name="rounds_plan_support"),
]
