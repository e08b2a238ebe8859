"""Voting pages: code → ballot → review → receipt (no JavaScript needed), the help desk, the district's
pages for the register, letters and codes, and the result."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from buurtbudget.areas.models import Area
from buurtbudget.areas.postcodes import normalise_postcode
from buurtbudget.rounds import selectors as round_selectors
from buurtbudget.rounds.models import Phase, Plan, Round
from buurtbudget.rounds.views import public_round, staff_view

from . import ratelimit, selectors, services
from . import state as signed
from .ballots import BallotRefused
from .codes import InvalidStemcode
from .counting_bridge import explain_why
from .forms import AddressForm, BallotForm, BlockForm, CodeForm, HelpdeskForm, RegisterForm
from .models import LetterJob, LetterJobStatus, RegisterEntry
from .register import EXAMPLE_CSV
from .result_csv import write_result_csv


def _vote_url(request: HttpRequest, the_round: Round) -> str:
    return request.build_absolute_uri(_start_url(the_round))


def _start_url(the_round: Round) -> str:
    return reverse(
        "core:voting_start", kwargs={"gemeente": the_round.municipality.slug, "slug": the_round.slug}
    )


def _public_round(request: HttpRequest, gemeente: str, slug: str) -> Round:
    found = selectors.public_round(gemeente=gemeente, slug=slug)
    if found is None:
        raise Http404
    request.municipality = found.municipality  # type: ignore[attr-defined]
    return found


def _identify(request: HttpRequest, the_round: Round, form: CodeForm, assisted: bool) -> HttpResponse | None:
    """Check the typed code; on success remember the voter in the signed cookie and go to the ballot."""
    if ratelimit.is_blocked(request):
        form.add_error(None, _("Too many wrong stemcodes were typed. Wait 10 minutes and try again."))
        return None
    try:
        voter = services.identify(round=the_round, code=form.cleaned_data["code"])
    except (InvalidStemcode, services.UnknownCode) as exc:
        ratelimit.record_failure(request)
        form.add_error("code", str(exc))
        return None
    except services.VotingError as exc:
        form.add_error(None, str(exc))
        return None
    if voter.has_voted and not the_round.rule("allow_vote_change"):
        form.add_error(
            None, _("You have already voted with this code. In this round a vote cannot be changed.")
        )
        return None
    response = redirect("core:voting_ballot", gemeente=the_round.municipality.slug, slug=the_round.slug)
    voter_state = signed.VoteState(
        round_id=the_round.pk,
        where=signed.where(the_round),
        key=voter.key,
        area_id=voter.area_id,
        assisted=assisted,
        has_voted=voter.has_voted,
    )
    signed.remember_vote(response, voter_state)
    return response


@never_cache
def start(request: HttpRequest, gemeente: str, slug: str) -> HttpResponse:
    the_round = _public_round(request, gemeente, slug)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = _identify(request, the_round, form, assisted=False)
        if response is not None:
            return response
    return render(
        request,
        "voting/start.html",
        {"round": the_round, "form": form, "open": the_round.phase == Phase.VOTING},
        status=400 if form.errors else 200,
    )


def _ballot_plans(the_round: Round, area_id: int) -> list[Plan]:
    return round_selectors.ballot_plans(round=the_round, area=Area.objects.get(pk=area_id))


@never_cache
def ballot(request: HttpRequest, gemeente: str, slug: str) -> HttpResponse:
    the_round = _public_round(request, gemeente, slug)
    voter_state = signed.vote_state(request, the_round)
    if voter_state is None:
        return redirect(_start_url(the_round))
    plans = _ballot_plans(the_round, voter_state.area_id)
    initial = voter_state.choices
    if initial is None and voter_state.has_voted:
        initial = services.current_choices(round=the_round, code=voter_state.key)
    form = BallotForm(request.POST or None, round=the_round, plans=plans, initial_choices=initial)
    if request.method == "POST" and form.is_valid():
        try:
            clean = services.check_ballot(round=the_round, plans=plans, choices=form.choices())
        except BallotRefused as exc:
            form.add_error(None, str(exc))
        else:
            response = redirect("core:voting_review", gemeente=gemeente, slug=slug)
            signed.remember_vote(response, dataclasses.replace(voter_state, choices=clean))
            return response
    return render(
        request,
        "voting/ballot.html",
        {"round": the_round, "form": form, "kind": form.kind, "state": voter_state},
        status=400 if form.errors else 200,
    )


def _confirm(request: HttpRequest, gemeente: str, slug: str) -> tuple[HttpResponse | None, str]:
    """Cast the ballot from the signed voter state alone (see state.py): no session and no query here;
    services.cast_ballot reads and locks the round itself (on PostgreSQL in one statement, fast_cast.py).
    Returns the redirect to the receipt, or the reason the ballot was refused (the review page shows it)."""
    pending = signed.pending_vote(request, f"{gemeente}/{slug}")
    if pending is None or not pending.choices:
        return None, ""
    try:
        result = services.cast_ballot(
            round_id=pending.round_id,
            key=pending.key,
            choices=pending.choices,
            area_id=pending.area_id,
            assisted_by=request.user if pending.assisted else None,
            id_checked=pending.assisted,
        )
    except (BallotRefused, services.VotingError) as exc:
        return None, str(exc)
    response = HttpResponseRedirect(signed.receipt_url(pending.where))
    stored = signed.Receipt(
        round_id=pending.round_id, receipt=result.receipt, changed=result.changed, assisted=pending.assisted
    )
    signed.remember_receipt(response, pending.where, stored)
    return response, ""


@never_cache
def review(request: HttpRequest, gemeente: str, slug: str) -> HttpResponse:
    """Shows the choices; its POST confirms them and casts the ballot."""
    error = ""
    if request.method == "POST":
        confirmed, error = _confirm(request, gemeente, slug)
        if confirmed is not None:
            return confirmed
    the_round = _public_round(request, gemeente, slug)
    voter_state = signed.vote_state(request, the_round)
    if voter_state is None:
        return redirect(_start_url(the_round))
    choices = voter_state.choices
    if not choices:
        return redirect("core:voting_ballot", gemeente=gemeente, slug=slug)
    plans = {p.pk: p for p in _ballot_plans(the_round, voter_state.area_id)}
    points: list[int | None] = [*choices["points"]] or [None] * len(choices["plans"])
    chosen = [(plans[i], n) for i, n in zip(choices["plans"], points, strict=False) if i in plans]
    total = sum(p.cost_cents for p, _n in chosen)
    return render(
        request,
        "voting/review.html",
        {
            "round": the_round,
            "chosen": chosen,
            "total": total,
            "kind": the_round.rule("ballot_type"),
            "error": error,
            "state": voter_state,
        },
        status=400 if error else 200,
    )


@never_cache
@require_GET
def receipt(request: HttpRequest, gemeente: str, slug: str) -> HttpResponse:
    the_round = _public_round(request, gemeente, slug)
    stored = signed.receipt(request, the_round)
    if stored is None:
        return redirect(_start_url(the_round))
    return render(request, "voting/receipt.html", {"round": the_round, "receipt": stored})


@require_GET
def result(request: HttpRequest, gemeente: str, slug: str) -> HttpResponse:
    the_round = public_round(request, gemeente, slug)
    return _render_result(request, the_round, public=True)


def _render_result(request: HttpRequest, the_round: Round, *, public: bool) -> HttpResponse:
    data = the_round.result if (the_round.is_published_result or not public) else None
    return render(
        request,
        "voting/result.html" if public else "voting/staff_result.html",
        {"round": the_round, "result": data, "rows": _result_rows(the_round, data)},
    )


def _result_rows(the_round: Round, data: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Every plan of a counted round with its plan and the reason in the reader's language, most votes first."""
    if not data:
        return []
    titles = {p.pk: p for p in Plan.objects.filter(round=the_round).select_related("area", "initiative")}
    rows = [{**row, "plan": titles.get(row["id"]), "why": _why_text(row)} for row in data["plans"]]
    rows.sort(key=lambda r: (-r["votes"], r["id"]))
    return rows


