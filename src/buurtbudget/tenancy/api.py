"""Read-only open data about municipalities."""

from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from . import selectors
from .models import Municipality


class MunicipalitySerializer(serializers.ModelSerializer[Municipality]):
    class Meta:
        model = Municipality
        fields = [
            "slug",
            "name",
            "website",
            "contact_email",
            "contact_phone",
            "primary_colour",
            "accent_colour",
        ]


class MunicipalityViewSet(viewsets.ReadOnlyModelViewSet[Municipality]):
    serializer_class = MunicipalitySerializer
    permission_classes = [AllowAny]
    lookup_field = "slug"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.active_municipalities()
