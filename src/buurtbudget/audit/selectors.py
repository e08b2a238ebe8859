"""Reading the audit trail."""

from __future__ import annotations

from django.db.models import QuerySet

from buurtbudget.tenancy.models import Municipality

from .models import AuditEvent


def events_for_municipality(*, municipality: Municipality) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(municipality=municipality).select_related("actor")