def _why_text(row: dict[str, Any]) -> str:
    why = row.get("why", "")
    # A result counted before reasons were stored as data keeps its sentence as it was written then.
    if isinstance(why, str):
        return why
    return explain_why(why, selected=bool(row.get("selected")), votes=int(row.get("votes") or 0))


@require_GET
def result_csv(request: HttpRequest, gemeente: str, slug: str) -> HttpResponse:
    """The published result as open data: one line per plan, headers and reasons in the reader's language."""
    the_round = public_round(request, gemeente, slug)
    if not the_round.is_published_result:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="uitslag-{the_round.slug}.csv"'
    rows = _result_rows(the_round, the_round.result)

    def link(plan_id: int) -> str:
        path = reverse(
            "core:rounds_plan",
            kwargs={"gemeente": the_round.municipality.slug, "slug": the_round.slug, "pk": plan_id},
        )
        return request.build_absolute_uri(path)

    write_result_csv(response, the_round=the_round, rows=rows, link=link)
    return response


# --- district staff ---------------------------------------------------------------------------------------


@staff_view
def staff_result(request: HttpRequest, the_round: Round) -> HttpResponse:
    return _render_result(request, the_round, public=False)


@never_cache
@staff_view
def helpdesk(request: HttpRequest, the_round: Round) -> HttpResponse:
    form = HelpdeskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = _identify(request, the_round, form, assisted=True)
        if response is not None:
            return response
    return render(request, "voting/helpdesk.html", {"round": the_round, "form": form})


