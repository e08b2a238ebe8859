"""The published co-creation page of a scheme. Participants propose and answer on the same page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from buurtbudget.tenancy.models import Municipality

from . import selectors, services
from .forms import ProposalForm, ResponseForm
from .models import CoCreationProcess, Proposal, ProposalStatus


def _process(request: HttpRequest, gemeente: str, scheme: str) -> CoCreationProcess:
    municipality = get_object_or_404(Municipality, slug=gemeente, is_active=True)
    request.municipality = municipality  # type: ignore[attr-defined]
    process = selectors.process_by_scheme_slug(municipality=municipality, slug=scheme)
    if process is None:
        raise Http404
    return process


def _page_url(process: CoCreationProcess) -> str:
    return reverse(
        "core:cocreation_public",
        kwargs={"gemeente": process.municipality.slug, "scheme": process.scheme.slug},
    )


def _render(
    request: HttpRequest,
    process: CoCreationProcess,
    *,
    form: ProposalForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    data = selectors.public_view(process=process)
    participant = services.participant_of(user=request.user, process=process)
    answered = (
        {
            a.proposal_id
            for p in data.proposals
            for a in p.agreements.all()
            if a.participant_id == participant.pk
        }
        if participant
        else set()
    )
    context: dict[str, Any] = {
        "process": process,
        "scheme": process.scheme,
        "data": data,
        "participant": participant,
        "proposal_form": form or ProposalForm(),
        "response_form": ResponseForm(),
        "answered": answered,
        "open_status": ProposalStatus.OPEN,
        "error": error,
    }
    return render(request, "cocreation/public.html", context, status=status)


@require_GET
def public_page(request: HttpRequest, gemeente: str, scheme: str) -> HttpResponse:
    return _render(request, _process(request, gemeente, scheme))


@require_POST
def propose(request: HttpRequest, gemeente: str, scheme: str) -> HttpResponse:
    process = _process(request, gemeente, scheme)
    if not request.user.is_authenticated:
        return redirect_to_login(_page_url(process))
    if services.participant_of(user=request.user, process=process) is None:
        raise PermissionDenied
    form = ProposalForm(request.POST)
    if not form.is_valid():
        return _render(request, process, form=form, status=400)
    data = form.cleaned_data
    try:
        services.propose(
            actor=request.user,
            process=process,
            kind=data["kind"],
            title=data["title"],
            explanation=data["explanation"],
            rule_key=data.get("rule_key") or "",
            proposed_value=data.get("proposed_value"),
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
        )
    except services.CoCreationError as error:
        return _render(request, process, form=form, error=str(error), status=400)
    messages.success(request, _("Your proposal is in the log."))
    return redirect(_page_url(process))


@require_POST
def respond(request: HttpRequest, gemeente: str, scheme: str, pk: int) -> HttpResponse:
    process = _process(request, gemeente, scheme)
    if not request.user.is_authenticated:
        return redirect_to_login(_page_url(process))
    if services.participant_of(user=request.user, process=process) is None:
        raise PermissionDenied
    proposal = get_object_or_404(Proposal, pk=pk, process=process)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        return _render(request, process, error=_("Choose whether you agree."), status=400)
    try:
        services.respond(
            actor=request.user,
            proposal=proposal,
            agrees=form.cleaned_data["agrees"],
            comment=form.cleaned_data["comment"],
        )
    except services.CoCreationError as error:
        return _render(request, process, error=str(error), status=400)
    messages.success(request, _("Your answer is in the log."))
    return redirect(_page_url(process))
