"""The scheme's money overview for staff, under /<gemeente>/beheer/geld/ (permission "ledger.view")."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from buurtbudget.accounts.access import municipality_permission_required
from buurtbudget.schemes.selectors import scheme_by_slug
from buurtbudget.tenancy.models import Municipality

from . import selectors


@municipality_permission_required("ledger.view")
def scheme_money(request: HttpRequest, municipality: Municipality, scheme: str) -> HttpResponse:
    the_scheme = scheme_by_slug(municipality=municipality, slug=scheme)
    if the_scheme is None:
        raise Http404
    overview = selectors.scheme_money_overview(scheme=the_scheme)
    return render(request, "ledger/scheme_money.html", {"scheme": the_scheme, "overview": overview})
