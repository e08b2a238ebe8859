"""The district's overview of community budgets and the public page of each group."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from buurtbudget.accounts.access import municipality_permission_required
from buurtbudget.tenancy.models import Municipality

from . import selectors, services
from .models import YearReport


@require_GET
@municipality_permission_required("community.oversee")
def district_overview(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return render(
        request,
        "community/overview.html",
        {"rows": selectors.district_overview(municipality=municipality)},
    )


@require_POST
@municipality_permission_required("community.oversee")
def accept_report(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    report = get_object_or_404(
        YearReport.objects.select_related("budget__group"), pk=pk, budget__group__municipality=municipality
    )
    try:
        services.accept_year_report(actor=request.user, report=report)  # type: ignore[arg-type]
    except services.CommunityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The year report is accepted."))
    return redirect("core:community_overview", gemeente=municipality.slug)


@require_GET
def public_group(request: HttpRequest, gemeente: str, pk: int) -> HttpResponse:
    municipality = get_object_or_404(Municipality, slug=gemeente, is_active=True)
    request.municipality = municipality  # type: ignore[attr-defined]
    group = selectors.public_group(municipality=municipality, pk=pk)
    if group is None:
        raise Http404
    return render(
        request, "community/group.html", {"group": group, "budgets": selectors.public_budgets(group=group)}
    )
