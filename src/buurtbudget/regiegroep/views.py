"""Staff pages of the regiegroep under /<gemeente>/beheer/regiegroep/: the work queue, an initiative's
assessment, meetings with their decisions, and (for the budget manager) the members."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from buurtbudget.accounts.models import User
from buurtbudget.consultations import services as consultation_services
from buurtbudget.consultations.models import Consultation, ConsultationStatus
from buurtbudget.core.http import page_status
from buurtbudget.initiatives.models import Initiative
from buurtbudget.statemachine.services import TransitionNotAllowed
from buurtbudget.tenancy.models import Municipality

from . import rules as regie_rules
from . import selectors, services
from .forms import (
    AgendaForm,
    AppointForm,
    AssessmentForm,
    AttendanceForm,
    DecisionForm,
    InterestForm,
    MeetingForm,
    MinutesForm,
    ReasonForm,
    SummaryForm,
)
from .models import Meeting, Membership

ASSESS = "regiegroep.assess"
MANAGE = "regiegroep.manage"


@dataclass
class Access:
    manages: bool
    memberships: list[Membership]

    def member_of(self, scheme_id: int) -> Membership | None:
        return next((m for m in self.memberships if m.group.scheme_id == scheme_id), None)


def regiegroep_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Members of a regiegroep of this municipality, and its budget managers. The view receives the
    municipality and an `Access` (what this person may see here)."""

    @wraps(view)
    def wrapped(request: HttpRequest, gemeente: str, *args: Any, **kwargs: Any) -> HttpResponse:
        municipality = get_object_or_404(Municipality, slug=gemeente, is_active=True)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        manages = request.user.has_perm(MANAGE, municipality)
        memberships = [
            m
            for m in selectors.memberships_of(user=request.user, municipality=municipality)
            if request.user.has_perm(ASSESS, m.group)
        ]
        if not manages and not memberships:
            raise PermissionDenied
        request.municipality = municipality  # type: ignore[attr-defined]
        return view(request, municipality, Access(manages, memberships), *args, **kwargs)

    return wrapped


def _me(request: HttpRequest) -> User:
    """The signed-in person (the access check already turned anonymous visitors away)."""
    assert isinstance(request.user, User)
    return request.user


def _add_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _call(form: Form, action: Callable[[], Any]) -> bool:
    """Run a service; put its refusal on the form. True when it succeeded."""
    try:
        action()
    except ValidationError as exc:
        _add_errors(form, exc)
        return False
    except (PermissionDenied, TransitionNotAllowed) as exc:
        form.add_error(None, str(exc) or _("You may not do this."))
        return False
    return True


# Work queue ---------------------------------------------------------------------------------------------


@require_GET
@regiegroep_access
def queue(request: HttpRequest, municipality: Municipality, access: Access) -> HttpResponse:
    work = selectors.work_queue(user=request.user, municipality=municipality, memberships=access.memberships)
    scheme_ids = None if access.manages else [m.group.scheme_id for m in access.memberships]
    return render(
        request,
        "regiegroep/queue.html",
        {
            "work": work,
            "access": access,
            "meetings": selectors.meetings_in(municipality=municipality, scheme_ids=scheme_ids),
            "chaired": [m for m in access.memberships if m.is_chair],
        },
    )


# One initiative -----------------------------------------------------------------------------------------


def _initiative(municipality: Municipality, access: Access, pk: int) -> Initiative:
    initiative = selectors.initiative_for_staff(municipality=municipality, pk=pk)
    if initiative is None or (not access.manages and access.member_of(initiative.scheme_id) is None):
        raise Http404
    return initiative


