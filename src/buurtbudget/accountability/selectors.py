"""Reading accountability: the voucher of an initiative, its spending from the ledger, deadlines and the
budget manager's overview (one query)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from buurtbudget.initiatives.models import Initiative
from buurtbudget.initiatives.models import InitiativeStatus as S
from buurtbudget.ledger.models import AccountKind, LedgerAccount
from buurtbudget.regiegroep.models import Decision
from buurtbudget.schemes import services as scheme_services
from buurtbudget.tenancy.models import Municipality
from buurtbudget.vouchers.models import Voucher

from .models import DeadlineKind, ExecutionReport, Settlement

UNDECIDED = (S.SUBMITTED, S.IN_CONSULTATION)
REMINDER_STAGES = ((14, "14_days"), (3, "3_days"))


def voucher_of(initiative: Initiative) -> Voucher | None:
    """The voucher issued with the initiative's (latest) award."""
    decision = (
        Decision.objects.filter(initiative_id=initiative.pk, voucher__isnull=False)
        .select_related("voucher__municipality", "voucher__scheme__area")
        .order_by("-pk")
        .first()
    )
    if decision is not None:
        return decision.voucher
    # A plan funded by the residents' vote (model A) holds its voucher on the plan.
    from buurtbudget.rounds.models import Plan

    plan = (
        Plan.objects.filter(initiative_id=initiative.pk, voucher__isnull=False)
        .select_related("voucher__municipality", "voucher__scheme__area")
        .first()
    )
    return plan.voucher if plan is not None else None


@dataclass(frozen=True)
class Line:
    date: dt.datetime
    description: str
    kind: str
    amount_cents: int  # positive: money in on the voucher; negative: money out


@dataclass(frozen=True)
class Spending:
    voucher: Voucher | None
    awarded_cents: int
    spent_cents: int
    remaining_cents: int
    returned_cents: int
    lines: list[Line]


# Entries that return a voucher's rest: to the scheme, or to the municipality once the scheme has closed.
RETURN_KINDS = frozenset({"scheme.return", scheme_services.RETURN})


def spending(initiative: Initiative) -> Spending:
    """The voucher account's postings: issued, spent (payments and cash) and returned (2 queries)."""
    voucher = voucher_of(initiative)
    awarded = initiative.awarded_cents or 0
    if voucher is None:
        return Spending(None, awarded, 0, 0, 0, [])
    account = LedgerAccount.objects.filter(kind=AccountKind.VOUCHER, owner_key=voucher.owner_key).first()
    lines: list[Line] = []
    if account is not None:
        for posting in account.postings.select_related("entry").order_by("entry__created_at", "pk"):
            lines.append(
                Line(
                    date=posting.entry.created_at,
                    description=posting.entry.description,
                    kind=posting.entry.kind,
                    amount_cents=posting.amount_cents,
                )
            )
    issued = sum(line.amount_cents for line in lines if line.kind == "voucher.issue")
    returned = -sum(line.amount_cents for line in lines if line.kind in RETURN_KINDS)
    remaining = account.balance_cents if account is not None else 0
    return Spending(
        voucher=voucher,
        awarded_cents=issued or voucher.amount_cents,
        spent_cents=(issued or voucher.amount_cents) - remaining - returned,
        remaining_cents=remaining,
        returned_cents=returned,
        lines=lines,
    )


def report_of(initiative: Initiative) -> ExecutionReport | None:
    return (
        ExecutionReport.objects.filter(initiative=initiative)
        .select_related("submitted_by", "accepted_by")
        .prefetch_related("photos")
        .first()
    )


def settlement_of(initiative: Initiative) -> Settlement | None:
    return Settlement.objects.filter(initiative=initiative).select_related("settled_by").first()


def initiative_in(*, municipality: Municipality, pk: int) -> Initiative | None:
    return (
        Initiative.objects.filter(municipality=municipality, pk=pk)
        .select_related("scheme__area", "area", "initiator", "contact_official", "municipality")
        .first()
    )


# Deadlines ----------------------------------------------------------------------------------------------


def overdue_flags(initiative: Initiative, today: dt.date) -> dict[str, bool]:
    status = initiative.status
    return {
        "decision": bool(
            status in UNDECIDED and initiative.decision_due_on and initiative.decision_due_on < today
        ),
        "execution": bool(
            status == S.IN_EXECUTION and initiative.execution_ends_on and initiative.execution_ends_on < today
        ),
        "accounting": bool(
            status in (S.IN_EXECUTION, S.ACCOUNTING_DUE)
            and initiative.accounting_due_on
            and initiative.accounting_due_on < today
        ),
    }


