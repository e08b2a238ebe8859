from django.urls import include, path

urlpatterns = [
    path("", include("buurtbudget.tenancy.api_urls")),
    path("", include("buurtbudget.areas.api_urls")),
    path("", include("buurtbudget.payments.api_urls")),
]
