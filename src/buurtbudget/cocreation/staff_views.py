"""The budget manager's co-creation page: start a co-creation for a cocreatie scheme, add participants."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from buurtbudget.accounts.access import municipality_permission_required
from buurtbudget.tenancy.models import Municipality

from . import selectors, services
from .forms import ParticipantForm, StartForm


def _page(
    request: HttpRequest,
    municipality: Municipality,
    *,
    start_form: StartForm | None = None,
    participant_form: ParticipantForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "cocreation/manage.html",
        {
            "processes": selectors.processes_of(municipality=municipality),
            "start_form": start_form or StartForm(municipality=municipality, prefix="start"),
            "participant_form": participant_form or ParticipantForm(municipality=municipality, prefix="p"),
        },
        status=status,
    )


@require_GET
@municipality_permission_required("cocreation.manage")
def manage(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return _page(request, municipality)


@require_POST
@municipality_permission_required("cocreation.manage")
def start(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = StartForm(request.POST, municipality=municipality, prefix="start")
    if form.is_valid():
        try:
            services.start_process(
                actor=request.user,  # type: ignore[arg-type]
                scheme=form.cleaned_data["scheme"],
                district_agreements_needed=form.cleaned_data["district_agreements_needed"],
                representative_agreements_needed=form.cleaned_data["representative_agreements_needed"],
            )
        except services.CoCreationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The co-creation has started."))
            return redirect("core:cocreation_manage", gemeente=municipality.slug)
    return _page(request, municipality, start_form=form, status=400)


@require_POST
@municipality_permission_required("cocreation.manage")
def add_participant(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = ParticipantForm(request.POST, municipality=municipality, prefix="p")
    if form.is_valid():
        try:
            services.add_participant(
                actor=request.user,  # type: ignore[arg-type]
                process=form.cleaned_data["process"],
                user=form.cleaned_data["email"],  # the account with that address (AccountEmailField)
                side=form.cleaned_data["side"],
                show_name=form.cleaned_data["show_name"],
            )
        except services.CoCreationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The participant is added."))
            return redirect("core:cocreation_manage", gemeente=municipality.slug)
    return _page(request, municipality, participant_form=form, status=400)
