"""Resident pages: the public scheme page, the 3-page submission flow, "Mijn initiatieven".

Works without JavaScript: every page is a plain form; each step saves the draft."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buurtbudget.accounts import services as account_services
from buurtbudget.accounts.models import User
from buurtbudget.schemes import selectors as scheme_selectors
from buurtbudget.schemes.models import ProcessModel, Scheme
from buurtbudget.statemachine.services import TransitionNotAllowed
from buurtbudget.tenancy.models import Municipality

from . import rule_check, selectors, services
from .forms import BudgetExtrasForm, BudgetLineForm, BudgetLineFormSet, CheckForm, PlanForm
from .models import Initiative

PLAN_FIELDS = (
    "title",
    "what_and_why",
    "for_whom",
    "location",
    "location_postcode",
    "location_house_number",
    "starts_on",
    "ends_on",
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _scheme(gemeente: str, slug: str) -> Scheme:
    municipality = get_object_or_404(Municipality, slug=gemeente, is_active=True)
    scheme = scheme_selectors.scheme_by_slug(municipality=municipality, slug=slug)
    if scheme is None:
        raise Http404
    scheme.municipality = municipality
    return scheme


def _own(request: HttpRequest, pk: int, *, read_only: bool = False) -> Initiative:
    """The signed-in user's own initiative, else 404 (another's draft is not even shown to exist).

    Read-only pages also show it to its confirmed co-initiators."""
    find = selectors.visible_initiative if read_only else selectors.own_initiative
    initiative = find(user=request.user, pk=pk)
    if initiative is None:
        raise Http404
    request.municipality = initiative.municipality  # type: ignore[attr-defined]
    return initiative


def _editable(request: HttpRequest, pk: int) -> Initiative | HttpResponse:
    initiative = _own(request, pk)
    if not initiative.is_editable:
        messages.info(request, _("This initiative has been submitted and can no longer be changed."))
        return redirect("initiatives:detail", pk=initiative.pk)
    return initiative


def scheme_page(request: HttpRequest, gemeente: str, scheme: str) -> HttpResponse:
    the_scheme = _scheme(gemeente, scheme)
    request.municipality = the_scheme.municipality  # type: ignore[attr-defined]
    version = scheme_selectors.current_rule_version(the_scheme)
    rules = version.rules if version else the_scheme.rules
    is_voucher = the_scheme.process_model == ProcessModel.VOUCHER
    return render(
        request,
        "initiatives/scheme.html",
        {
            "scheme": the_scheme,
            "version": version,
            "rules": rules,
            "rounds": scheme_selectors.rounds_of(scheme=the_scheme),
            "is_open": is_voucher and scheme_selectors.is_open_for_submissions(scheme=the_scheme),
            "excluded": [
                rule_check.EXCLUDED_PURPOSE_LABELS.get(p, p) for p in rules.get("excluded_purposes", [])
            ],
        },
    )


def _plan_form(request: HttpRequest, initial: dict[str, Any]) -> PlanForm:
    user = _user(request)
    ask = not (user.postcode and user.house_number and user.birth_year)
    return PlanForm(request.POST or None, initial=initial, ask_about_you=ask)


def _save_about_you(user: User, form: PlanForm) -> bool:
    """Store a first-time resident's address and year of birth in their profile. False on an error."""
    if "home_postcode" not in form.fields:
        return True
    data = form.cleaned_data
    try:
        account_services.update_profile(
            user=user,
            actor=user,
            changes={
                "postcode": data["home_postcode"],
                "house_number": data["home_house_number"],
                "birth_year": data["birth_year"],
            },
        )
    except ValidationError as error:
        _add_errors(form, error)
        return False
    user.refresh_from_db()
    return True


def _after_save(request: HttpRequest, initiative: Initiative, page: str) -> HttpResponse:
    if "save" in request.POST:
        messages.success(request, _("Your draft has been saved. You can continue later via My initiatives."))
        return redirect(f"initiatives:{page}", pk=initiative.pk)
    following = {"plan": "budget", "budget": "check"}[page]
    return redirect(f"initiatives:{following}", pk=initiative.pk)


