"""Reading the ledger: balances, trial balances and the check that cached balances match the postings."""

from __future__ import annotations

from dataclasses import dataclass

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
