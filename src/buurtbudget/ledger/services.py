"""Booking money. Every movement of money in buurtbudget goes through `book`.

`book` and `reverse` join the caller's transaction when one is open (other services compose them, e.g.
`vouchers.services.issue_voucher` or the payments services) and otherwise open their own; `book_entry` and
`reverse_entry` are the durable versions for top-level callers (views, commands, tasks).

Rules (also enforced by PostgreSQL itself, see models.py):
- an entry has at least two postings, each a non-zero integer number of cents, summing to zero;
- all accounts of an entry belong to the entry's municipality;
- an account that may not go negative never does: the touched accounts are locked (in id order, so two
  bookings can never deadlock) before their balances are checked and updated;
- an idempotency key books once: the same key with the same payload returns the first entry, with another
  payload it raises `IdempotencyConflict`. The payload is (municipality, kind, reverses, postings); the
  description is not part of it.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, Case, F, Value, When
from django.utils.translation import gettext as _

from buurtbudget.audit import services as audit
from buurtbudget.tenancy.models import Municipality

from .models import AccountKind, JournalEntry, LedgerAccount, Posting


class LedgerError(Exception):
    """A booking is refused; the message is for people (in the active language). Nothing was booked."""


class UnbalancedEntry(LedgerError):
    pass


class IdempotencyConflict(LedgerError):
    pass


class InsufficientFunds(LedgerError):
    def __init__(self, message: str, *, account: LedgerAccount, shortfall_cents: int) -> None:
        super().__init__(message)
        self.account = account
        self.shortfall_cents = shortfall_cents


class AlreadyReversed(LedgerError):
    pass


def format_cents(cents: int) -> str:
    """1234567 -> '€ 12.345,67' (Dutch notation), integers only."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}€ {euros:,}".replace(",", ".") + f",{rest:02d}"


def account_for(
    *,
    municipality: Municipality,
    kind: str,
    owner_key: str = "",
    name: str = "",
    may_go_negative: bool = False,
    scheme: Any = None,
) -> LedgerAccount:
    """The account of (municipality, kind, owner_key), created on first use."""
    if kind not in AccountKind.values:
        raise ValueError(f"unknown account kind {kind!r}")
    account, _created = LedgerAccount.objects.get_or_create(
        municipality=municipality,
        kind=kind,
        owner_key=owner_key,
        defaults={
            "name": name or f"{AccountKind(kind).label} {owner_key}".strip(),
            "may_go_negative": may_go_negative,
            "scheme": scheme,
        },
    )
    return account