@staff_view
def register(request: HttpRequest, the_round: Round) -> HttpResponse:
    form = RegisterForm(request.POST or None, request.FILES or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        try:
            plan, added = services.import_register(
                actor=request.user, round=the_round, file=form.cleaned_data["file"]
            )
        except services.VotingError as exc:
            form.add_error(None, str(exc))
        else:
            if plan.ok:
                messages.success(
                    request,
                    _("Register read: %(rows)d residents, %(added)d new.")
                    % {"rows": len(plan.entries), "added": added},
                )
                return redirect("core:voting_register", gemeente=the_round.municipality.slug, pk=the_round.pk)
    return render(
        request,
        "voting/register.html",
        {
            "round": the_round,
            "form": form,
            "plan": plan,
            "summary": selectors.register_summary(round=the_round),
            "jobs": selectors.letter_jobs(round=the_round)[:10],
        },
    )


@require_GET
@staff_view
def register_example(request: HttpRequest, the_round: Round) -> HttpResponse:
    response = HttpResponse(EXAMPLE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="register-voorbeeld.csv"'
    return response


@require_POST
@staff_view
def letters_start(request: HttpRequest, the_round: Round) -> HttpResponse:
    try:
        job = services.request_letters(
            actor=request.user, round=the_round, vote_url=_vote_url(request, the_round)
        )
    except services.VotingError as exc:
        messages.error(request, str(exc))
        return redirect("core:voting_register", gemeente=the_round.municipality.slug, pk=the_round.pk)
    return redirect("core:voting_letters", gemeente=the_round.municipality.slug, pk=the_round.pk, job=job.pk)


@never_cache
@staff_view
def letters(request: HttpRequest, the_round: Round, job: int) -> HttpResponse:
    the_job = get_object_or_404(LetterJob, round=the_round, pk=job)
    busy = the_job.status in (LetterJobStatus.QUEUED, LetterJobStatus.RUNNING)
    auto = request.GET.get("vernieuwen") != "nee"
    response = render(
        request, "voting/letters.html", {"round": the_round, "job": the_job, "busy": busy, "auto": auto}
    )
    if busy and auto:
        # The browser reloads the page by itself, without JavaScript; people can switch this off (WCAG 2.2.2).
        response["Refresh"] = "5"
    return response


@never_cache
@require_GET
@staff_view
def letters_pdf(request: HttpRequest, the_round: Round, job: int) -> FileResponse:
    the_job = get_object_or_404(LetterJob, round=the_round, pk=job, status=LetterJobStatus.DONE)
    if not the_job.file:
        raise Http404
    return FileResponse(
        the_job.file.open("rb"), content_type="application/pdf", filename=f"stemcodes-{the_job.pk}.pdf"
    )


@require_POST
@staff_view
def letters_delete(request: HttpRequest, the_round: Round, job: int) -> HttpResponse:
    the_job = get_object_or_404(LetterJob, round=the_round, pk=job)
    services.delete_letters_file(actor=request.user, job=the_job)
    messages.success(request, _("The letters file has been deleted."))
    return redirect("core:voting_register", gemeente=the_round.municipality.slug, pk=the_round.pk)


@staff_view
def codes(request: HttpRequest, the_round: Round) -> HttpResponse:
    form = AddressForm(request.GET or None)
    entries: list[RegisterEntry] = []
    if form.is_valid():
        entries = selectors.entries_at(
            round=the_round,
            postcode=normalise_postcode(form.cleaned_data["postcode"]),
            house_number=form.cleaned_data["house_number"],
        )
    return render(
        request,
        "voting/codes.html",
        {"round": the_round, "form": form, "entries": entries, "block_form": BlockForm()},
    )


@require_POST
@staff_view
def block(request: HttpRequest, the_round: Round, entry: int) -> HttpResponse:
    the_entry = get_object_or_404(RegisterEntry, round=the_round, pk=entry)
    form = BlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for blocking the code."))
        return redirect("core:voting_codes", gemeente=the_round.municipality.slug, pk=the_round.pk)
    the_entry.round = the_round
    try:
        job = services.block_and_reissue(
            actor=request.user,
            entry=the_entry,
            reason=form.cleaned_data["reason"],
            vote_url=_vote_url(request, the_round),
        )
    except services.VotingError as exc:
        messages.error(request, str(exc))
        return redirect("core:voting_codes", gemeente=the_round.municipality.slug, pk=the_round.pk)
    messages.success(request, _("The old code is blocked. A new letter is being made."))
    return redirect("core:voting_letters", gemeente=the_round.municipality.slug, pk=the_round.pk, job=job.pk)
