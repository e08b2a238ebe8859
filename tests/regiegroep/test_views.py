"""The regiegroep's pages: work queue, assessment, meeting screen, members, and decisions on the area page."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from buurtbudget.initiatives.models import InitiativeStatus
from buurtbudget.regiegroep import services
from buurtbudget.regiegroep.models import Assessment, Decision, InterestDeclaration, Membership, Outcome
from buurtbudget.vouchers.models import Voucher
from tests.factories import UserFactory
from tests.factories.initiatives import submitted_initiative
from tests.factories.regiegroep import all_yes, funded_voucher_scheme, meeting, steering_group
from tests.regiegroep.clock import frozen

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():  # type: ignore[no-untyped-def]
    return steering_group(funded_voucher_scheme(), members=2)


@pytest.fixture
def initiative(group):  # type: ignore[no-untyped-def]
    return submitted_initiative(scheme=group.scheme)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, group: Any, **kwargs: Any) -> str:
    return reverse(f"core:{name}", kwargs={"gemeente": group.scheme.municipality.slug, **kwargs})


def test_the_work_queue_lists_initiatives_and_highlights_overdue_ones(group, initiative) -> None:  # type: ignore[no-untyped-def]
    page = _client(group.members[0]).get(_url("regiegroep_queue", group))
    html = page.content.decode()
    assert page.status_code == 200 and initiative.title in html and "Nog beoordelen" in html
    assert "Te laat" not in html
    with frozen(initiative.decision_due_on + dt.timedelta(days=1)):
        html = _client(group.manager).get(_url("regiegroep_queue", group)).content.decode()
    assert "Te laat" in html and "over de termijn voor het besluit" in html


def test_the_work_queue_is_for_members_and_budget_managers_of_this_municipality(group, initiative) -> None:  # type: ignore[no-untyped-def]
    assert Client().get(_url("regiegroep_queue", group)).status_code == 302
    assert _client(UserFactory()).get(_url("regiegroep_queue", group)).status_code == 403
    elsewhere = steering_group(funded_voucher_scheme(), members=0)
    for person in (elsewhere.chair, elsewhere.manager):
        assert _client(person).get(_url("regiegroep_queue", group)).status_code == 403
        # Their own queue does not show initiatives of another municipality.
        html = _client(person).get(_url("regiegroep_queue", elsewhere)).content.decode()
        assert initiative.title not in html
    # An initiative of another municipality is not found under one's own.
    assert (
        _client(elsewhere.chair).get(_url("regiegroep_initiative", elsewhere, pk=initiative.pk)).status_code
        == 404
    )


@pytest.mark.parametrize("count", [1, 4])
def test_the_work_queue_takes_a_fixed_number_of_queries(group, count, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for _ in range(count):
        submitted_initiative(scheme=group.scheme)
    client = _client(group.chair)
    client.get(_url("regiegroep_queue", group))  # warm up the session
    # session, language, municipality, user, roles, memberships; queue: initiatives, assessments,
    # interests, consultations; meetings
    with django_assert_num_queries(11):
        assert client.get(_url("regiegroep_queue", group)).status_code == 200


def test_a_member_assesses_on_the_page_and_bad_input_changes_nothing(group, initiative) -> None:  # type: ignore[no-untyped-def]
    client = _client(group.members[0])
    page = client.get(_url("regiegroep_initiative", group, pk=initiative.pk))
    assert page.status_code == 200 and "Uw beoordeling" in page.content.decode()
    data = {f"q_{key}": value for key, value in all_yes(initiative).items()}
    bad = client.post(_url("regiegroep_assess", group, pk=initiative.pk), {**data, "q_amount": ""})
    assert bad.status_code == 400 and "Dit veld is vereist" in bad.content.decode()
    assert not Assessment.objects.exists()
    good = client.post(
        _url("regiegroep_assess", group, pk=initiative.pk), {**data, "advice": "award", "notes": "Prima"}
    )
    assert good.status_code == 302
    assert Assessment.objects.get().advice == "award"


def test_declaring_an_interest_on_the_page_removes_the_assessment_form(group, initiative) -> None:  # type: ignore[no-untyped-def]
    client = _client(group.members[0])
    empty = client.post(_url("regiegroep_interest", group, pk=initiative.pk), {"reason": ""})
    assert empty.status_code == 400 and not InterestDeclaration.objects.exists()
    client.post(_url("regiegroep_interest", group, pk=initiative.pk), {"reason": "Mijn buurman."})
    html = client.get(_url("regiegroep_initiative", group, pk=initiative.pk)).content.decode()
    assert "een belang gemeld" in html and "Mijn beoordeling opslaan" not in html


def test_the_meeting_screen_records_attendance_agenda_decision_and_minutes(group, initiative) -> None:  # type: ignore[no-untyped-def]
    chair = _client(group.chair)
    new_meeting = _url("regiegroep_meeting_new", group, scheme_pk=group.scheme.pk)
    assert chair.get(new_meeting).status_code == 200
    no_date = chair.post(new_meeting, {"held_on": "", "location": "Buurthuis"})
    assert no_date.status_code == 400 and "Dit veld is vereist" in no_date.content.decode()
    assert not group.scheme.steering_group.meetings.exists()
    response = chair.post(new_meeting, {"held_on": "2026-11-30", "location": "Buurthuis"})
    at = group.scheme.steering_group.meetings.get()
    assert response.status_code == 302
    people = [str(p.pk) for p in group.everyone]
    assert chair.post(_url("regiegroep_attendance", group, pk=at.pk), {"present": people}).status_code == 302
    assert (
        chair.post(
            _url("regiegroep_agenda", group, pk=at.pk), {"initiatives": [str(initiative.pk)]}
        ).status_code
        == 302
    )
    page = chair.get(_url("regiegroep_meeting", group, pk=at.pk)).content.decode()
    assert "Quorum gehaald." in page and initiative.title in page

    decide = _url("regiegroep_decide", group, pk=at.pk, initiative_pk=initiative.pk)
    p = f"d{initiative.pk}-"
    no_reasons = chair.post(decide, {f"{p}outcome": "award", f"{p}reasons": ""})
    assert no_reasons.status_code == 400 and not Decision.objects.exists()
    lower = chair.post(
        decide, {f"{p}outcome": "award_lower", f"{p}amount": "900,00", f"{p}reasons": "Iets minder nodig."}
    )
    assert lower.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.IN_EXECUTION
    assert Voucher.objects.get().amount_cents == 90_000
    assert (
        chair.post(
            _url("regiegroep_minutes", group, pk=at.pk), {"minutes": "Besloten: toekennen."}
        ).status_code
        == 302
    )
    at.refresh_from_db()
    assert at.minutes == "Besloten: toekennen."


def test_a_member_with_an_interest_is_told_they_cannot_decide(group, initiative) -> None:  # type: ignore[no-untyped-def]
    services.declare_interest(actor=group.members[0], initiative=initiative, reason="Familie.")
    at = meeting(group, agenda=[initiative])
    p = f"d{initiative.pk}-"
    response = _client(group.members[0]).post(
        _url("regiegroep_decide", group, pk=at.pk, initiative_pk=initiative.pk),
        {f"{p}outcome": "reject", f"{p}reasons": "Past niet."},
    )
    assert response.status_code == 400 and "belang gemeld" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_meeting_without_quorum_refuses_the_decision_with_a_message(group, initiative) -> None:  # type: ignore[no-untyped-def]
    at = meeting(group, present=[group.chair], agenda=[initiative])
    p = f"d{initiative.pk}-"
    response = _client(group.chair).post(
        _url("regiegroep_decide", group, pk=at.pk, initiative_pk=initiative.pk),
        {f"{p}outcome": "award", f"{p}reasons": "Goed plan."},
    )
    assert response.status_code == 400 and "Geen quorum" in response.content.decode()
    assert not Decision.objects.exists()


def test_the_budget_manager_appoints_members_on_the_members_page(group) -> None:  # type: ignore[no-untyped-def]
    newcomer = UserFactory(email="nieuw@example.org")
    manager = _client(group.manager)
    assert _client(group.chair).get(_url("regiegroep_groups", group)).status_code == 403
    unknown = manager.post(
        _url("regiegroep_groups", group),
        {"scheme": group.scheme.pk, "email": "niemand@example.org", "role": "member"},
    )
    assert unknown.status_code == 400
    assert (
        "Er is geen account met dit e-mailadres. Vraag de persoon eerst een account te maken."
        in unknown.content.decode()
    )
    ok = manager.post(
        _url("regiegroep_groups", group),
        {"scheme": group.scheme.pk, "email": "nieuw@example.org", "role": "member"},
    )
    assert ok.status_code == 302
    assert Membership.objects.filter(user=newcomer, ended_at__isnull=True).exists()


def test_published_decisions_show_on_the_area_page_without_personal_data(
    group, scheme_area_page=None
) -> None:  # type: ignore[no-untyped-def]
    awarded, rejected, changes = (
        submitted_initiative(scheme=group.scheme, title=t) for t in ("Moestuin", "Feest", "Bankje")
    )
    at = meeting(group, agenda=[awarded, rejected, changes])
    for target, outcome, reasons in (
        (awarded, Outcome.AWARD, "Versterkt de buurt."),
        (rejected, Outcome.REJECT, "Commercieel doel."),
        (changes, Outcome.ASK_CHANGES, "Begroting onduidelijk."),
    ):
        services.decide(actor=group.chair, meeting=at, initiative=target, outcome=outcome, reasons=reasons)
    area = group.scheme.area
    html = Client().get(area.get_absolute_url()).content.decode()
    assert "Moestuin" in html and "1.500,00" in html and "Versterkt de buurt." in html
    assert "Feest" in html and "Commercieel doel." in html
    assert "Bankje" not in html and "Begroting onduidelijk." not in html
    for person in (awarded.initiator, rejected.initiator, group.chair):
        assert person.email not in html and person.name not in html


@pytest.mark.parametrize("items", [1, 4])
def test_the_meeting_screen_takes_a_fixed_number_of_queries(group, items, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    plans = [submitted_initiative(scheme=group.scheme) for _ in range(items)]
    at = meeting(group, agenda=plans)
    services.declare_interest(actor=group.members[0], initiative=plans[0], reason="Buurvrouw.")
    services.assess(actor=group.members[1], initiative=plans[-1], answers=all_yes(plans[-1]), advice="award")
    client = _client(group.chair)
    client.get(_url("regiegroep_meeting", group, pk=at.pk))
    # session, language, municipality, user, roles, memberships, meeting; screen: members, attendance,
    # agenda, assessments, interests, decisions, consultations, candidates
    with django_assert_num_queries(15):
        assert client.get(_url("regiegroep_meeting", group, pk=at.pk)).status_code == 200


def test_the_chair_runs_the_consultation_and_extends_the_term_from_the_initiative_page(
    group, initiative
) -> None:  # type: ignore[no-untyped-def]
    chair = _client(group.chair)
    page = chair.get(_url("regiegroep_initiative", group, pk=initiative.pk)).content.decode()
    assert "Raadpleging openen" in page and "Eén keer verlengen" in page
    member_page = (
        _client(group.members[0]).get(_url("regiegroep_initiative", group, pk=initiative.pk)).content.decode()
    )
    assert "Raadpleging openen" not in member_page
    assert chair.post(_url("regiegroep_open_consultation", group, pk=initiative.pk)).status_code == 302
    consultation = initiative.consultations.get()
    publish = _url(
        "regiegroep_publish_consultation", group, pk=initiative.pk, consultation_pk=consultation.pk
    )
    early = chair.post(publish, {"summary": "Veel steun."})
    assert early.status_code == 400 and "loopt nog" in early.content.decode()
    with frozen(consultation.closes_on + dt.timedelta(days=1)):
        later = _client(group.chair)  # a fresh session: the old one has expired by then
        assert later.post(publish, {"summary": "Veel steun."}).status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == "published"
    assert (
        chair.post(_url("regiegroep_extend_term", group, pk=initiative.pk), {"reason": ""}).status_code == 400
    )
    assert (
        chair.post(
            _url("regiegroep_extend_term", group, pk=initiative.pk), {"reason": "Wacht op offerte"}
        ).status_code
        == 302
    )
    initiative.refresh_from_db()
    assert initiative.decision_term_extended
