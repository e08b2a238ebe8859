"""Reading the ledger: balances, trial balances and the check that cached balances match the postings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from buurtbudget.tenancy.models import Municipality

from .models import JournalEntry, LedgerAccount, Posting


@dataclass(frozen=True)
class Difference:
    """A cached balance that does not equal the sum of the account's postings."""

    account_id: int
    municipality_id: int
    account_name: str
    cached_cents: int
    posted_cents: int

    @property
    def off_by_cents(self) -> int:
        return self.cached_cents - self.posted_cents


@dataclass(frozen=True)
class TrialBalanceRow:
    account_id: int
    kind: str
    name: str
    balance_cents: int


def posted_balance(account: LedgerAccount) -> int:
    """The balance computed from the postings (the cache is `account.balance_cents`)."""
    total = Posting.objects.filter(account=account).aggregate(total=Sum("amount_cents"))["total"]
    return int(total or 0)


def postings_of(account: LedgerAccount) -> QuerySet[Posting]:
    return Posting.objects.filter(account=account).select_related("entry").order_by("entry__created_at", "pk")


def accounts_of(*, municipality: Municipality, scheme_id: int | None = None) -> QuerySet[LedgerAccount]:
    accounts = LedgerAccount.objects.filter(municipality=municipality)
    if scheme_id is not None:
        accounts = accounts.filter(scheme_id=scheme_id)
    return accounts.order_by("kind", "owner_key")


def trial_balance(*, municipality: Municipality, scheme_id: int | None = None) -> list[TrialBalanceRow]:
    """Every account of the municipality (or one scheme) with its balance; the total is always 0 for a
    whole municipality."""
    return [
        TrialBalanceRow(account_id=a.pk, kind=a.kind, name=a.name, balance_cents=a.balance_cents)
        for a in accounts_of(municipality=municipality, scheme_id=scheme_id)
    ]


def total_posted(*, account: LedgerAccount, entry_kind: str) -> int:
    """Sum of the postings on `account` from entries of one kind (reversals share their entry's kind)."""
    total = Posting.objects.filter(account=account, entry__kind=entry_kind).aggregate(
        total=Sum("amount_cents")
    )["total"]
    return int(total or 0)


def verify_balances(*, municipality: Municipality | None = None) -> list[Difference]:
    """Rebuild every balance from the postings in one query and return the accounts whose cache differs."""
    accounts = LedgerAccount.objects.all()
    if municipality is not None:
        accounts = accounts.filter(municipality=municipality)
    rows = (
        accounts.annotate(posted=Coalesce(Sum("postings__amount_cents"), Value(0)))
        .filter(~Q(balance_cents=F("posted")))
        .order_by("pk")
        .values_list("pk", "municipality_id", "name", "balance_cents", "posted")
    )
    return [
        Difference(
            account_id=pk,
            municipality_id=municipality_id,
            account_name=name,
            cached_cents=int(cached),
            posted_cents=int(posted),
        )
        for pk, municipality_id, name, cached, posted in rows
    ]


def unbalanced_entries(*, municipality: Municipality | None = None) -> list[int]:
    """Ids of entries whose postings do not sum to zero or that have fewer than two (none expected)."""
    entries = JournalEntry.objects.all()
    if municipality is not None:
        entries = entries.filter(municipality=municipality)
    from django.db.models import Count

    rows = (
        entries.annotate(total=Coalesce(Sum("postings__amount_cents"), Value(0)), n=Count("postings"))
        .filter(~Q(total=0) | Q(n__lt=2))
        .values_list("pk", flat=True)
    )
    return list(rows)


@dataclass(frozen=True)
class SchemeTrialRow:
    account_id: int
    kind: str
    name: str
    debit_cents: int
    credit_cents: int  # <= 0

    @property
    def net_cents(self) -> int:
        return self.debit_cents + self.credit_cents


@dataclass(frozen=True)
class SchemeMoneyOverview:
    """A scheme's money from its journal entries: every entry that touches one of its accounts."""

    funded_cents: int
    awarded_cents: int
    reserved_cents: int
    overhead_cap_cents: int
    paid_cents: int
    returned_cents: int
    trial_balance: tuple[SchemeTrialRow, ...]

    @property
    def debit_total_cents(self) -> int:
        return sum(r.debit_cents for r in self.trial_balance)

    @property
    def credit_total_cents(self) -> int:
        return sum(r.credit_cents for r in self.trial_balance)


# Entry kinds (kept here as text so the ledger does not import the apps that book them).
_FUND, _RESERVE, _ISSUE = "scheme.fund", "scheme.reserve_overhead", "voucher.issue"
_RETURNS = ("scheme.return", "scheme.return_to_source")
_PAYMENTS = ("payment.approve", "payment.cash_settle", "payment.cash_return")


def scheme_money_overview(*, scheme: Any) -> SchemeMoneyOverview:
    """Awarded, reserved, paid, returned, overhead used vs cap and a trial balance of one scheme, in one query.

    funded: scheme.fund on the scheme budget; awarded: voucher.issue on its vouchers; reserved: overhead
    reservations; paid: what left its vouchers through payments (approved, less cash brought back);
    returned: vouchers' rests returned at closing. The trial balance has per account the debits and credits
    of the scheme's entries (reversals included), so debits + credits = 0."""
    from django.db.models import IntegerField, Subquery

    touched = Posting.objects.filter(account__scheme_id=scheme.pk).values("entry_id")
    rows = (
        Posting.objects.filter(entry_id__in=Subquery(touched))
        .values("account_id", "account__kind", "account__name", "account__scheme_id", "entry__kind")
        .annotate(
            debit=Coalesce(
                Sum("amount_cents", filter=Q(amount_cents__gt=0)), Value(0), output_field=IntegerField()
            ),
            credit=Coalesce(
                Sum("amount_cents", filter=Q(amount_cents__lt=0)), Value(0), output_field=IntegerField()
            ),
        )
        .order_by("account__kind", "account__name", "account_id")
    )
    by_kind: dict[tuple[str, str], int] = {}
    accounts: dict[int, list[Any]] = {}
    for row in rows:
        net = int(row["debit"]) + int(row["credit"])
        if row["account__scheme_id"] == scheme.pk:
            key = (row["account__kind"], row["entry__kind"])
            by_kind[key] = by_kind.get(key, 0) + net
        account = accounts.setdefault(row["account_id"], [row["account__kind"], row["account__name"], 0, 0])
        account[2] += int(row["debit"])
        account[3] += int(row["credit"])

    def total(account_kind: str, *entry_kinds: str) -> int:
        return sum(by_kind.get((account_kind, kind), 0) for kind in entry_kinds)

    funded = total("scheme_budget", _FUND)
    cap_percent = int(scheme.rule("overhead_cap_percent") or 0)
    return SchemeMoneyOverview(
        funded_cents=funded,
        awarded_cents=total("voucher", _ISSUE),
        reserved_cents=total("overhead_reserve", _RESERVE),
        overhead_cap_cents=funded * cap_percent // 100,
        paid_cents=-total("voucher", *_PAYMENTS),
        returned_cents=-total("voucher", *_RETURNS),
        trial_balance=tuple(
            SchemeTrialRow(account_id=pk, kind=kind, name=name, debit_cents=debit, credit_cents=credit)
            for pk, (kind, name, debit, credit) in accounts.items()
        ),
    )