def _initiative_page(
    request: HttpRequest, municipality: Municipality, access: Access, initiative: Initiative, **forms: Form
) -> HttpResponse:
    member = access.member_of(initiative.scheme_id)
    items = regie_rules.checklist(selectors.rules_of(initiative))
    interest = selectors.interest_of(member=request.user, initiative=initiative) if member else None
    assessment = selectors.assessment_of(member=request.user, initiative=initiative) if member else None
    if "assessment_form" not in forms:
        initial: dict[str, Any] = {}
        if assessment is not None:
            initial = {f"q_{k}": v for k, v in assessment.answers.items()}
            initial.update(advice=assessment.advice, notes=assessment.notes)
        forms["assessment_form"] = AssessmentForm(items=items, initial=initial)
    consultation = selectors.latest_consultation(initiative=initiative)
    return render(
        request,
        "regiegroep/initiative.html",
        {
            "initiative": initiative,
            "member": member,
            "is_chair": member is not None and member.is_chair,
            "undecided": initiative.status in selectors.UNDECIDED,
            "overdue": selectors.is_overdue(initiative),
            "interest": interest,
            "assessment": assessment,
            "consultation": consultation,
            "needs_consultation": services.consultation_needed(initiative),
            "interest_form": forms.get("interest_form") or InterestForm(),
            "extend_form": forms.get("extend_form") or ReasonForm(),
            "summary_form": forms.get("summary_form") or SummaryForm(),
            "consultation_form": forms.get("consultation_form") or Form(),
            **forms,
        },
        status=page_status(request),
    )


@require_GET
@regiegroep_access
def initiative_detail(
    request: HttpRequest, municipality: Municipality, access: Access, pk: int
) -> HttpResponse:
    return _initiative_page(request, municipality, access, _initiative(municipality, access, pk))


@require_POST
@regiegroep_access
def assess(request: HttpRequest, municipality: Municipality, access: Access, pk: int) -> HttpResponse:
    initiative = _initiative(municipality, access, pk)
    form = AssessmentForm(request.POST, items=regie_rules.checklist(selectors.rules_of(initiative)))
    if form.is_valid() and _call(
        form,
        lambda: services.assess(
            actor=_me(request),
            initiative=initiative,
            answers=form.answers(),
            advice=form.cleaned_data["advice"],
            notes=form.cleaned_data["notes"],
        ),
    ):
        messages.success(request, _("Your assessment is saved."))
        return redirect("core:regiegroep_initiative", gemeente=municipality.slug, pk=initiative.pk)
    return _initiative_page(request, municipality, access, initiative, assessment_form=form)


