"""Reading support: the official's list, one initiative's support page and who may see what."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from buurtbudget.initiatives.models import Initiative
from buurtbudget.tenancy.models import Municipality

from .models import DIMENSIONS, ActieCheck, SupportNote

VIEW_NOTES = "support.view_notes"


def may_view_support(user: Any, initiative: Initiative) -> bool:
    """The regiegroep of the scheme, budget managers and contact officials covering the initiative."""
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(VIEW_NOTES, initiative))


def supported_by(*, user: Any, municipality: Municipality) -> QuerySet[Initiative]:
    """The initiatives a contact official is the fixed contact for, with their ACTIE check (2 queries max)."""
    return (
        Initiative.objects.filter(municipality=municipality, contact_official_id=user.pk)
        .select_related("scheme", "area", "initiator", "actie_check")
        .order_by("accounting_due_on", "decision_due_on", "pk")
    )


def initiative_in(*, municipality: Municipality, pk: int) -> Initiative | None:
    return (
        Initiative.objects.filter(municipality=municipality, pk=pk)
        .select_related("scheme__area", "area", "initiator", "contact_official", "municipality")
        .first()
    )


@dataclass(frozen=True)
class Score:
    name: str
    label: str
    help: str
    value: int
    value_label: str


def actie_scores(check: ActieCheck | None) -> list[Score]:
    if check is None:
        return []
    return [
        Score(
            name=name,
            label=str(label),
            help=str(help_text),
            value=getattr(check, name),
            value_label=str(getattr(check, f"get_{name}_display")()),
        )
        for name, label, help_text in DIMENSIONS
    ]


def actie_check_of(initiative: Initiative) -> ActieCheck | None:
    return ActieCheck.objects.filter(initiative=initiative).select_related("filled_in_by").first()


def notes_of(initiative: Initiative) -> QuerySet[SupportNote]:
    return SupportNote.objects.filter(initiative=initiative).select_related("author")
