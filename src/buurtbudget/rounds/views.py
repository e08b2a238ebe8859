"""Pages of rounds: public round and plan pages, submitting and supporting plans, and the district's pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from buurtbudget.cocreation import selectors as cocreation_selectors
from buurtbudget.community import selectors as community_selectors
from buurtbudget.statemachine.services import TransitionNotAllowed
from buurtbudget.tenancy.models import Municipality

from . import selectors, services
from .forms import CostForm, CountingRuleForm, FeasibilityForm, PlanForm, RoundForm, SelectionForm, cents
from .machine import MANAGE, ROUND_MACHINE
from .models import PHASE_ORDER, Phase, Plan, PlanStatus, Round

STEP_LABELS = {
    "open_support": gettext_lazy("Open support"),
    "open_feasibility": gettext_lazy("Start the feasibility check"),
    "open_selection": gettext_lazy("Start the selection"),
    "open_voting": gettext_lazy("Open voting"),
    "close_voting": gettext_lazy("Close voting and count"),
    "confirm_result": gettext_lazy("Confirm the result"),
}


def _municipality(request: HttpRequest, slug: str) -> Municipality:
    municipality = get_object_or_404(Municipality, slug=slug, is_active=True)
    request.municipality = municipality  # type: ignore[attr-defined]
    return municipality


def public_round(request: HttpRequest, gemeente: str, slug: str) -> Round:
    municipality = _municipality(request, gemeente)
    found = selectors.round_by_slug(municipality=municipality, slug=slug)
    if found is None:
        raise Http404
    return found


def add_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


# --- public -----------------------------------------------------------------------------------------------


@require_GET
def round_list(request: HttpRequest, gemeente: str) -> HttpResponse:
    """Every neighbourhood budget of the municipality: rounds everyone votes in (model A), rounds designed
    together with their published co-creation log (model B) and residents' groups with a community budget
    (model C)."""
    municipality = _municipality(request, gemeente)
    return render(
        request,
        "rounds/list.html",
        {
            "rounds": selectors.rounds_of(municipality=municipality),
            "cocreations": cocreation_selectors.processes_of(municipality=municipality),
            "groups": community_selectors.groups_of(municipality=municipality),
        },
    )


@require_GET
def round_detail(request: HttpRequest, gemeente: str, slug: str) -> HttpResponse:
    the_round = public_round(request, gemeente, slug)
    plans = list(selectors.plans_of(round=the_round))
    return render(
        request,
        "rounds/detail.html",
        {
            "round": the_round,
            "plans": plans,
            "action": selectors.resident_actions(round=the_round),
            "phases": the_round.phase_dates(),
            "supported": selectors.supported_plan_ids(round=the_round, user=request.user),
            "threshold": the_round.rule("support_threshold"),
            "may_manage": request.user.has_perm(MANAGE, the_round),
        },
    )


@require_GET
def plan_detail(request: HttpRequest, gemeente: str, slug: str, pk: int) -> HttpResponse:
    the_round = public_round(request, gemeente, slug)
    plan = get_object_or_404(selectors.plans_of(round=the_round), pk=pk)
    return render(
        request,
        "rounds/plan_detail.html",
        {
            "round": the_round,
            "plan": plan,
            "supported": plan.pk in selectors.supported_plan_ids(round=the_round, user=request.user),
            "threshold": the_round.rule("support_threshold"),
        },
    )


@login_required
def plan_submit(request: HttpRequest, gemeente: str, slug: str) -> HttpResponse:
    the_round = public_round(request, gemeente, slug)
    form = PlanForm(request.POST or None, round=the_round)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.submit_plan(
                actor=request.user,
                round=the_round,
                area=data["area"],
                title=data["title"],
                summary=data["summary"],
                cost_lines=data["cost_lines"],
                legal_entity=data["legal_entity"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except services.RoundError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you! Your plan has been submitted."))
            return redirect("core:rounds_plan", gemeente=gemeente, slug=slug, pk=plan.pk)
    return render(request, "rounds/plan_form.html", {"round": the_round, "form": form})


@require_POST
def plan_support(request: HttpRequest, gemeente: str, slug: str, pk: int) -> HttpResponse:
    the_round = public_round(request, gemeente, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    plan = get_object_or_404(Plan, round=the_round, pk=pk)
    try:
        if services.support_plan(actor=request.user, plan=plan):
            messages.success(request, _("You support this plan."))
        else:
            messages.info(request, _("You already support this plan."))
    except services.RoundError as exc:
        messages.error(request, str(exc))
    return redirect("core:rounds_plan", gemeente=gemeente, slug=slug, pk=plan.pk)


# --- district staff ---------------------------------------------------------------------------------------


def staff_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Staff pages of one round: signed in, and holding rounds.manage for the round (its area)."""

    @wraps(view)
    def wrapped(request: HttpRequest, gemeente: str, pk: int, *args: Any, **kwargs: Any) -> HttpResponseBase:
        municipality = _municipality(request, gemeente)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        the_round = get_object_or_404(Round.objects.select_related("area"), municipality=municipality, pk=pk)
        the_round.municipality = municipality
        if not request.user.has_perm(MANAGE, the_round):
            raise PermissionDenied
        return view(request, the_round, *args, **kwargs)

    return wrapped


@login_required
def staff_list(request: HttpRequest, gemeente: str) -> HttpResponse:
    municipality = _municipality(request, gemeente)
    if not request.user.has_perm(MANAGE):
        raise PermissionDenied
    rounds = [r for r in selectors.rounds_of(municipality=municipality) if request.user.has_perm(MANAGE, r)]
    return render(request, "rounds/staff_list.html", {"rounds": rounds})


