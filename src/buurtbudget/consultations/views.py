"""The public page of a consultation: the plan, the period, the response form for residents of the area and,
once published, the outcome."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from buurtbudget.core.http import page_status
from buurtbudget.tenancy.models import Municipality

from . import selectors, services
from .forms import ResponseForm
from .models import ConsultationStatus


def consultation_page(request: HttpRequest, gemeente: str, pk: int) -> HttpResponse:
    municipality = get_object_or_404(Municipality, slug=gemeente, is_active=True)
    request.municipality = municipality  # type: ignore[attr-defined]
    consultation = selectors.public_consultation(municipality=municipality, pk=pk)
    if consultation is None:
        raise Http404
    consultation.municipality = municipality
    consultation.area.municipality = municipality
    form = ResponseForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            try:
                services.respond(
                    resident=request.user,
                    consultation=consultation,
                    choice=form.cleaned_data["choice"],
                    text=form.cleaned_data["text"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        for error in errors:
                            form.add_error(field if field in form.fields else None, error)
                else:
                    for message in exc.messages:
                        form.add_error(None, message)
            else:
                messages.success(request, _("Thank you. Your advice is recorded."))
                return redirect(consultation.get_absolute_url())
    elif request.method != "GET":
        return HttpResponse(status=405)
    response = selectors.response_of(resident=request.user, consultation=consultation)
    problem = (
        None if response else services.resident_problem(resident=request.user, consultation=consultation)
    )
    return render(
        request,
        "consultations/public.html",
        {
            "consultation": consultation,
            "initiative": consultation.initiative,
            "form": form,
            "response": response,
            "problem": problem,
            "published": consultation.status == ConsultationStatus.PUBLISHED,
        },
        status=page_status(request),
    )
