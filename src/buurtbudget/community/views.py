"""The district's overview of community budgets and the public page of each group."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buurtbudget.accounts.access import municipality_permission_required
from buurtbudget.accounts.backends import role_assignments
from buurtbudget.accounts.permissions import ROLE_PERMISSIONS
from buurtbudget.tenancy.models import Municipality

from . import selectors, services
from .forms import AllocationForm, FundForm, GroupForm, MemberForm, YearReportForm
from .models import ResidentsGroup, YearReport

OVERSEE = "community.oversee"


def _oversees_here(user: Any, municipality: Municipality) -> bool:
    """Whether the user oversees community budgets in this municipality: all of it, or a district or area."""
    return any(
        municipality_id == municipality.pk and OVERSEE in ROLE_PERMISSIONS.get(role, frozenset())
        for role, municipality_id, _area, _key in role_assignments(user)
    )


def _overview(
    request: HttpRequest,
    municipality: Municipality,
    *,
    group_form: GroupForm | None = None,
    member_form: MemberForm | None = None,
    fund_form: FundForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """Every group the user oversees (a district officer: the groups in their district) with the ledger
    figures and year reports. Registering and funding groups is for staff of the whole municipality."""
    rows = [
        row
        for row in selectors.district_overview(municipality=municipality)
        if request.user.has_perm(OVERSEE, row.budget.group)
    ]
    return render(
        request,
        "community/overview.html",
        {
            "rows": rows,
            "can_register": request.user.has_perm(OVERSEE, municipality),
            "group_form": group_form or GroupForm(municipality=municipality, prefix="group"),
            "member_form": member_form or MemberForm(municipality=municipality, prefix="member"),
            "fund_form": fund_form or FundForm(municipality=municipality, prefix="fund"),
        },
        status=status,
    )


@require_GET
def district_overview(request: HttpRequest, gemeente: str) -> HttpResponse:
    municipality = get_object_or_404(Municipality, slug=gemeente, is_active=True)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not _oversees_here(request.user, municipality):
        raise PermissionDenied
    request.municipality = municipality  # type: ignore[attr-defined]
    return _overview(request, municipality)


@require_POST
@municipality_permission_required("community.oversee")
def register_group(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = GroupForm(request.POST, municipality=municipality, prefix="group")
    if form.is_valid():
        try:
            group = services.register_group(
                actor=request.user,  # type: ignore[arg-type]
                municipality=municipality,
                **form.cleaned_data,
            )
        except services.CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": group.name})
            return redirect("core:community_overview", gemeente=municipality.slug)
    return _overview(request, municipality, group_form=form, status=400)


@require_POST
@municipality_permission_required("community.oversee")
def add_member(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = MemberForm(request.POST, municipality=municipality, prefix="member")
    if form.is_valid():
        try:
            services.add_member(
                actor=request.user,  # type: ignore[arg-type]
                group=form.cleaned_data["group"],
                user=form.cleaned_data["email"],  # the account with that address (AccountEmailField)
                role=form.cleaned_data["role"],
            )
        except services.CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The member is added."))
            return redirect("core:community_overview", gemeente=municipality.slug)
    return _overview(request, municipality, member_form=form, status=400)


@require_POST
@municipality_permission_required("community.oversee")
def fund_budget(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = FundForm(request.POST, municipality=municipality, prefix="fund")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.fund_budget(
                actor=request.user,  # type: ignore[arg-type]
                group=data["group"],
                scheme=data["scheme"],
                year=data["year"],
                amount_cents=data["amount"],
            )
        except services.CommunityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The budget is transferred to the group."))
            return redirect("core:community_overview", gemeente=municipality.slug)
    return _overview(request, municipality, fund_form=form, status=400)


@require_POST
def accept_report(request: HttpRequest, gemeente: str, pk: int) -> HttpResponse:
    municipality = get_object_or_404(Municipality, slug=gemeente, is_active=True)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    report = get_object_or_404(
        YearReport.objects.select_related("budget__group__area"),
        pk=pk,
        budget__group__municipality=municipality,
    )
    if not request.user.has_perm(OVERSEE, report.budget.group):
        raise PermissionDenied
    try:
        services.accept_year_report(actor=request.user, report=report)
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