@login_required
def staff_create(request: HttpRequest, gemeente: str) -> HttpResponse:
    municipality = _municipality(request, gemeente)
    if not request.user.has_perm(MANAGE):
        raise PermissionDenied
    form = RoundForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_round(
                actor=request.user, municipality=municipality, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied:
            form.add_error("area", _("You may not start a round in this area."))
        else:
            messages.success(request, _("The round has been created."))
            return redirect("core:rounds_staff", gemeente=gemeente, pk=created.pk)
    return render(request, "rounds/staff_form.html", {"form": form})


@staff_view
def staff_detail(request: HttpRequest, the_round: Round) -> HttpResponse:
    rule_form = CountingRuleForm(request.POST or None, initial={"counting_rule": the_round.counting_rule})
    if request.method == "POST" and rule_form.is_valid():
        try:
            services.set_counting_rule(
                actor=request.user, round=the_round, rule=rule_form.cleaned_data["counting_rule"]
            )
        except ValidationError as exc:
            add_errors(rule_form, exc)
        except services.RoundError as exc:
            rule_form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("core:rounds_staff", gemeente=the_round.municipality.slug, pk=the_round.pk)
    return render(
        request,
        "rounds/staff_detail.html",
        {
            "round": the_round,
            "plans": list(selectors.plans_of(round=the_round)),
            "next_steps": [
                (t.name, STEP_LABELS[t.name]) for t in ROUND_MACHINE.available_from(the_round.phase)
            ],
            "threshold": the_round.rule("support_threshold"),
            "rule_form": rule_form,
            "rule_editable": PHASE_ORDER.index(the_round.phase) < PHASE_ORDER.index(Phase.VOTING),
            "automatic": _automatic_note(the_round),
        },
    )


def _automatic_note(the_round: Round) -> dict[str, Any] | None:
    """What the daily run last did to the round, or why it waits (only while that wait still applies)."""
    event = services.last_automatic_event(round=the_round)
    if event is None:
        return None
    if event.action == services.AUTO_WAIT:
        if (event.before or {}).get("phase") != the_round.phase:
            return None
        step = str(event.details.get("step", ""))
        return {
            "at": event.created_at,
            "waits": True,
            "step": STEP_LABELS.get(step, step),
            "reason": event.details.get("reason", ""),
        }
    step = event.action.rsplit(".", 1)[-1]
    return {"at": event.created_at, "waits": False, "step": STEP_LABELS.get(step, step), "reason": ""}


@require_POST
@staff_view
def staff_advance(request: HttpRequest, the_round: Round) -> HttpResponse:
    from buurtbudget.voting import services as voting

    name = request.POST.get("step", "")
    try:
        if name in services.ADVANCES:
            services.advance_round(actor=request.user, round=the_round, name=name)
        elif name == "close_voting":
            voting.close_voting(actor=request.user, round=the_round)
        elif name == "confirm_result":
            voting.confirm_result(actor=request.user, round=the_round)
        else:
            raise Http404
    except (TransitionNotAllowed, services.RoundError, voting.VotingError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The round is now in the phase: %(phase)s.") % {"phase": Phase(the_round.phase).label}
        )
    return redirect("core:rounds_staff", gemeente=the_round.municipality.slug, pk=the_round.pk)


@staff_view
def staff_plan(request: HttpRequest, the_round: Round, plan_pk: int) -> HttpResponse:
    plan = get_object_or_404(selectors.plans_of(round=the_round), pk=plan_pk)
    plan.round = the_round
    which = request.POST.get("form") if request.method == "POST" else None
    feasibility = FeasibilityForm(request.POST if which == "feasibility" else None)
    cost = CostForm(request.POST if which == "cost" else None)
    selection = SelectionForm(request.POST if which == "selection" else None)
    done = False
    try:
        if which == "feasibility" and feasibility.is_valid():
            services.decide_feasibility(actor=request.user, plan=plan, **feasibility.cleaned_data)
            done = True
        elif which == "cost" and cost.is_valid():
            services.adjust_cost(
                actor=request.user,
                plan=plan,
                cost_cents=cents(cost.cleaned_data["cost"]),
                note=cost.cleaned_data["note"],
            )
            done = True
        elif which == "selection" and selection.is_valid():
            services.decide_selection(actor=request.user, plan=plan, **selection.cleaned_data)
            done = True
    except ValidationError as exc:
        add_errors({"cost": cost, "feasibility": feasibility, "selection": selection}[which or "cost"], exc)
    except (TransitionNotAllowed, services.RoundError) as exc:
        {"cost": cost, "feasibility": feasibility, "selection": selection}[which or "cost"].add_error(
            None, str(exc)
        )
    if done:
        messages.success(request, _("Saved."))
        return redirect(
            "core:rounds_staff_plan", gemeente=the_round.municipality.slug, pk=the_round.pk, plan_pk=plan.pk
        )
    return render(
        request,
        "rounds/staff_plan.html",
        {
            "round": the_round,
            "plan": plan,
            "feasibility_form": feasibility,
            "cost_form": cost,
            "selection_form": selection,
            "in_feasibility": the_round.phase == Phase.FEASIBILITY,
            "in_selection": the_round.phase == Phase.SELECTION,
            "decidable": plan.status in (PlanStatus.SUBMITTED, PlanStatus.FEASIBLE, PlanStatus.NOT_FEASIBLE),
        },
    )
