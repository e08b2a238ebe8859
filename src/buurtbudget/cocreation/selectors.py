"""Reading co-creations: the public page (process, participants, proposals with their answers, the log)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from buurtbudget.tenancy.models import Municipality

from .models import Agreement, CoCreationProcess, LogEntry, Participant, Proposal, ProposalStatus


@dataclass(frozen=True)
class PublicCoCreation:
    process: CoCreationProcess
    participants: list[Participant]
    proposals: list[Proposal]
    log: list[LogEntry]

    @property
    def adopted(self) -> list[Proposal]:
        """What the parties agreed on: the adopted themes, phases and rule changes, in the order adopted."""
        done = [p for p in self.proposals if p.status == ProposalStatus.ADOPTED]
        return sorted(done, key=lambda p: (p.adopted_at is None, p.adopted_at, p.pk))


def process_by_scheme_slug(*, municipality: Municipality, slug: str) -> CoCreationProcess | None:
    return (
        CoCreationProcess.objects.filter(municipality=municipality, scheme__slug=slug)
        .select_related("scheme", "scheme__area", "municipality")
        .first()
    )


def processes_of(*, municipality: Municipality) -> list[CoCreationProcess]:
    return list(
        CoCreationProcess.objects.filter(municipality=municipality)
        .select_related("scheme", "scheme__area", "municipality")
        .order_by("scheme__name")
    )


def public_view(*, process: CoCreationProcess) -> PublicCoCreation:
    """Everything the public page shows, in a fixed number of queries. Names only of those who consented
    (see Participant.public_label); never e-mail addresses."""
    participants = list(
        Participant.objects.filter(process=process).select_related("user").order_by("side", "added_at", "pk")
    )
    by_pk = {p.pk: p for p in participants}
    proposals = list(
        Proposal.objects.filter(process=process)
        .prefetch_related(Prefetch("agreements", queryset=Agreement.objects.order_by("created_at", "pk")))
        .order_by("created_at", "pk")
    )
    for proposal in proposals:
        proposal.proposed_by = by_pk[proposal.proposed_by_id]
        for agreement in proposal.agreements.all():
            agreement.participant = by_pk[agreement.participant_id]
    proposals_by_pk = {p.pk: p for p in proposals}
    log = list(LogEntry.objects.filter(process=process).order_by("created_at", "pk"))
    for entry in log:
        if entry.participant_id is not None:
            entry.participant = by_pk[entry.participant_id]
        if entry.proposal_id is not None:
            entry.proposal = proposals_by_pk[entry.proposal_id]
    return PublicCoCreation(process=process, participants=participants, proposals=proposals, log=log)
