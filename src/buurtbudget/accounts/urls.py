from django.urls import include, path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profiel/", views.profile, name="profile"),
    path("", include("buurtbudget.payments.holder_urls")),
]
