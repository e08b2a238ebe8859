from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("mijn/", include("buurtbudget.accounts.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/", include("buurtbudget.core.api_urls")),
    # /verificatie/<code>/, /mijn/vouchers/<code>/
    path("", include("buurtbudget.vouchers.urls")),
    # /mijn/initiatieven/, /<gemeente>/regelingen/<scheme>/
    path("", include("buurtbudget.initiatives.urls")),
    # /mijn/initiatieven/<pk>/verantwoording/
    path("", include("buurtbudget.accountability.urls")),
    # Municipality pages come last: /<gemeente>/... catches every other first path segment.
    path("", include("buurtbudget.core.urls")),
]
