"""The voucher lifecycle: issue (money reserved), redeem, expire, cancel, close (rest returned).

Money: issuing books scheme_budget → voucher account ("voucher.issue"). The payments services spend a
voucher by booking voucher → payable or voucher → cash_advance with `ledger.services.book` on
`vouchers.selectors.voucher_account(voucher)`, and then call `record_redemption(voucher=..., actor=...)` in the
same transaction: it derives partly/fully redeemed from the voucher account's balance. Closing books the rest
voucher → scheme_budget (or → the municipality's source budget when the scheme has closed).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtbudget.ledger import services as ledger
from buurtbudget.schemes import services as schemes
from buurtbudget.schemes.models import Scheme
from buurtbudget.statemachine.machine import StateMachine
from buurtbudget.statemachine.machine import transition as step
from buurtbudget.statemachine.services import TransitionNotAllowed, apply_transition

from .codes import generate_code
from .models import Voucher, VoucherStatus
from .selectors import cash_advance_owner_key, voucher_account

S = VoucherStatus
ISSUE = "voucher.issue"
CLOSE = "voucher.close"


def _expired_guard(voucher: Voucher, actor: Any) -> str | None:
    if voucher.valid_until >= timezone.localdate():
        return _("This voucher is still valid.")
    return None


VOUCHER_MACHINE = StateMachine(
    model=Voucher,
    state_field="status",
    audit_prefix="vouchers.voucher",
    transitions=(
        step("redeem_partly", sources=[S.ISSUED], target=S.PARTLY_REDEEMED, label="Deels gebruikt"),
        step(
            "redeem_fully", sources=[S.ISSUED, S.PARTLY_REDEEMED], target=S.FULLY_REDEEMED, label="Volledig"
        ),
        step(
            "expire",
            sources=[S.ISSUED, S.PARTLY_REDEEMED],
            target=S.EXPIRED,
            label="Verlopen",
            guards=[_expired_guard],
        ),
        step(
            "cancel",
            sources=[S.ISSUED, S.PARTLY_REDEEMED],
            target=S.CANCELLED,
            label="Intrekken",
            reason_required=True,
        ),
        step("close", sources=[S.FULLY_REDEEMED, S.EXPIRED, S.CANCELLED], target=S.CLOSED, label="Afsluiten"),
    ),
)


class VoucherError(ledger.LedgerError):
    """A voucher request is refused; nothing changed."""


def issue_voucher(
    *,
    actor: Any,
    scheme: Scheme,
    holder: Any,
    amount_cents: int,
    valid_until: dt.date,
    conditions: str,
    idempotency_key: str,
) -> Voucher:
    """Issue a voucher and reserve its amount from the scheme's budget.

    The same idempotency key returns the voucher issued the first time (a different request with that key is
    refused). Fails with InsufficientFunds when the scheme lacks the money, with VoucherError on bad input.
    """
    if type(amount_cents) is not int or amount_cents <= 0:
        raise VoucherError(_("The amount must be positive."))
    low, high = int(scheme.rule("voucher_min_cents")), int(scheme.rule("voucher_max_cents"))
    if not low <= amount_cents <= high:
        raise VoucherError(
            _("A voucher must be between %(low)s and %(high)s.")
            % {"low": ledger.format_cents(low), "high": ledger.format_cents(high)}
        )
    if valid_until < timezone.localdate():
        raise VoucherError(_("The validity date is in the past."))
    if scheme.is_closed:
        raise VoucherError(_("This scheme is closed."))
    with transaction.atomic(durable=True):
        existing = Voucher.objects.filter(issue_key=idempotency_key).first()
        if existing is not None:
            return _same_request(existing, scheme=scheme, holder=holder, amount_cents=amount_cents)
        try:
            with transaction.atomic():
                voucher = Voucher.objects.create(
                    code=_unused_code(),
                    municipality=scheme.municipality,
                    scheme=scheme,
                    holder=holder,
                    amount_cents=amount_cents,
                    valid_until=valid_until,
                    conditions=conditions,
                    issue_key=idempotency_key,
                )
        except IntegrityError:
            existing = Voucher.objects.filter(issue_key=idempotency_key).first()
            if existing is None:
                raise
            return _same_request(existing, scheme=scheme, holder=holder, amount_cents=amount_cents)
        ledger.book(
            municipality=scheme.municipality,
            kind=ISSUE,
            description=f"Voucher {voucher.display_code} ({scheme.name})",
            idempotency_key=f"voucher:{idempotency_key}",
            postings=[
                (schemes.scheme_account(scheme=scheme), -amount_cents),
                (voucher_account(voucher), amount_cents),
            ],
            actor=actor,
        )
        from buurtbudget.audit import services as audit

        audit.record(
            actor=actor,
            action="vouchers.voucher.issue",
            municipality=scheme.municipality,
            obj=voucher,
            after={"amount_cents": amount_cents, "valid_until": valid_until.isoformat(), "scheme": scheme.pk},
        )
        return voucher


def _same_request(voucher: Voucher, *, scheme: Scheme, holder: Any, amount_cents: int) -> Voucher:
    if (voucher.scheme_id, voucher.holder_id, voucher.amount_cents) != (scheme.pk, holder.pk, amount_cents):
        raise ledger.IdempotencyConflict(_("This key was already used for another voucher."))
    return voucher


def _unused_code() -> str:
    while True:
        code = generate_code()
        if not Voucher.objects.filter(code=code).exists():
            return code


def record_redemption(*, voucher: Voucher, actor: Any) -> Voucher:
    """After money left the voucher account (inside the caller's transaction): set partly/fully redeemed
    from the balance. Does nothing when the status already matches."""
    assert connection.in_atomic_block, "record_redemption runs inside the payment's transaction"
    account = voucher_account(voucher)
    account.refresh_from_db(fields=["balance_cents"])
    if account.balance_cents == 0 and voucher.status in (S.ISSUED, S.PARTLY_REDEEMED):
        return apply_transition(machine=VOUCHER_MACHINE, instance=voucher, name="redeem_fully", actor=actor)
    if 0 < account.balance_cents < voucher.amount_cents and voucher.status == S.ISSUED:
        return apply_transition(machine=VOUCHER_MACHINE, instance=voucher, name="redeem_partly", actor=actor)
    return voucher


def expire_voucher(*, voucher: Voucher, actor: Any) -> Voucher:
    """Mark a voucher whose validity has passed as expired (the rest is returned on close)."""
    with transaction.atomic(durable=True):
        return apply_transition(machine=VOUCHER_MACHINE, instance=voucher, name="expire", actor=actor)


def cancel_voucher(*, voucher: Voucher, actor: Any, reason: str) -> Voucher:
    with transaction.atomic(durable=True):
        return apply_transition(
            machine=VOUCHER_MACHINE, instance=voucher, name="cancel", actor=actor, reason=reason
        )


def open_cash_advance_cents(voucher: Voucher) -> int:
    """Cash paid out in advance on this voucher that is not yet accounted for (locked for the caller's
    transaction). The payments services book voucher → cash_advance and back when it is settled or returned."""
    from buurtbudget.ledger.models import AccountKind, LedgerAccount

    advance = (
        LedgerAccount.objects.select_for_update()
        .filter(
            municipality_id=voucher.municipality_id,
            kind=AccountKind.CASH_ADVANCE,
            owner_key=cash_advance_owner_key(voucher),
        )
        .first()
    )
    return advance.balance_cents if advance is not None else 0


def close_voucher(*, voucher: Voucher, actor: Any) -> Voucher:
    """Close a fully redeemed, expired or cancelled voucher and return its rest to the scheme (or to the
    municipality when the scheme has closed). Refused (VoucherError, nothing changes) while a cash advance
    is not yet accounted for: settling it may return money to the voucher, which closing would then miss."""
    with transaction.atomic(durable=True):
        if open_cash_advance_cents(voucher) > 0:
            raise VoucherError(
                _(
                    "This voucher still has a cash advance that has not been accounted for. Account for it first."
                )
            )
        closed = apply_transition(machine=VOUCHER_MACHINE, instance=voucher, name="close", actor=actor)
        account = voucher_account(closed)
        locked = type(account).objects.select_for_update().get(pk=account.pk)
        if locked.balance_cents < 0:  # pragma: no cover - the database forbids it
            raise TransitionNotAllowed(_("Negative voucher balance."))
        if locked.balance_cents > 0:
            scheme = Scheme.objects.get(pk=closed.scheme_id)
            schemes.return_to_scheme_or_source(
                actor=actor,
                scheme=scheme,
                from_account=locked,
                amount_cents=locked.balance_cents,
                idempotency_key=f"voucher:{closed.pk}:close",
                why=f"Rest van voucher {closed.display_code} terug",
            )
        return closed
