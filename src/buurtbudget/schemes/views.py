"""The budget manager's scheme screens under /<gemeente>/beheer/regelingen/ (permission "schemes.manage")."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from buurtbudget.accounts.access import municipality_permission_required
from buurtbudget.tenancy.models import Municipality

from . import selectors, services
from .forms import RoundForm, RulesForm, SchemeForm
from .models import DEFAULT_RULES, ProcessModel, Scheme


def _add_errors(form: forms.Form, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        form.add_error(name if name in form.fields else None, message)


@municipality_permission_required("schemes.manage")
def scheme_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return render(
        request, "schemes/list.html", {"schemes": list(selectors.schemes_of(municipality=municipality))}
    )


@municipality_permission_required("schemes.manage")
def scheme_create(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = SchemeForm(request.POST or None, municipality=municipality, prefix="scheme")
    rules_form = RulesForm(request.POST or None, rules=dict(DEFAULT_RULES), prefix="rules")
    if request.method == "POST" and form.is_valid() and rules_form.is_valid():
        data = form.cleaned_data
        if selectors.scheme_by_slug(municipality=municipality, slug=data["slug"]) is not None:
            form.add_error("slug", _("Another scheme already uses this web address name."))
        else:
            try:
                scheme = services.create_voucher_scheme(
                    actor=request.user,
                    municipality=municipality,
                    name=data["name"],
                    slug=data["slug"],
                    area=data["area"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    intake=data["intake"],
                    rules=rules_form.rules(),
                )
            except services.InvalidRules as error:
                _add_errors(rules_form, error.errors)
            else:
                messages.success(request, _("The scheme has been created with rules version 1."))
                return redirect("core:scheme_edit", gemeente=municipality.slug, scheme=scheme.slug)
    return render(request, "schemes/form.html", {"form": form, "rules_form": rules_form, "scheme": None})


def _scheme(municipality: Municipality, slug: str) -> Scheme:
    scheme = selectors.scheme_by_slug(municipality=municipality, slug=slug)
    if scheme is None or scheme.process_model != ProcessModel.VOUCHER:
        raise Http404
    return scheme


@municipality_permission_required("schemes.manage")
def scheme_edit(request: HttpRequest, municipality: Municipality, scheme: str) -> HttpResponse:
    the_scheme = _scheme(municipality, scheme)
    initial: dict[str, Any] = {
        "name": the_scheme.name,
        "area": the_scheme.area,
        "starts_on": the_scheme.starts_on,
        "ends_on": the_scheme.ends_on,
        "intake": the_scheme.intake,
    }
    version = selectors.current_rule_version(the_scheme)
    current_rules = {**DEFAULT_RULES, **(version.rules if version else the_scheme.rules)}
    form = SchemeForm(
        request.POST or None, municipality=municipality, editing=True, initial=initial, prefix="scheme"
    )
    rules_form = RulesForm(request.POST or None, rules=current_rules, prefix="rules")
    if request.method == "POST" and form.is_valid() and rules_form.is_valid():
        try:
            services.update_scheme(
                actor=request.user,
                scheme=the_scheme,
                changes={k: form.cleaned_data[k] for k in services.SCHEME_FIELDS},
                # Keep rules this form does not show (those of other process models).
                rules={**current_rules, **rules_form.rules()},
            )
        except services.InvalidRules as error:
            _add_errors(rules_form, error.errors)
        else:
            new = selectors.current_rule_version(the_scheme)
            if new is not None and (version is None or new.number != version.number):
                messages.success(
                    request,
                    _("Saved. The rules changed: rules version %(n)s applies to new submissions.")
                    % {"n": new.number},
                )
            else:
                messages.success(request, _("Saved."))
            return redirect("core:scheme_edit", gemeente=municipality.slug, scheme=the_scheme.slug)
    return render(
        request,
        "schemes/form.html",
        {
            "form": form,
            "rules_form": rules_form,
            "scheme": the_scheme,
            "versions": list(selectors.rule_versions(scheme=the_scheme)),
            "rounds": selectors.rounds_of(scheme=the_scheme),
            "round_form": RoundForm(prefix="round"),
        },
    )


@municipality_permission_required("schemes.manage")
def round_add(request: HttpRequest, municipality: Municipality, scheme: str) -> HttpResponse:
    the_scheme = _scheme(municipality, scheme)
    form = RoundForm(request.POST or None, prefix="round")
    if request.method == "POST" and form.is_valid():
        try:
            services.add_round(actor=request.user, scheme=the_scheme, **form.cleaned_data)
        except services.InvalidRules as error:
            _add_errors(form, error.errors)
        else:
            messages.success(request, _("The round has been added."))
            return redirect("core:scheme_edit", gemeente=municipality.slug, scheme=the_scheme.slug)
    return render(request, "schemes/round.html", {"form": form, "scheme": the_scheme})
