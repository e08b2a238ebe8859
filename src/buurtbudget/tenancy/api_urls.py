from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("gemeenten", api.MunicipalityViewSet, basename="api-municipality")

urlpatterns = [path("", include(router.urls))]
