from django.urls import path

from . import api

urlpatterns = [
    path(
        "gemeenten/<slug:gemeente>/gebieden/",
        api.MunicipalityAreaList.as_view(),
        name="api-municipality-areas",
    ),
]
