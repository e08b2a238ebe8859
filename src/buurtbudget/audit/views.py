"""The audit trail of one municipality, for budget managers and auditors."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from buurtbudget.accounts.access import municipality_permission_required
from buurtbudget.tenancy.models import Municipality

from . import selectors


@municipality_permission_required("audit.view")
def audit_trail(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    events = selectors.events_for_municipality(municipality=municipality)
    page = Paginator(events, 50).get_page(request.GET.get("pagina"))
    return render(request, "audit/trail.html", {"page": page})
