"""The district's overview of community budgets and the public page of each group."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buurtbudget.accounts.access import municipality_permission_required
from buurtbudget.tenancy.models import Municipality

from . import selectors, services
from .forms import AllocationForm, YearReportForm
from .models import ResidentsGroup, YearReport


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


def _own_group(request: HttpRequest, gemeente: str, pk: int) -> ResidentsGroup:
    municipality = get_object_or_404(Municipality, slug=gemeente, is_active=True)
    request.municipality = municipality  # type: ignore[attr-defined]
    group = selectors.public_group(municipality=municipality, pk=pk)
    if group is None:
        raise Http404
    if not request.user.has_perm("community.manage_own", group):
        raise PermissionDenied
    return group


def _manage_page(
    request: HttpRequest,
    group: ResidentsGroup,
    *,
    allocation: AllocationForm | None = None,
    report: YearReportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = selectors.public_budgets(group=group)
    budgets = [row.budget for row in rows]
    open_budgets = [b for b in budgets if not hasattr(b, "report")]
    return render(
        request,
        "community/manage.html",
        {
            "group": group,
            "budgets": rows,
            "allocation_form": allocation or AllocationForm(budgets=budgets),
            "report_form": report or YearReportForm(budgets=open_budgets),
            "can_report": bool(open_budgets),
        },
        status=status,
    )


@require_http_methods(["GET"])
def manage_group(request: HttpRequest, gemeente: str, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _manage_page(request, _own_group(request, gemeente, pk))


@require_POST
def allocate(request: HttpRequest, gemeente: str, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    group = _own_group(request, gemeente, pk)
    budgets = [row.budget for row in selectors.public_budgets(group=group)]
    form = AllocationForm(request.POST, budgets=budgets)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.allocate(
                actor=request.user,
                budget=data["budget"],
                name=data["name"],
                description=data["description"],
                amount_cents=data["amount"],
                kind=data["kind"],
            )
        except services.CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The activity has its budget."))
            return redirect("core:community_manage", gemeente=gemeente, pk=group.pk)
    return _manage_page(request, group, allocation=form, status=400)


@require_POST
def submit_report(request: HttpRequest, gemeente: str, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    group = _own_group(request, gemeente, pk)
    budgets = [row.budget for row in selectors.public_budgets(group=group)]
    form = YearReportForm(request.POST, budgets=budgets)
    if form.is_valid():
        try:
            services.submit_year_report(
                actor=request.user,
                budget=form.cleaned_data["budget"],
                narrative=form.cleaned_data["narrative"],
            )
        except services.CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The year report has been sent to the district."))
            return redirect("core:community_manage", gemeente=gemeente, pk=group.pk)
    return _manage_page(request, group, report=form, status=400)
