"""Reading vouchers: their ledger account, balance, history and the public verification summary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurtbudget.ledger import services as ledger
from buurtbudget.ledger.models import AccountKind, LedgerAccount, Posting
from buurtbudget.ledger.selectors import postings_of

from .models import Voucher, VoucherStatus


def voucher_account(voucher: Voucher) -> LedgerAccount:
    """The voucher's ledger account (may not go negative). Payments book voucher → payable/cash_advance on it."""
    return ledger.account_for(
        municipality=voucher.municipality,
        kind=AccountKind.VOUCHER,
        owner_key=voucher.owner_key,
        name=f"Voucher {voucher.display_code}",
        scheme=voucher.scheme,
    )


def cash_advance_owner_key(voucher: Voucher) -> str:
    """The owner_key of the ledger account for cash paid out in advance on this voucher to its holder
    (kind cash_advance). The payments services book on it; `services.open_cash_advance_cents` reads it."""
    return f"{voucher.owner_key}:holder:{voucher.holder_id}"


def balance_cents(voucher: Voucher) -> int:
    account = LedgerAccount.objects.filter(kind=AccountKind.VOUCHER, owner_key=voucher.owner_key).first()
    return account.balance_cents if account is not None else 0


def history(voucher: Voucher) -> QuerySet[Posting]:
    return postings_of(voucher_account(voucher))


def by_code(code: str) -> Voucher | None:
    """`code` must be normalised first (codes.normalise_code)."""
    return Voucher.objects.select_related("scheme", "municipality").filter(code=code).first()


def vouchers_of(holder_id: int) -> QuerySet[Voucher]:
    return Voucher.objects.filter(holder_id=holder_id).select_related("scheme").order_by("-issued_at")


def is_expired(voucher: Voucher, today: dt.date | None = None) -> bool:
    return voucher.valid_until < (today or timezone.localdate())


def spendable_problem(voucher: Voucher) -> str | None:
    """None when money may still be spent from the voucher, else why not (in the active language)."""
    if voucher.status not in (VoucherStatus.ISSUED, VoucherStatus.PARTLY_REDEEMED):
        return _("This voucher can no longer be used.")
    if is_expired(voucher):
        return _("This voucher has expired.")
    return None


@dataclass(frozen=True)
class PublicSummary:
    """What anyone holding the code may see: no personal data."""

    display_code: str
    state: str  # valid | expired | cancelled | used | closed
    state_label: str
    amount_cents: int
    remaining_cents: int
    valid_until: dt.date
    scheme_name: str
    municipality_name: str


STATE_LABELS = {
    "valid": gettext_lazy("Valid"),
    "expired": gettext_lazy("Expired"),
    "cancelled": gettext_lazy("Cancelled"),
    "used": gettext_lazy("Fully used"),
    "closed": gettext_lazy("Closed"),
}


def public_summary(voucher: Voucher) -> PublicSummary:
    if voucher.status == VoucherStatus.CANCELLED:
        state = "cancelled"
    elif voucher.status == VoucherStatus.CLOSED:
        state = "closed"
    elif voucher.status == VoucherStatus.FULLY_REDEEMED:
        state = "used"
    elif voucher.status == VoucherStatus.EXPIRED or is_expired(voucher):
        state = "expired"
    else:
        state = "valid"
    return PublicSummary(
        display_code=voucher.display_code,
        state=state,
        state_label=str(STATE_LABELS[state]),
        amount_cents=voucher.amount_cents,
        remaining_cents=balance_cents(voucher),
        valid_until=voucher.valid_until,
        scheme_name=voucher.scheme.name,
        municipality_name=voucher.municipality.name,
    )
