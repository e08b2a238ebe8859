"""Staff pages of support under /<gemeente>/beheer/ondersteuning/: the contact official's list and one
initiative's support page (ACTIE check, notes for the regiegroep, the contact official)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from buurtbudget.accounts.models import User
from buurtbudget.tenancy.models import Municipality

from . import selectors, services
from .access import staff_page
from .forms import ActieCheckForm, AssignForm, NoteForm
from .models import DIMENSIONS


@staff_page(services.SUPPORT)
def official_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    rows = list(selectors.supported_by(user=request.user, municipality=municipality))
    return render(request, "support/list.html", {"municipality": municipality, "initiatives": rows})


def _errors_to_form(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@staff_page(services.SUPPORT, services.ASSIGN, selectors.VIEW_NOTES)
def initiative_support(request: HttpRequest, municipality: Municipality, pk: int) -> HttpResponse:
    initiative = selectors.initiative_in(municipality=municipality, pk=pk)
    if initiative is None:
        raise Http404
    user = cast(User, request.user)
    is_official = services.is_contact_official(user, initiative)
    may_assign = user.has_perm(services.ASSIGN, initiative)
    if not (is_official or may_assign or selectors.may_view_support(user, initiative)):
        raise PermissionDenied
    check = selectors.actie_check_of(initiative)
    initial = {name: getattr(check, name) for name, _l, _h in DIMENSIONS} if check else {}
    if check:
        initial["note"] = check.note
    actie_form = ActieCheckForm(initial=initial)
    note_form = NoteForm()
    assign_form = AssignForm(municipality=municipality, initial={"official": initiative.contact_official_id})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        form: Form
        try:
            if action == "actie" and is_official:
                form = actie_form = ActieCheckForm(request.POST)
                if form.is_valid():
                    data = dict(form.cleaned_data)
                    note = data.pop("note", "")
                    services.save_actie_check(actor=user, initiative=initiative, scores=data, note=note)
                    messages.success(request, _("The ACTIE check has been saved."))
                    return redirect(request.path)
            elif action == "note" and is_official:
                form = note_form = NoteForm(request.POST)
                if form.is_valid():
                    services.add_note(actor=user, initiative=initiative, text=form.cleaned_data["text"])
                    messages.success(request, _("The note has been saved."))
                    return redirect(request.path)
            elif action == "assign" and may_assign:
                form = assign_form = AssignForm(request.POST, municipality=municipality)
                if form.is_valid():
                    services.assign_contact_official(
                        actor=user,
                        initiative=initiative,
                        official=form.cleaned_data["official"],
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(request, _("The contact official has been set."))
                    return redirect(request.path)
            else:
                raise PermissionDenied
        except ValidationError as error:
            _errors_to_form(form, error)
        status = 400
    return render(
        request,
        "support/initiative.html",
        {
            "municipality": municipality,
            "initiative": initiative,
            "is_official": is_official,
            "may_assign": may_assign,
            "check": check,
            "scores": selectors.actie_scores(check),
            "notes": list(selectors.notes_of(initiative)),
            "actie_form": actie_form,
            "note_form": note_form,
            "assign_form": assign_form,
        },
        status=status,
    )
