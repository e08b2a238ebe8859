"""Reading municipalities."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Municipality


def active_municipalities() -> QuerySet[Municipality]:
    return Municipality.objects.filter(is_active=True).order_by("name")