@login_required
def start(request: HttpRequest, gemeente: str, scheme: str) -> HttpResponse:
    """Page 1 for a new initiative: the draft is made when this page is sent."""
    the_scheme = _scheme(gemeente, scheme)
    request.municipality = the_scheme.municipality  # type: ignore[attr-defined]
    if the_scheme.process_model != ProcessModel.VOUCHER or not scheme_selectors.is_open_for_submissions(
        scheme=the_scheme
    ):
        messages.error(request, _("This scheme does not take initiatives now."))
        return redirect("initiatives:scheme", gemeente=gemeente, scheme=scheme)
    form = _plan_form(request, {"draft_key": secrets.token_urlsafe(24)})
    if request.method == "POST" and form.is_valid() and _save_about_you(_user(request), form):
        changes = {name: form.cleaned_data[name] for name in PLAN_FIELDS}
        try:
            initiative = services.create_draft(
                actor=_user(request),
                scheme=the_scheme,
                changes=changes,
                client_key=form.cleaned_data.get("draft_key") or "",
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _after_save(request, initiative, "plan")
    return render(request, "initiatives/plan.html", {"form": form, "scheme": the_scheme, "step": 1})


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable(request, pk)
    if isinstance(found, HttpResponse):
        return found
    initiative = found
    form = _plan_form(request, {name: getattr(initiative, name) for name in PLAN_FIELDS})
    if request.method == "POST" and form.is_valid() and _save_about_you(_user(request), form):
        changes = {name: form.cleaned_data[name] for name in PLAN_FIELDS}
        try:
            services.update_draft(actor=_user(request), initiative=initiative, changes=changes)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return _after_save(request, initiative, "plan")
    return render(
        request,
        "initiatives/plan.html",
        {"form": form, "scheme": initiative.scheme, "initiative": initiative, "step": 1},
    )


@login_required
def budget(request: HttpRequest, pk: int) -> HttpResponse:
    found = _editable(request, pk)
    if isinstance(found, HttpResponse):
        return found
    initiative = found
    user = _user(request)
    lines = list(initiative.budget_lines.all())
    initial = [BudgetLineForm.initial_for(line) for line in lines]
    formset = BudgetLineFormSet(request.POST or None, initial=initial, prefix="lines")
    extras = BudgetExtrasForm(
        request.POST or None,
        request.FILES or None,
        initial={"own_contribution": initiative.own_contribution_cents or None},
    )
    if request.method == "POST" and formset.is_valid() and extras.is_valid():
        ok = True
        new_lines = [f.as_line() for f in formset.forms if not f.is_blank()]
        try:
            services.set_budget(
                actor=user,
                initiative=initiative,
                lines=new_lines,
                own_contribution_cents=extras.cleaned_data["own_contribution"] or 0,
            )
        except ValidationError as error:
            _add_errors(extras, error)
            ok = False
        email = extras.cleaned_data.get("invite_email")
        if ok and email:
            try:
                services.invite_co_initiator(actor=user, initiative=initiative, email=email)
            except ValidationError as error:
                extras.add_error("invite_email", error.message_dict.get("email", error.messages)[0])
                ok = False
            else:
                messages.success(request, _("We sent an invitation to %(email)s.") % {"email": email})
        upload = extras.cleaned_data.get("attachment")
        if ok and upload is not None:
            try:
                services.add_attachment(
                    actor=user,
                    initiative=initiative,
                    stream=upload,
                    name=upload.name,
                    kind=extras.cleaned_data.get("attachment_kind") or "document",
                    size=upload.size,
                )
            except ValidationError as error:
                extras.add_error("attachment", " ".join(error.messages))
                ok = False
        if ok:
            return _after_save(request, initiative, "budget")
        messages.warning(request, _("Your budget has been saved, but something else needs attention."))
        initiative = _own(request, pk)
    return render(
        request,
        "initiatives/budget.html",
        {
            "initiative": initiative,
            "scheme": initiative.scheme,
            "formset": formset,
            "extras": extras,
            "co_initiators": list(initiative.co_initiators.all()),
            "attachments": list(initiative.attachments.all()),
            "step": 2,
        },
    )


def _check_context(initiative: Initiative) -> dict[str, Any]:
    rules, number = selectors.rules_for(initiative=initiative)
    data = selectors.check_input(initiative=initiative, rules=rules)
    report = rule_check.run(data)
    consent_age = int(rules["parental_consent_below_age"])
    return {
        "initiative": initiative,
        "scheme": initiative.scheme,
        "report": report,
        "rule_version": number,
        "requested_cents": data.requested_cents,
        "excluded": [rule_check.EXCLUDED_PURPOSE_LABELS.get(p, p) for p in rules["excluded_purposes"]],
        "ask_consent": data.birth_year is not None and data.today.year - data.birth_year - 1 < consent_age,
        "step": 3,
    }


@login_required
def check(request: HttpRequest, pk: int) -> HttpResponse:
    """Page 3: the automatic rule check, the declaration, and the submit button."""
    found = _editable(request, pk)
    if isinstance(found, HttpResponse):
        return found
    initiative = found
    user = _user(request)
    form = CheckForm(
        request.POST or None,
        initial={
            "excluded_purposes_declared": initiative.excluded_purposes_declared,
            "parental_consent": initiative.parental_consent,
        },
    )
    if request.method == "POST" and form.is_valid():
        changes = {"excluded_purposes_declared": form.cleaned_data["excluded_purposes_declared"]}
        if "parental_consent" in request.POST or initiative.parental_consent:
            changes["parental_consent"] = form.cleaned_data["parental_consent"]
        services.update_draft(actor=user, initiative=initiative, changes=changes)
        if "save" in request.POST:
            messages.success(
                request, _("Your draft has been saved. You can continue later via My initiatives.")
            )
            return redirect("initiatives:check", pk=initiative.pk)
        try:
            services.submit(actor=user, initiative=initiative)
        except (TransitionNotAllowed, ValidationError, PermissionDenied):
            messages.error(
                request, _("Your plan cannot be submitted yet. Look at the rules marked 'Not met' below.")
            )
            initiative = _own(request, pk)
        else:
            messages.success(
                request,
                _("Thank you! Your plan has been submitted. You will hear from us by %(date)s at the latest.")
                % {"date": _own(request, pk).decision_due_on.strftime("%d-%m-%Y")},  # type: ignore[union-attr]
            )
            return redirect("initiatives:detail", pk=initiative.pk)
    context = _check_context(initiative)
    context["form"] = form
    return render(request, "initiatives/check.html", context)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _own(request, pk, read_only=True)
    rules, number = selectors.rules_for(initiative=initiative)
    return render(
        request,
        "initiatives/detail.html",
        {
            "initiative": initiative,
            "rule_version": number,
            "history": selectors.history_of(initiative=initiative),
            "lines": list(initiative.budget_lines.all()),
            "co_initiators": list(initiative.co_initiators.all()),
            "attachments": list(initiative.attachments.all()),
            "is_initiator": initiative.initiator_id == request.user.pk,
        },
    )


@login_required
def my_initiatives(request: HttpRequest) -> HttpResponse:
    return render(
        request, "initiatives/mine.html", {"initiatives": list(selectors.initiatives_of(user=request.user))}
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _own(request, pk)
    try:
        services.withdraw(
            actor=_user(request), initiative=initiative, reason=request.POST.get("reason", "")[:500]
        )
    except TransitionNotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your initiative has been withdrawn."))
    return redirect("initiatives:detail", pk=initiative.pk)


@login_required
@require_POST
def remove_co_initiator(request: HttpRequest, pk: int, co_pk: int) -> HttpResponse:
    found = _editable(request, pk)
    if isinstance(found, HttpResponse):
        return found
    co = next((c for c in found.co_initiators.all() if c.pk == co_pk), None)
    if co is not None:
        services.remove_co_initiator(actor=_user(request), co_initiator=co)
        messages.success(request, _("The invitation has been removed."))
    return redirect("initiatives:budget", pk=pk)


@login_required
@require_POST
def remove_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    found = _editable(request, pk)
    if isinstance(found, HttpResponse):
        return found
    attachment = next((a for a in found.attachments.all() if a.pk == attachment_pk), None)
    if attachment is not None:
        services.remove_attachment(actor=_user(request), attachment=attachment)
        messages.success(request, _("The file has been removed."))
    return redirect("initiatives:budget", pk=pk)


@login_required
def confirm_co_initiator(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.co_invitation(token=token)
    if invitation is None:
        raise Http404
    request.municipality = invitation.initiative.municipality  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            services.confirm_co_initiator(actor=_user(request), token=token)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Thank you. You are now a co-initiator of '%(title)s'.")
                % {"title": invitation.initiative.title},
            )
            return redirect(reverse("initiatives:mine"))
    return render(request, "initiatives/confirm.html", {"invitation": invitation})