def payload_hash(
    *, municipality_id: int, kind: str, postings: Sequence[tuple[int, int]], reverses_id: int | None
) -> str:
    payload = {
        "municipality": municipality_id,
        "kind": kind,
        "reverses": reverses_id,
        "postings": sorted([account_id, amount] for account_id, amount in postings),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _validate(
    *, municipality: Municipality, postings: Sequence[tuple[LedgerAccount, int]], idempotency_key: str
) -> None:
    if not idempotency_key.strip():
        raise LedgerError(_("A booking needs an idempotency key."))
    if len(postings) < 2:
        raise UnbalancedEntry(_("An entry needs at least two postings."))
    for account, amount in postings:
        if type(amount) is not int:  # also refuses bool, float and Decimal
            raise UnbalancedEntry(
                _("Amounts must be whole cents (int), got %(amount)s.") % {"amount": repr(amount)}
            )
        if amount == 0:
            raise UnbalancedEntry(_("A posting cannot be zero."))
        if account.pk is None or account.municipality_id != municipality.pk:
            raise LedgerError(_("All accounts must belong to the entry's municipality."))
    total = sum(amount for _account, amount in postings)
    if total != 0:
        raise UnbalancedEntry(
            _("The entry does not balance (off by %(difference)s).") % {"difference": format_cents(total)}
        )


def _existing(idempotency_key: str, digest: str) -> JournalEntry | None:
    entry = JournalEntry.objects.filter(idempotency_key=idempotency_key).first()
    if entry is not None and entry.payload_hash != digest:
        raise IdempotencyConflict(_("This idempotency key was already used for a different booking."))
    return entry


def book(
    *,
    municipality: Municipality,
    kind: str,
    description: str,
    idempotency_key: str,
    postings: Sequence[tuple[LedgerAccount, int]],
    actor: Any = None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Book one balanced entry, inside the caller's transaction if one is open. See the module docstring."""
    _validate(municipality=municipality, postings=postings, idempotency_key=idempotency_key)
    digest = payload_hash(
        municipality_id=municipality.pk,
        kind=kind,
        postings=[(account.pk, amount) for account, amount in postings],
        reverses_id=reverses.pk if reverses else None,
    )
    # Inside a caller's transaction no savepoint is needed: every refusal below happens before the first write.
    with nullcontext() if connection.in_atomic_block else transaction.atomic():
        existing = _existing(idempotency_key, digest)
        if existing is not None:
            return existing

        deltas: dict[int, int] = defaultdict(int)
        for account, amount in postings:
            deltas[account.pk] += amount
        # Lock in a stable order: concurrent bookings on the same accounts queue instead of deadlocking.
        locked = {
            a.pk: a for a in LedgerAccount.objects.select_for_update().filter(pk__in=deltas).order_by("pk")
        }
        # Someone with the same key may have committed while we waited for the locks.
        existing = _existing(idempotency_key, digest)
        if existing is not None:
            return existing

        for account_id, delta in deltas.items():
            account = locked[account_id]
            if not account.may_go_negative and account.balance_cents + delta < 0:
                shortfall = -(account.balance_cents + delta)
                have, need = format_cents(account.balance_cents), format_cents(-delta)
                raise InsufficientFunds(
                    _("Not enough money in %(account)s: balance %(balance)s, needed %(needed)s.")
                    % {"account": account, "balance": have, "needed": need},
                    account=account,
                    shortfall_cents=shortfall,
                )

        try:
            with transaction.atomic():
                entry = JournalEntry.objects.create(
                    municipality=municipality,
                    kind=kind,
                    actor=actor if getattr(actor, "is_authenticated", False) else None,
                    description=description[:300],
                    idempotency_key=idempotency_key,
                    payload_hash=digest,
                    reverses=reverses,
                )
        except IntegrityError:
            # Lost a race for the same key (with different accounts, so the locks did not queue us).
            existing = _existing(idempotency_key, digest)
            if existing is None:
                raise
            return existing
        Posting.objects.bulk_create(
            [Posting(entry=entry, account_id=account.pk, amount_cents=amount) for account, amount in postings]
        )
        changed = {account_id: delta for account_id, delta in deltas.items() if delta}
        if changed:
            LedgerAccount.objects.filter(pk__in=changed).update(
                balance_cents=F("balance_cents")
                + Case(
                    *(When(pk=pk, then=Value(d)) for pk, d in changed.items()), output_field=BigIntegerField()
                )
            )
        audit.record(
            actor=actor,
            action="ledger.book",
            municipality=municipality,
            obj=entry,
            details={
                "kind": kind,
                "key": idempotency_key,
                "reverses": reverses.pk if reverses else None,
                "postings": [[account.pk, amount] for account, amount in postings],
            },
        )
        return entry


def book_entry(
    *,
    municipality: Municipality,
    kind: str,
    description: str,
    idempotency_key: str,
    postings: Sequence[tuple[LedgerAccount, int]],
    actor: Any = None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """`book` in its own durable transaction."""
    with transaction.atomic(durable=True):
        return book(
            municipality=municipality,
            kind=kind,
            description=description,
            idempotency_key=idempotency_key,
            postings=postings,
            actor=actor,
            reverses=reverses,
        )


def reverse(*, entry: JournalEntry, actor: Any, reason: str, idempotency_key: str) -> JournalEntry:
    """Undo `entry` with a new entry of the same kind and opposite postings (inside the caller's transaction
    if one is open). An entry is reversed at most once; a reversal is itself never reversed."""
    if not reason.strip():
        raise LedgerError(_("A reason is required."))
    if entry.reverses_id is not None:
        raise LedgerError(_("A reversal cannot be reversed; book anew."))
    with transaction.atomic():
        done = JournalEntry.objects.filter(reverses=entry).first()
        if done is not None:
            if done.idempotency_key == idempotency_key:
                return done
            raise AlreadyReversed(_("This entry was already reversed."))
        postings = [(p.account, -p.amount_cents) for p in entry.postings.select_related("account")]
        return book(
            municipality=entry.municipality,
            kind=entry.kind,
            description=f"Terugboeking #{entry.pk}: {reason}",
            idempotency_key=idempotency_key,
            postings=postings,
            actor=actor,
            reverses=entry,
        )


def reverse_entry(*, entry: JournalEntry, actor: Any, reason: str, idempotency_key: str) -> JournalEntry:
    """`reverse` in its own durable transaction."""
    with transaction.atomic(durable=True):
        return reverse(entry=entry, actor=actor, reason=reason, idempotency_key=idempotency_key)


def rebuild_balances(*, actor: Any, municipality: Municipality | None = None) -> int:
    """Set every cached balance to the sum of its postings; returns how many were wrong (and fixed)."""
    from .selectors import verify_balances

    with transaction.atomic(durable=True):
        accounts = LedgerAccount.objects.select_for_update().order_by("pk")
        if municipality is not None:
            accounts = accounts.filter(municipality=municipality)
        list(accounts)
        differences = verify_balances(municipality=municipality)
        for difference in differences:
            LedgerAccount.objects.filter(pk=difference.account_id).update(
                balance_cents=difference.posted_cents
            )
            audit.record(
                actor=actor,
                action="ledger.rebuild_balance",
                municipality=Municipality.objects.filter(pk=difference.municipality_id).first(),
                before={"balance_cents": difference.cached_cents},
                after={"balance_cents": difference.posted_cents},
                details={"account": difference.account_id},
            )
        return len(differences)
