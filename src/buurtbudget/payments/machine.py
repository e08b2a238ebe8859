"""The payment-request lifecycle as data (see statemachine.machine).

invoice: submitted → approved → exported → paid, or submitted → rejected
cash:    submitted → approved (paid out as an advance to the holder) → settled | returned
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from buurtbudget.statemachine.machine import StateMachine, transition

from .models import PaymentKind, PaymentRequest, PaymentStatus

S = PaymentStatus


def _invoice_only(instance: Any, actor: Any) -> str | None:
    if instance.kind != PaymentKind.INVOICE:
        return _("Only invoices go through the bank.")
    return None


def _cash_only(instance: Any, actor: Any) -> str | None:
    if instance.kind != PaymentKind.CASH:
        return _("This applies to cash withdrawals only.")
    return None


PAYMENT_MACHINE = StateMachine(
    model=PaymentRequest,
    state_field="status",
    audit_prefix="payments.request",
    transitions=(
        transition("approve", sources=[S.SUBMITTED], target=S.APPROVED, permission="payments.approve"),
        transition(
            "reject",
            sources=[S.SUBMITTED],
            target=S.REJECTED,
            permission="payments.approve",
            reason_required=True,
        ),
        transition(
            "export",
            sources=[S.APPROVED],
            target=S.EXPORTED,
            permission="payments.export",
            guards=[_invoice_only],
        ),
        transition("mark_paid", sources=[S.EXPORTED], target=S.PAID, permission="payments.export"),
        # Settling or returning an advance: the holder or a payer; the service checks who.
        transition("settle", sources=[S.APPROVED], target=S.SETTLED, guards=[_cash_only]),
        transition("return_cash", sources=[S.APPROVED], target=S.RETURNED, guards=[_cash_only]),
    ),
)
