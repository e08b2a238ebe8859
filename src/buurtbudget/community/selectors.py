"""Reading community budgets. Every figure comes from the ledger (postings), never from our own tables."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet, Sum

from buurtbudget.ledger import services as ledger
from buurtbudget.ledger.models import AccountKind, LedgerAccount, Posting
from buurtbudget.tenancy.models import Municipality
from buurtbudget.vouchers.selectors import voucher_account

from .models import (
    ActivityKind,
    ActivityStatus,
    CommunityBudget,
    GroupMember,
    MemberRole,
    ResidentsGroup,
    SubBudget,
)

# Entry kinds that move money back out of a voucher to the scheme or the municipality (vouchers.close_voucher).
RETURN_KINDS = ("scheme.return", "scheme.return_to_source")
ISSUE_KIND = "voucher.issue"


def group_account(budget: CommunityBudget) -> LedgerAccount:
    """The group's budget account for one budget, held by its penvoerder (created on first use)."""
    group = budget.group
    return ledger.account_for(
        municipality=group.municipality,
        kind=AccountKind.SCHEME_BUDGET,
        owner_key=budget.owner_key,
        name=f"Gemeenschapsbudget {group.name} {budget.year} (penvoerder {group.penvoerder_name})"[:200],
        scheme=budget.scheme,
    )


def group_balance_cents(budget: CommunityBudget) -> int:
    account = LedgerAccount.objects.filter(
        municipality_id=budget.group.municipality_id,
        kind=AccountKind.SCHEME_BUDGET,
        owner_key=budget.owner_key,
    ).first()
    return account.balance_cents if account is not None else 0


def treasurer_of(group: ResidentsGroup) -> GroupMember | None:
    return GroupMember.objects.filter(group=group, role=MemberRole.TREASURER).select_related("user").first()


def support_allocated_cents(budget: CommunityBudget) -> int:
    total = (
        SubBudget.objects.filter(budget=budget, kind=ActivityKind.SUPPORT)
        .exclude(status=ActivityStatus.FAILED)
        .aggregate(total=Sum("amount_cents"))["total"]
    )
    return int(total or 0)


@dataclass
class ActivityFigures:
    sub_budget: SubBudget
    allocated_cents: int = 0
    spent_cents: int = 0
    returned_cents: int = 0
    balance_cents: int = 0


@dataclass
class BudgetFigures:
    budget: CommunityBudget
    funded_cents: int = 0
    unallocated_cents: int = 0
    activities: list[ActivityFigures] = field(default_factory=list)

    @property
    def allocated_cents(self) -> int:
        return sum(a.allocated_cents for a in self.activities)

    @property
    def spent_cents(self) -> int:
        return sum(a.spent_cents for a in self.activities)

    @property
    def returned_cents(self) -> int:
        return sum(a.returned_cents for a in self.activities)

    def as_json(self) -> dict[str, Any]:
        return {
            "funded_cents": self.funded_cents,
            "unallocated_cents": self.unallocated_cents,
            "activities": [
                {
                    "name": a.sub_budget.name,
                    "kind": a.sub_budget.kind,
                    "allocated_cents": a.allocated_cents,
                    "spent_cents": a.spent_cents,
                    "returned_cents": a.returned_cents,
                    "balance_cents": a.balance_cents,
                }
                for a in self.activities
            ],
        }


def figures_for(budgets: list[CommunityBudget]) -> list[BudgetFigures]:
    """Ledger figures of several budgets in a fixed number of queries.

    Per activity: allocated = booked onto its voucher at issue, returned = booked back from it when closed,
    still on the voucher = its balance, spent = what left it for payments (allocated - returned - balance).
    """
    subs = list(
        SubBudget.objects.filter(budget__in=budgets, status=ActivityStatus.ACTIVE)
        .select_related("voucher")
        .order_by("created_at", "pk")
    )
    keys = [b.owner_key for b in budgets] + [f"voucher:{s.voucher_id}" for s in subs]
    municipality_ids = {b.group.municipality_id for b in budgets}
    accounts = {
        (a.kind, a.owner_key): a
        for a in LedgerAccount.objects.filter(
            municipality_id__in=municipality_ids,
            kind__in=[AccountKind.SCHEME_BUDGET, AccountKind.VOUCHER],
            owner_key__in=keys,
        )
    }
    sums: dict[tuple[int, str], int] = defaultdict(int)
    rows = (
        Posting.objects.filter(account__in=[a.pk for a in accounts.values()])
        .values("account_id", "entry__kind")
        .annotate(total=Sum("amount_cents"))
    )
    for row in rows:
        sums[(row["account_id"], row["entry__kind"])] += int(row["total"] or 0)
    by_budget: dict[int, BudgetFigures] = {}
    result = []
    for budget in budgets:
        account = accounts.get((AccountKind.SCHEME_BUDGET, budget.owner_key))
        figures = BudgetFigures(budget=budget)
        if account is not None:
            figures.funded_cents = sums[(account.pk, "community.fund")]
            figures.unallocated_cents = account.balance_cents
        by_budget[budget.pk] = figures
        result.append(figures)
    for sub in subs:
        voucher_acc = accounts.get((AccountKind.VOUCHER, f"voucher:{sub.voucher_id}"))
        activity = ActivityFigures(sub_budget=sub)
        if voucher_acc is not None:
            activity.allocated_cents = sums[(voucher_acc.pk, ISSUE_KIND)]
            activity.returned_cents = -sum(sums[(voucher_acc.pk, kind)] for kind in RETURN_KINDS)
            activity.balance_cents = voucher_acc.balance_cents
            activity.spent_cents = activity.allocated_cents - activity.returned_cents - activity.balance_cents
        by_budget[sub.budget_id].activities.append(activity)
    return result


def year_figures(budget: CommunityBudget) -> BudgetFigures:
    return figures_for([budget])[0]


def budgets_of(*, municipality: Municipality) -> list[CommunityBudget]:
    return list(
        CommunityBudget.objects.filter(group__municipality=municipality)
        .select_related("group", "group__area", "scheme", "report")
        .order_by("group__name", "-year")
    )


def district_overview(*, municipality: Municipality) -> list[BudgetFigures]:
    """Every group's budgets of one municipality with the ledger figures (for the district)."""
    return figures_for(budgets_of(municipality=municipality))


def groups_of(*, municipality: Municipality) -> QuerySet[ResidentsGroup]:
    return ResidentsGroup.objects.filter(municipality=municipality).select_related("area").order_by("name")


def public_group(*, municipality: Municipality, pk: int) -> ResidentsGroup | None:
    return ResidentsGroup.objects.filter(municipality=municipality, pk=pk).select_related("area").first()


def public_budgets(*, group: ResidentsGroup) -> list[BudgetFigures]:
    budgets = list(
        CommunityBudget.objects.filter(group=group)
        .select_related("group", "scheme", "report")
        .order_by("-year")
    )
    return figures_for(budgets)


def voucher_account_of(sub_budget: SubBudget) -> LedgerAccount:
    assert sub_budget.voucher is not None
    return voucher_account(sub_budget.voucher)
