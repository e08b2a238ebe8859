"""Writing audit events. Every service that changes data calls `record` inside its own transaction."""

from __future__ import annotations

from typing import Any

from django.db import connection, models

from buurtbudget.tenancy.models import Municipality

from .models import AuditEvent


class AuditOutsideTransactionError(RuntimeError):
    """An audit row must commit or roll back together with the change it describes."""


def record(
    *,
    actor: Any,
    action: str,
    municipality: Municipality | None,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    if not connection.in_atomic_block:
        raise AuditOutsideTransactionError(f"audit event {action!r} written outside a transaction")
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        municipality=municipality,
        actor=user,
        actor_label=str(getattr(user, "email", "")) if user else "systeem",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=before,
        after=after,
        details=details or {},
    )


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The JSON-safe values of some fields, for the before/after of an audit event."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, models.Model):
            value = value.pk
        elif value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
            value = str(value)
        values[name] = value
    return values