@dataclass(frozen=True)
class DueReminder:
    initiative: Initiative
    kind: str
    stage: str
    due_on: dt.date
    days_left: int


def _stage(days_left: int) -> str | None:
    if days_left < 0:
        return "overdue"
    for days, name in sorted(REMINDER_STAGES):
        if days_left <= days:
            return name
    return None


def reminders_due(*, today: dt.date) -> list[DueReminder]:
    """Every execution and accounting deadline within 14 days or past, at its most urgent stage."""
    horizon = today + dt.timedelta(days=max(days for days, _name in REMINDER_STAGES))
    due: list[DueReminder] = []
    execution = Initiative.objects.filter(status=S.IN_EXECUTION, execution_ends_on__lte=horizon)
    accounting = Initiative.objects.filter(
        status__in=(S.IN_EXECUTION, S.ACCOUNTING_DUE), accounting_due_on__lte=horizon
    )
    for kind, queryset, field in (
        (DeadlineKind.EXECUTION, execution, "execution_ends_on"),
        (DeadlineKind.ACCOUNTING, accounting, "accounting_due_on"),
    ):
        for initiative in queryset.select_related("municipality", "scheme").order_by("pk"):
            due_on: dt.date = getattr(initiative, field)
            days_left = (due_on - today).days
            stage = _stage(days_left)
            if stage is not None:
                due.append(DueReminder(initiative, kind, stage, due_on, days_left))
    return due


def execution_ended(*, today: dt.date) -> list[Initiative]:
    """Initiatives still in execution whose execution term ended before `today`."""
    return list(
        Initiative.objects.filter(status=S.IN_EXECUTION, execution_ends_on__lt=today)
        .select_related("municipality")
        .order_by("pk")
    )


# The budget manager's overview --------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewRow:
    initiative: Initiative
    awarded_cents: int | None
    spent_cents: int | None
    returned_cents: int | None
    overdue: dict[str, bool]

    @property
    def is_overdue(self) -> bool:
        return any(self.overdue.values())


def overview_queryset(*, municipality: Municipality, status: str = "") -> QuerySet[Initiative]:
    latest_voucher = (
        Decision.objects.filter(initiative_id=OuterRef("pk"), voucher__isnull=False)
        .order_by("-pk")
        .values("voucher_id")[:1]
    )
    from buurtbudget.rounds.models import Plan

    voted_voucher = Plan.objects.filter(initiative_id=OuterRef("pk")).values("voucher_id")[:1]
    initiatives = (
        Initiative.objects.filter(municipality=municipality)
        .exclude(status=S.DRAFT)
        .select_related("scheme", "contact_official", "settlement")
        .annotate(voucher_pk=Coalesce(Subquery(latest_voucher), Subquery(voted_voucher)))
        .annotate(
            voucher_amount=Subquery(
                Voucher.objects.filter(pk=OuterRef("voucher_pk")).values("amount_cents")[:1]
            ),
            voucher_remaining=Subquery(
                LedgerAccount.objects.filter(
                    municipality=municipality,
                    kind=AccountKind.VOUCHER,
                    owner_key=Concat(
                        Value("voucher:"), Cast(OuterRef("voucher_pk"), output_field=CharField())
                    ),
                ).values("balance_cents")[:1]
            ),
        )
        .order_by("scheme__name", "-submitted_at", "-pk")
    )
    if status in S.values:
        initiatives = initiatives.filter(status=status)
    return initiatives


def overview(
    *, municipality: Municipality, status: str = "", today: dt.date | None = None
) -> list[OverviewRow]:
    """Every initiative of the municipality (drafts excepted) with its state, money and deadlines: one query."""
    day = today or timezone.localdate()
    rows = []
    for initiative in overview_queryset(municipality=municipality, status=status):
        settlement: Settlement | None = getattr(initiative, "settlement", None)
        extra: Any = initiative
        spent: int | None
        returned: int | None
        if settlement is not None:
            spent, returned = settlement.spent_cents, settlement.returned_cents
        elif extra.voucher_amount is not None:
            returned = 0
            spent = extra.voucher_amount - (extra.voucher_remaining or 0)
        else:
            spent = returned = None
        rows.append(
            OverviewRow(
                initiative=initiative,
                awarded_cents=initiative.awarded_cents,
                spent_cents=spent,
                returned_cents=returned,
                overdue=overdue_flags(initiative, day),
            )
        )
    return rows
