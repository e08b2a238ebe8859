"""Why a statement line was not matched, in the language of whoever reads it (not of whoever imported it)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .amounts import format_euros
from .models import LineReason, PaymentStatus, StatementLine


def describe(line: StatementLine) -> str:
    details = line.reason_details or {}
    if line.reason == LineReason.WRONG_STATUS:
        status = details.get("status", "")
        label = PaymentStatus(status).label if status in PaymentStatus.values else status
        return _("The request has status '%(status)s', not '%(exported)s'.") % {
            "status": label,
            "exported": PaymentStatus.EXPORTED.label,
        }
    if (
        line.reason == LineReason.AMOUNT_DIFFERS
        and {"line_cents", "currency", "request_cents"} <= details.keys()
    ):
        return _("Amount differs: statement %(line)s %(currency)s, request %(request)s.") % {
            "line": format_euros(details["line_cents"]),
            "currency": details["currency"],
            "request": format_euros(details["request_cents"]),
        }
    if line.reason:
        return str(LineReason(line.reason).label)
    return line.note
