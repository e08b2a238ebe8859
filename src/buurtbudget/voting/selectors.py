"""Reading the register, codes, letter jobs and ballots of a round."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from buurtbudget.rounds.models import Round

from .models import Ballot, CodeStatus, LetterJob, RegisterEntry, VoterCode


@dataclass(frozen=True)
class RegisterSummary:
    residents: int
    confidential: int
    active_codes: int
    blocked_codes: int
    voted: int
    ballots: int


def public_round(*, gemeente: str, slug: str) -> Round | None:
    """A round of an active municipality by the slugs in its URL, with its municipality and area: one query."""
    return (
        Round.objects.select_related("municipality", "area")
        .filter(municipality__slug=gemeente, municipality__is_active=True, slug=slug)
        .first()
    )


def register_summary(*, round: Round) -> RegisterSummary:
    entries = RegisterEntry.objects.filter(round=round).aggregate(
        total=Count("pk"), confidential=Count("pk", filter=Q(confidential=True))
    )
    code_counts = VoterCode.objects.filter(round=round).aggregate(
        active=Count("pk", filter=Q(status=CodeStatus.ACTIVE)),
        blocked=Count("pk", filter=Q(status=CodeStatus.BLOCKED)),
        voted=Count("pk", filter=Q(used_on__isnull=False)),
    )
    return RegisterSummary(
        residents=entries["total"],
        confidential=entries["confidential"],
        active_codes=code_counts["active"],
        blocked_codes=code_counts["blocked"],
        voted=code_counts["voted"],
        ballots=Ballot.objects.filter(round=round).count(),
    )


def letter_jobs(*, round: Round) -> QuerySet[LetterJob]:
    return LetterJob.objects.filter(round=round).order_by("-created_at")


def entries_at(*, round: Round, postcode: str, house_number: int) -> list[RegisterEntry]:
    return list(
        RegisterEntry.objects.filter(round=round, postcode=postcode, house_number=house_number)
        .prefetch_related("codes")
        .order_by("name")
    )


def ballots_of(*, round: Round) -> QuerySet[Ballot]:
    """For counting and open data: no token, ordered by receipt (which says nothing about time or person)."""
    return Ballot.objects.filter(round=round).order_by("receipt")
