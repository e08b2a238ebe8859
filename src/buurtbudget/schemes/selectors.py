"""Reading schemes, their rounds and rule versions."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from buurtbudget.areas.models import Area
from buurtbudget.tenancy.models import Municipality

from .models import Intake, ProcessModel, Scheme, SchemeRound, SchemeRuleVersion


def current_rule_version(scheme: Scheme) -> SchemeRuleVersion | None:
    """The rule version in force now: the newest one that has started. None when the scheme has none yet."""
    return (
        SchemeRuleVersion.objects.filter(scheme=scheme, valid_from__lte=timezone.now())
        .order_by("-number")
        .first()
    )


def rule_versions(*, scheme: Scheme) -> QuerySet[SchemeRuleVersion]:
    return SchemeRuleVersion.objects.filter(scheme=scheme).select_related("created_by").order_by("-number")


def schemes_of(*, municipality: Municipality) -> QuerySet[Scheme]:
    return (
        Scheme.objects.filter(municipality=municipality).select_related("area").order_by("-starts_on", "name")
    )


def scheme_by_slug(*, municipality: Municipality, slug: str) -> Scheme | None:
    return Scheme.objects.filter(municipality=municipality, slug=slug).select_related("area").first()


def rounds_of(*, scheme: Scheme) -> list[SchemeRound]:
    return list(SchemeRound.objects.filter(scheme=scheme).order_by("opens_on", "pk"))


def open_round(*, scheme: Scheme, on: dt.date | None = None) -> SchemeRound | None:
    day = on or timezone.localdate()
    return (
        SchemeRound.objects.filter(scheme=scheme, opens_on__lte=day, closes_on__gte=day)
        .order_by("closes_on")
        .first()
    )


def is_open_for_submissions(*, scheme: Scheme, on: dt.date | None = None) -> bool:
    """Whether the scheme takes initiatives on a day: within its period, not closed, and (in rounds) in a round."""
    day = on or timezone.localdate()
    if scheme.is_closed or day < scheme.starts_on or (scheme.ends_on is not None and day > scheme.ends_on):
        return False
    if scheme.intake == Intake.ROUNDS:
        return open_round(scheme=scheme, on=day) is not None
    return True


def open_schemes(
    *, municipality: Municipality, area: Area | None = None, on: dt.date | None = None
) -> list[Scheme]:
    """Schemes that take initiatives now, for a municipality's home or an area page, in two queries.

    On an area page: municipality-wide schemes, schemes of the area or of an area it lies in (they cover its
    residents) and schemes of areas inside it.
    """
    day = on or timezone.localdate()
    candidates = (
        Scheme.objects.filter(
            municipality=municipality,
            # Only schemes that take initiatives through the submission flow; rounds have their own pages.
            process_model=ProcessModel.VOUCHER,
            closed_at__isnull=True,
            starts_on__lte=day,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("area")
        .prefetch_related(
            Prefetch("rounds", queryset=SchemeRound.objects.filter(opens_on__lte=day, closes_on__gte=day))
        )
        .order_by("name")
    )
    if area is not None:
        candidates = candidates.filter(
            Q(area__isnull=True) | Q(area_id__in=area.ancestor_ids) | Q(area__path__startswith=area.path)
        )
    return [s for s in candidates if s.intake != Intake.ROUNDS or len(s.rounds.all()) > 0]