@require_POST
@regiegroep_access
def declare_interest(
    request: HttpRequest, municipality: Municipality, access: Access, pk: int
) -> HttpResponse:
    initiative = _initiative(municipality, access, pk)
    form = InterestForm(request.POST)
    if form.is_valid() and _call(
        form,
        lambda: services.declare_interest(
            actor=_me(request), initiative=initiative, reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(
            request, _("Your interest is recorded. You take no part in assessing or deciding this plan.")
        )
        return redirect("core:regiegroep_initiative", gemeente=municipality.slug, pk=initiative.pk)
    return _initiative_page(request, municipality, access, initiative, interest_form=form)


@require_POST
@regiegroep_access
def extend_term(request: HttpRequest, municipality: Municipality, access: Access, pk: int) -> HttpResponse:
    initiative = _initiative(municipality, access, pk)
    form = ReasonForm(request.POST)
    if form.is_valid() and _call(
        form,
        lambda: services.extend_decision_term(
            actor=_me(request), initiative=initiative, reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(request, _("The decision term is extended."))
        return redirect("core:regiegroep_initiative", gemeente=municipality.slug, pk=initiative.pk)
    return _initiative_page(request, municipality, access, initiative, extend_form=form)


@require_POST
@regiegroep_access
def open_consultation(
    request: HttpRequest, municipality: Municipality, access: Access, pk: int
) -> HttpResponse:
    initiative = _initiative(municipality, access, pk)
    form = Form(request.POST)
    if form.is_valid() and _call(
        form, lambda: consultation_services.open_consultation(actor=_me(request), initiative=initiative)
    ):
        messages.success(request, _("The consultation is open. Its page is public."))
        return redirect("core:regiegroep_initiative", gemeente=municipality.slug, pk=initiative.pk)
    return _initiative_page(request, municipality, access, initiative, consultation_form=form)


@require_POST
@regiegroep_access
def publish_consultation(
    request: HttpRequest, municipality: Municipality, access: Access, pk: int, consultation_pk: int
) -> HttpResponse:
    initiative = _initiative(municipality, access, pk)
    consultation = get_object_or_404(Consultation, pk=consultation_pk, initiative=initiative)
    form = SummaryForm(request.POST)

    def publish() -> None:
        current = consultation
        if current.status == ConsultationStatus.OPEN:
            current = consultation_services.close_consultation(actor=_me(request), consultation=current)
        consultation_services.publish_outcome(
            actor=_me(request), consultation=current, summary=form.cleaned_data["summary"]
        )

    if form.is_valid() and _call(form, publish):
        messages.success(request, _("The outcome of the consultation is published."))
        return redirect("core:regiegroep_initiative", gemeente=municipality.slug, pk=initiative.pk)
    return _initiative_page(request, municipality, access, initiative, summary_form=form)


# Meetings -----------------------------------------------------------------------------------------------


@regiegroep_access
def meeting_new(
    request: HttpRequest, municipality: Municipality, access: Access, scheme_pk: int
) -> HttpResponse:
    member = access.member_of(scheme_pk)
    if member is None or not member.is_chair:
        raise PermissionDenied
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made: list[Meeting] = []
        if _call(
            form,
            lambda: made.append(
                services.create_meeting(
                    actor=_me(request),
                    scheme=member.group.scheme,
                    held_on=form.cleaned_data["held_on"],
                    location=form.cleaned_data["location"],
                )
            ),
        ):
            messages.success(request, _("The meeting is planned. Now set the agenda and who is present."))
            return redirect("core:regiegroep_meeting", gemeente=municipality.slug, pk=made[0].pk)
    return render(
        request,
        "regiegroep/meeting_form.html",
        {"form": form, "scheme": member.group.scheme},
        status=page_status(request),
    )


def _meeting(municipality: Municipality, access: Access, pk: int) -> Meeting:
    meeting = selectors.meeting_for_staff(municipality=municipality, pk=pk)
    if meeting is None or (not access.manages and access.member_of(meeting.group.scheme_id) is None):
        raise Http404
    return meeting


def _meeting_page(
    request: HttpRequest, municipality: Municipality, access: Access, meeting: Meeting, **forms: Any
) -> HttpResponse:
    screen = selectors.meeting_screen(meeting=meeting)
    member = access.member_of(meeting.group.scheme_id)
    members = [(m.user_id, m.user.name or m.user.email) for m in screen.members]
    options = [(row.initiative.pk, row.initiative.title) for row in screen.rows] + [
        (i.pk, i.title) for i in screen.candidates
    ]
    decision_forms: dict[int, Form] = forms.pop("decision_forms", {})
    for row in screen.rows:
        row.form = decision_forms.get(row.initiative.pk) or DecisionForm(prefix=f"d{row.initiative.pk}")  # type: ignore[attr-defined]
    return render(
        request,
        "regiegroep/meeting.html",
        {
            "screen": screen,
            "meeting": meeting,
            "is_chair": member is not None and member.is_chair,
            "is_present": request.user.pk in screen.present_ids,
            "attendance_form": forms.get("attendance_form")
            or AttendanceForm(members=members, initial={"present": [str(pk) for pk in screen.present_ids]}),
            "agenda_form": forms.get("agenda_form")
            or AgendaForm(
                options=options, initial={"initiatives": [str(r.initiative.pk) for r in screen.rows]}
            ),
            "minutes_form": forms.get("minutes_form") or MinutesForm(initial={"minutes": meeting.minutes}),
        },
        status=page_status(request),
    )


@require_GET
@regiegroep_access
def meeting_detail(request: HttpRequest, municipality: Municipality, access: Access, pk: int) -> HttpResponse:
    return _meeting_page(request, municipality, access, _meeting(municipality, access, pk))


@require_POST
@regiegroep_access
def meeting_attendance(
    request: HttpRequest, municipality: Municipality, access: Access, pk: int
) -> HttpResponse:
    meeting = _meeting(municipality, access, pk)
    members = [(m.user_id, str(m.user)) for m in selectors.active_memberships(group=meeting.group)]
    form = AttendanceForm(request.POST, members=members)
    if form.is_valid():
        people = selectors.members_by_id(
            group=meeting.group, ids=[int(pk) for pk in form.cleaned_data["present"]]
        )
        if _call(
            form, lambda: services.record_attendance(actor=_me(request), meeting=meeting, present=people)
        ):
            messages.success(request, _("Attendance is saved."))
            return redirect("core:regiegroep_meeting", gemeente=municipality.slug, pk=meeting.pk)
    return _meeting_page(request, municipality, access, meeting, attendance_form=form)


@require_POST
@regiegroep_access
def meeting_agenda(request: HttpRequest, municipality: Municipality, access: Access, pk: int) -> HttpResponse:
    meeting = _meeting(municipality, access, pk)
    screen = selectors.meeting_screen(meeting=meeting)
    options = [(row.initiative.pk, row.initiative.title) for row in screen.rows] + [
        (i.pk, i.title) for i in screen.candidates
    ]
    form = AgendaForm(request.POST, options=options)
    if form.is_valid():
        wanted = [int(pk) for pk in form.cleaned_data["initiatives"]]
        ordered = selectors.initiatives_by_id(municipality=municipality, ids=wanted)
        if _call(form, lambda: services.set_agenda(actor=_me(request), meeting=meeting, initiatives=ordered)):
            messages.success(request, _("The agenda is saved."))
            return redirect("core:regiegroep_meeting", gemeente=municipality.slug, pk=meeting.pk)
    return _meeting_page(request, municipality, access, meeting, agenda_form=form)


@require_POST
@regiegroep_access
def meeting_minutes(
    request: HttpRequest, municipality: Municipality, access: Access, pk: int
) -> HttpResponse:
    meeting = _meeting(municipality, access, pk)
    form = MinutesForm(request.POST)
    if form.is_valid() and _call(
        form,
        lambda: services.save_minutes(
            actor=_me(request), meeting=meeting, minutes=form.cleaned_data["minutes"]
        ),
    ):
        messages.success(request, _("The minutes are saved."))
        return redirect("core:regiegroep_meeting", gemeente=municipality.slug, pk=meeting.pk)
    return _meeting_page(request, municipality, access, meeting, minutes_form=form)


@require_POST
@regiegroep_access
def meeting_decide(
    request: HttpRequest, municipality: Municipality, access: Access, pk: int, initiative_pk: int
) -> HttpResponse:
    meeting = _meeting(municipality, access, pk)
    initiative = get_object_or_404(Initiative, pk=initiative_pk, municipality=municipality)
    form = DecisionForm(request.POST, prefix=f"d{initiative.pk}")
    if form.is_valid() and _call(
        form,
        lambda: services.decide(
            actor=_me(request),
            meeting=meeting,
            initiative=initiative,
            outcome=form.cleaned_data["outcome"],
            reasons=form.cleaned_data["reasons"],
            amount_cents=form.amount_cents(),
            conditions=form.cleaned_data["conditions"],
        ),
    ):
        messages.success(request, _("The decision on '%(title)s' is recorded.") % {"title": initiative.title})
        return redirect("core:regiegroep_meeting", gemeente=municipality.slug, pk=meeting.pk)
    return _meeting_page(request, municipality, access, meeting, decision_forms={initiative.pk: form})


# Members (budget manager) -------------------------------------------------------------------------------


@regiegroep_access
def groups(request: HttpRequest, municipality: Municipality, access: Access) -> HttpResponse:
    if not access.manages:
        raise PermissionDenied
    schemes = list(selectors.schemes_in(municipality=municipality))
    form = AppointForm(request.POST or None, schemes=[(s.pk, s.name) for s in schemes])
    if request.method == "POST" and form.is_valid():
        scheme = next(s for s in schemes if s.pk == form.cleaned_data["scheme"])
        person = form.cleaned_data["email"]  # the account with that address (AccountEmailField)
        if _call(
            form,
            lambda: services.appoint_member(
                actor=_me(request), scheme=scheme, user=person, role=form.cleaned_data["role"]
            ),
        ):
            messages.success(request, _("%(name)s is appointed.") % {"name": person})
            return redirect("core:regiegroep_groups", gemeente=municipality.slug)
    return render(
        request,
        "regiegroep/groups.html",
        {"form": form, "groups": selectors.groups_in(municipality=municipality)},
        status=page_status(request),
    )


@require_POST
@regiegroep_access
def end_membership(request: HttpRequest, municipality: Municipality, access: Access, pk: int) -> HttpResponse:
    if not access.manages:
        raise PermissionDenied
    membership = get_object_or_404(Membership, pk=pk, group__municipality=municipality, ended_at__isnull=True)
    services.end_membership(actor=_me(request), membership=membership)
    messages.success(request, _("The membership has ended."))
    return redirect("core:regiegroep_groups", gemeente=municipality.slug)
