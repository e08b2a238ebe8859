from django.urls import include, path

urlpatterns = [
    path("", include("buurtbudget.tenancy.api_urls")),
]
