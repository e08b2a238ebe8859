"""Pages of accountability: the budget manager's overview of all initiatives (/<gemeente>/beheer/initiatieven/),
the staff page to accept and settle one, and the initiator's report page (/mijn/initiatieven/<pk>/verantwoording/)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtbudget.accounts.access import municipality_permission_required
from buurtbudget.accounts.models import User
from buurtbudget.initiatives.lifecycle import MANAGE_OWN, SETTLE
from buurtbudget.initiatives.models import Initiative, InitiativeStatus
from buurtbudget.statemachine.services import TransitionNotAllowed
from buurtbudget.support.access import staff_page
from buurtbudget.tenancy.models import Municipality

from . import selectors, services
from .forms import ReasonForm, ReportForm, SettleForm

OVERVIEW = SETTLE  # the budget manager


def _errors_to_form(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@municipality_permission_required(OVERVIEW)
def overview(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    status = request.GET.get("status", "")
    rows = selectors.overview(municipality=municipality, status=status)
    return render(
        request,
        "accountability/overview.html",
        {
            "municipality": municipality,
            "rows": rows,
            "status": status,
            "statuses": [c for c in InitiativeStatus.choices if c[0] != InitiativeStatus.DRAFT],
            "overdue_count": sum(1 for row in rows if row.is_overdue),
            "today": timezone.localdate(),
        },
    )


@staff_page(*services.ACCEPT_PERMISSIONS)
def staff_detail(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    initiative = selectors.initiative_in(municipality=municipality, pk=pk)
    if initiative is None:
        raise Http404
    user = cast(User, request.user)
    may_accept = services._may_accept(user, initiative)
    may_settle = user.has_perm(SETTLE, initiative)
    if not (may_accept or may_settle):
        raise PermissionDenied
    settle_form = SettleForm()
    return_form = ReasonForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        form: Form = Form()
        try:
            if action == "accept" and may_accept:
                services.accept_report(actor=user, initiative=initiative)
                messages.success(request, _("The report has been accepted."))
                return redirect(request.path)
            if action == "return" and may_settle:
                form = return_form = ReasonForm(request.POST)
                if form.is_valid():
                    services.return_report(
                        actor=user, initiative=initiative, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, _("The report has been sent back."))
                    return redirect(request.path)
            elif action == "settle" and may_settle:
                form = settle_form = SettleForm(request.POST)
                if form.is_valid():
                    services.settle(
                        actor=user,
                        initiative=initiative,
                        clawback_cents=form.cleaned_data["clawback"],
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(request, _("The initiative has been settled."))
                    return redirect(request.path)
            else:
                raise PermissionDenied
        except (ValidationError, TransitionNotAllowed) as error:
            if isinstance(error, TransitionNotAllowed):
                form.add_error(None, str(error))
            else:
                _errors_to_form(form, error)
            if action == "accept":
                messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
        status = 400
    return render(
        request,
        "accountability/staff_detail.html",
        {
            "municipality": municipality,
            "initiative": initiative,
            "report": selectors.report_of(initiative),
            "settlement": selectors.settlement_of(initiative),
            "spending": selectors.spending(initiative),
            "may_accept": may_accept,
            "may_settle": may_settle,
            "settle_form": settle_form,
            "return_form": return_form,
            "overdue": selectors.overdue_flags(initiative, timezone.localdate()),
        },
        status=status,
    )


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_object_or_404(
        Initiative.objects.select_related("scheme__area", "area", "municipality", "contact_official"), pk=pk
    )
    if not request.user.has_perm(MANAGE_OWN, initiative):
        raise Http404
    may_report = initiative.status in (InitiativeStatus.IN_EXECUTION, InitiativeStatus.ACCOUNTING_DUE)
    existing = selectors.report_of(initiative)
    initial = (
        {
            "what_happened": existing.what_happened,
            "participants": existing.participants,
            "spending_notes": existing.spending_notes,
        }
        if existing
        else {}
    )
    form = ReportForm(initial=initial)
    status = 200
    if request.method == "POST":
        if not may_report:
            raise PermissionDenied
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.submit_report(
                    actor=cast(User, request.user),
                    initiative=initiative,
                    what_happened=form.cleaned_data["what_happened"],
                    participants=form.cleaned_data["participants"],
                    spending_notes=form.cleaned_data["spending_notes"],
                    photos=[(f, f.name) for f in form.cleaned_data["photos"]],
                )
            except (ValidationError, TransitionNotAllowed) as error:
                if isinstance(error, TransitionNotAllowed):
                    form.add_error(None, str(error))
                else:
                    _errors_to_form(form, error)
            else:
                messages.success(request, _("Thank you: your report has been sent."))
                return redirect(request.path)
        status = 400
    return render(
        request,
        "accountability/report.html",
        {
            "initiative": initiative,
            "report": existing,
            "settlement": selectors.settlement_of(initiative),
            "spending": selectors.spending(initiative),
            "form": form,
            "may_report": may_report,
        },
        status=status,
    )
