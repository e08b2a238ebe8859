"""A double-entry ledger: the only place where money moves.

Accounts hold a cached balance; journal entries group two or more postings that sum to zero. Postings and
entries are append-only: a mistake is corrected by a reversing entry. On PostgreSQL the database enforces the
rules itself (triggers below); on SQLite the services do (`ledger.services.book`).
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    SOURCE_BUDGET = "source_budget", _("Municipal source budget")
    SCHEME_BUDGET = "scheme_budget", _("Scheme budget")
    OVERHEAD_RESERVE = "overhead_reserve", _("Overhead reserve")
    VOUCHER = "voucher", _("Voucher")
    PAYABLE = "payable", _("Payable")
    CASH_ADVANCE = "cash_advance", _("Cash advance")
    BANK_IN_TRANSIT = "bank_in_transit", _("Bank in transit")
    PAID_OUT = "paid_out", _("Paid out")
    CLAWBACK = "clawback", _("Clawback")


class LedgerAccount(models.Model):
    municipality = models.ForeignKey(
        "tenancy.Municipality", on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=AccountKind.choices)
    # What the account belongs to, e.g. "scheme:12", "voucher:7", "scheme:12:execution"; "" for singletons.
    owner_key = models.CharField(_("owner"), max_length=100, blank=True, default="")
    scheme = models.ForeignKey(
        "schemes.Scheme", on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_accounts"
    )
    name = models.CharField(_("name"), max_length=200)
    may_go_negative = models.BooleanField(_("may go negative"), default=False)
    # Cache of SUM(postings.amount_cents); `buurtbudget ledger verify` rebuilds and compares it.
    balance_cents = models.BigIntegerField(_("balance (cents)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "owner_key"], name="ledger_account_unique_owner"
            ),
            models.CheckConstraint(
                condition=Q(may_go_negative=True) | Q(balance_cents__gte=0),
                name="ledger_account_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.kind} {self.owner_key}"


BALANCED_ENTRY_SQL = """
DECLARE
    total bigint;
    n integer;
BEGIN
    SELECT COALESCE(SUM(amount_cents), 0), COUNT(*) INTO total, n
      FROM ledger_posting WHERE entry_id = {entry_id};
    IF n < 2 OR total <> 0 THEN
        RAISE EXCEPTION 'ledger entry % is not balanced: % postings summing to %', {entry_id}, n, total
            USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END;
"""


class JournalEntry(models.Model):
    municipality = models.ForeignKey(
        "tenancy.Municipality", on_delete=models.PROTECT, related_name="journal_entries"
    )
    kind = models.CharField(_("kind"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    description = models.CharField(_("description"), max_length=300)
    idempotency_key = models.CharField(max_length=200, unique=True)
    # sha256 of what the entry books; the same key with a different payload is refused.
    payload_hash = models.CharField(max_length=64)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        triggers = [
            pgtrigger.Protect(name="entry_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            # An entry committed without (enough) postings is refused at COMMIT.
            pgtrigger.Trigger(
                name="entry_has_balanced_postings",
                level=pgtrigger.Row,
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                timing=pgtrigger.Deferred,
                func=BALANCED_ENTRY_SQL.format(entry_id="NEW.id"),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.description}"


class Posting(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings")
    amount_cents = models.BigIntegerField(_("amount (cents)"))

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        constraints = [
            models.CheckConstraint(condition=~Q(amount_cents=0), name="ledger_posting_not_zero"),
        ]
        triggers = [
            pgtrigger.Protect(name="posting_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            # Checked at COMMIT, once all postings of the entry are in.
            pgtrigger.Trigger(
                name="posting_entry_balanced",
                level=pgtrigger.Row,
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                timing=pgtrigger.Deferred,
                func=BALANCED_ENTRY_SQL.format(entry_id="NEW.entry_id"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount_cents}"
