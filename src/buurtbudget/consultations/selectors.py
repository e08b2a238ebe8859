"""Reading consultations and responses."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from buurtbudget.initiatives.models import Initiative
from buurtbudget.tenancy.models import Municipality

from .models import Consultation, ConsultationStatus, Response


def public_consultation(*, municipality: Municipality, pk: int) -> Consultation | None:
    """A consultation of this municipality with its initiative, scheme and area: one query."""
    return (
        Consultation.objects.filter(municipality=municipality, pk=pk)
        .select_related("initiative", "initiative__scheme", "area")
        .first()
    )


def response_of(*, resident: Any, consultation: Consultation) -> Response | None:
    if not getattr(resident, "is_authenticated", False):
        return None
    return Response.objects.filter(consultation=consultation, resident=resident).first()


def consultations_for(*, initiative_ids: list[int]) -> dict[int, Consultation]:
    """The newest consultation of each initiative, by initiative id: one query."""
    found: dict[int, Consultation] = {}
    for consultation in Consultation.objects.filter(initiative_id__in=initiative_ids).order_by(
        "-created_at", "-pk"
    ):
        found.setdefault(consultation.initiative_id, consultation)
    return found


def published_consultation(*, initiative: Initiative) -> Consultation | None:
    """The newest published consultation of an initiative (its outcome belongs in the decision record)."""
    return (
        Consultation.objects.filter(initiative=initiative, status=ConsultationStatus.PUBLISHED)
        .order_by("-published_at", "-pk")
        .first()
    )


def running_consultations(*, municipality: Municipality) -> QuerySet[Consultation]:
    return (
        Consultation.objects.filter(municipality=municipality)
        .exclude(status=ConsultationStatus.PUBLISHED)
        .select_related("initiative")
        .order_by("closes_on", "pk")
    )
