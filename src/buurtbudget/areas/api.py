"""Read-only open data: the area tree of a municipality with its postcode ranges."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from buurtbudget.tenancy import selectors as tenancy_selectors

from . import selectors
from .models import Area, PostcodeRange


class PostcodeRangeSerializer(serializers.ModelSerializer[PostcodeRange]):
    class Meta:
        model = PostcodeRange
        fields = ["postcode_from", "postcode_to", "house_number_from", "house_number_to"]


class AreaSerializer(serializers.ModelSerializer[Area]):
    # DRF's metaclass takes declared fields off the class, so this does not clash with Field.parent.
    parent = serializers.SlugRelatedField[Area](  # type: ignore[assignment]
        slug_field="slug", read_only=True, allow_null=True
    )
    postcode_ranges = PostcodeRangeSerializer(many=True, read_only=True)

    class Meta:
        model = Area
        fields = ["slug", "name", "level", "parent", "code", "description", "postcode_ranges"]


class MunicipalityAreaList(generics.ListAPIView[Area]):
    """All areas of one municipality, districts before their neighbourhoods and buurten."""

    serializer_class = AreaSerializer
    permission_classes = [AllowAny]

    def get_queryset(self) -> QuerySet[Area]:
        municipality = get_object_or_404(
            tenancy_selectors.active_municipalities(), slug=self.kwargs["gemeente"]
        )
        return selectors.areas_with_ranges(municipality=municipality)
