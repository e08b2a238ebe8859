"""The daily run: a round's phases move on their dates as the officer would move them, by the system.

Moves that need a human decision wait, with the reason recorded once and shown on the officer's page.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from buurtbudget.audit.models import AuditEvent
from buurtbudget.rounds import services, tasks
from buurtbudget.rounds.models import Phase, PlanStatus, Round, Support
from buurtbudget.voting import services as voting
from tests.factories import MunicipalityFactory
from tests.factories.rounds import District, PlanFactory, RoundFactory, district, resident, stemcode

pytestmark = pytest.mark.django_db

DATES: dict[str, dt.date] = {
    "plans_open_on": dt.date(2026, 1, 1),
    "support_opens_on": dt.date(2026, 3, 1),
    "feasibility_opens_on": dt.date(2026, 4, 1),
    "voting_opens_on": dt.date(2026, 6, 1),
    "voting_closes_on": dt.date(2026, 6, 30),
    "result_on": dt.date(2026, 7, 7),
}
DAY = dt.timedelta(days=1)


def a_round(noord: District, phase: str, **kwargs):  # type: ignore[no-untyped-def]
    return RoundFactory(
        municipality=noord.municipality,
        area=noord.district,
        phase=phase,
        **{**DATES, "selection_opens_on": None, **kwargs},
    )


def phase_of(r: Round) -> str:
    return Round.objects.values_list("phase", flat=True).get(pk=r.pk)


def events(r: Round, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="rounds.round", object_id=str(r.pk), action=action))


def waits(r: Round) -> list[AuditEvent]:
    return events(r, services.AUTO_WAIT)


@pytest.mark.parametrize(
    ("phase", "date_field", "step", "target"),
    [
        (Phase.PLANS, "support_opens_on", "open_support", Phase.SUPPORT),
        (Phase.SUPPORT, "feasibility_opens_on", "open_feasibility", Phase.FEASIBILITY),
    ],
)
def test_a_phase_opens_on_its_date_by_the_system_and_not_a_day_before(  # type: ignore[no-untyped-def]
    noord, phase, date_field, step, target
) -> None:
    r = a_round(noord, phase)
    PlanFactory(round=r)
    services.advance_due_rounds(today=DATES[date_field] - DAY)
    assert phase_of(r) == phase and not events(r, f"rounds.round.{step}")

    run = services.advance_due_rounds(today=DATES[date_field])
    assert phase_of(r) == target
    assert run.moved == [(r.pk, step)]
    (event,) = events(r, f"rounds.round.{step}")
    assert event.actor is None and event.actor_label == "systeem"
    assert event.before == {"phase": phase} and event.after == {"phase": target}


def test_opening_feasibility_marks_plans_lacking_support_as_the_officer_would(noord) -> None:  # type: ignore[no-untyped-def]
    r = a_round(noord, Phase.SUPPORT, rules={"support_threshold": 1})
    liked, unloved = PlanFactory(round=r), PlanFactory(round=r)
    Support.objects.create(plan=liked, user=resident())
    services.advance_due_rounds(today=DATES["feasibility_opens_on"])
    liked.refresh_from_db()
    unloved.refresh_from_db()
    assert phase_of(r) == Phase.FEASIBILITY
    assert liked.status == PlanStatus.SUBMITTED and unloved.status == PlanStatus.INSUFFICIENT_SUPPORT
    lacking = AuditEvent.objects.get(action="rounds.plan.lack_support", object_id=str(unloved.pk))
    assert lacking.actor is None and lacking.details["supporters"] == 0


def test_voting_opens_on_its_date_with_every_feasible_plan_on_the_ballot(noord) -> None:  # type: ignore[no-untyped-def]
    r = a_round(noord, Phase.FEASIBILITY)
    good = PlanFactory(round=r, status=PlanStatus.FEASIBLE)
    bad = PlanFactory(round=r, status=PlanStatus.NOT_FEASIBLE)
    services.advance_due_rounds(today=DATES["voting_opens_on"] - DAY)
    assert phase_of(r) == Phase.FEASIBILITY
    services.advance_due_rounds(today=DATES["voting_opens_on"])
    good.refresh_from_db()
    bad.refresh_from_db()
    assert phase_of(r) == Phase.VOTING
    assert good.status == PlanStatus.ON_BALLOT and bad.status == PlanStatus.NOT_FEASIBLE
    assert events(r, "rounds.round.open_voting")[0].actor_label == "systeem"


def test_pending_feasibility_decisions_make_the_round_wait_and_say_why_once(noord) -> None:  # type: ignore[no-untyped-def]
    r = a_round(noord, Phase.FEASIBILITY)
    PlanFactory(round=r, status=PlanStatus.FEASIBLE)
    PlanFactory(round=r, status=PlanStatus.SUBMITTED)
    run = services.advance_due_rounds(today=DATES["voting_opens_on"])
    assert phase_of(r) == Phase.FEASIBILITY and not run.moved
    # Recorded in the platform's language (Dutch), for the officer's page.
    assert run.waiting == [(r.pk, "open_voting", "Beslis eerst over de haalbaarheid van elk plan.")]
    (wait,) = waits(r)
    assert wait.actor is None and wait.details["step"] == "open_voting"
    assert wait.details["reason"] == "Beslis eerst over de haalbaarheid van elk plan."
    assert "Beslis eerst over de haalbaarheid van elk plan." in _officer_page(noord, r)
    services.advance_due_rounds(today=DATES["voting_opens_on"] + DAY)
    assert len(waits(r)) == 1  # said once, not every day


def test_more_feasible_plans_than_fit_on_the_ballot_wait_for_the_commission(noord) -> None:  # type: ignore[no-untyped-def]
    r = a_round(noord, Phase.FEASIBILITY, rules={"max_on_ballot": 2})
    plans = [PlanFactory(round=r, status=PlanStatus.FEASIBLE) for _ in range(3)]
    services.advance_due_rounds(today=DATES["voting_opens_on"])
    assert phase_of(r) == Phase.FEASIBILITY
    (wait,) = waits(r)
    assert wait.details["step"] == "open_voting"
    assert all(PlanFactory._meta.model.objects.get(pk=p.pk).status == PlanStatus.FEASIBLE for p in plans)
    html = _officer_page(noord, r)  # the page in Dutch: the step and why it waits
    assert 'id="automatic-run"' in html and "Stemmen openen" in html
    assert wait.details["reason"] in html


def test_a_selection_date_opens_the_selection_and_voting_waits_for_the_commission(noord) -> None:  # type: ignore[no-untyped-def]
    r = a_round(noord, Phase.FEASIBILITY, rules={"max_on_ballot": 1}, selection_opens_on=dt.date(2026, 5, 1))
    first, second = (PlanFactory(round=r, status=PlanStatus.FEASIBLE) for _ in range(2))
    services.advance_due_rounds(today=dt.date(2026, 4, 30))
    assert phase_of(r) == Phase.FEASIBILITY and not waits(r)
    services.advance_due_rounds(today=dt.date(2026, 5, 1))
    assert phase_of(r) == Phase.SELECTION
    assert events(r, "rounds.round.open_selection")[0].actor is None
    services.advance_due_rounds(today=DATES["voting_opens_on"])
    assert phase_of(r) == Phase.SELECTION
    assert waits(r)[0].details["step"] == "open_voting"
    # The commission decides; the next day's run opens voting with the selected plan.
    services.decide_selection(actor=noord.officer, plan=first, on_ballot=True, reason="Meeste steun")
    services.decide_selection(actor=noord.officer, plan=second, on_ballot=False, reason="Past niet")
    services.advance_due_rounds(today=DATES["voting_opens_on"] + DAY)
    assert phase_of(r) == Phase.VOTING


def test_a_round_behind_by_several_phases_moves_one_step_at_a_time_and_stops_at_a_decision(noord) -> None:  # type: ignore[no-untyped-def]
    r = a_round(noord, Phase.PLANS, rules={"support_threshold": 1})
    liked, unloved = PlanFactory(round=r), PlanFactory(round=r)
    Support.objects.create(plan=liked, user=resident())
    run = services.advance_due_rounds(today=DATES["voting_opens_on"] + 3 * DAY)
    assert run.moved == [(r.pk, "open_support"), (r.pk, "open_feasibility")]
    assert phase_of(r) == Phase.FEASIBILITY
    unloved.refresh_from_db()
    assert unloved.status == PlanStatus.INSUFFICIENT_SUPPORT  # the support phase's own work was done
    assert waits(r)[0].details["step"] == "open_voting"  # the feasibility decision is the officer's


def test_voting_closes_the_day_after_its_last_day_counts_and_keeps_the_result_unpublished(noord) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()  # residents vote today, its last day
    r = a_round(noord, Phase.VOTING, voting_opens_on=today - 7 * DAY, voting_closes_on=today, result_on=today)
    park = PlanFactory(round=r, status=PlanStatus.ON_BALLOT, requested_cents=6_000_000)
    PlanFactory(round=r, status=PlanStatus.ON_BALLOT, requested_cents=5_000_000)
    voting.cast_vote(round=r, code=stemcode(r, noord.oost), choices={"plans": [park.pk]})

    services.advance_due_rounds(today=today)  # the last day of voting: still open
    assert phase_of(r) == Phase.VOTING
    services.advance_due_rounds(today=today + DAY)
    r.refresh_from_db()
    assert r.phase == Phase.RESULT
    assert r.result["rule"] == r.counting_rule == "greedy" and r.result["ballots"] == 1
    assert r.result["selected"] == [park.pk]
    assert r.result_confirmed_at is None and not r.is_published_result
    assert events(r, "rounds.round.close_voting")[0].actor_label == "systeem"
    assert events(r, "voting.result.count")[0].actor is None
    # The result waits for the district: no later run confirms it.
    services.advance_due_rounds(today=today + 30 * DAY)
    r.refresh_from_db()
    assert r.phase == Phase.RESULT and r.result_confirmed_at is None


def test_a_second_run_on_the_same_day_changes_nothing(noord) -> None:  # type: ignore[no-untyped-def]
    moving = a_round(noord, Phase.SUPPORT, slug="moving")
    waiting = a_round(noord, Phase.FEASIBILITY, slug="waiting")
    PlanFactory(round=moving)
    PlanFactory(round=waiting)
    day = DATES["voting_opens_on"]
    services.advance_due_rounds(today=day)
    before = (AuditEvent.objects.count(), phase_of(moving), phase_of(waiting))
    again = services.advance_due_rounds(today=day)
    assert (AuditEvent.objects.count(), phase_of(moving), phase_of(waiting)) == before
    assert not again.moved and not again.failed


def test_rounds_of_an_inactive_municipality_are_untouched(noord) -> None:  # type: ignore[no-untyped-def]
    other = district(MunicipalityFactory(name="Zaanstad", slug="zaanstad", is_active=False))
    r = a_round(other, Phase.PLANS)
    services.advance_due_rounds(today=DATES["result_on"])
    assert phase_of(r) == Phase.PLANS
    assert not AuditEvent.objects.filter(object_type="rounds.round", object_id=str(r.pk)).exists()


def test_one_failing_round_does_not_stop_the_others(noord, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    broken = a_round(noord, Phase.PLANS, slug="broken")
    fine = a_round(noord, Phase.PLANS, slug="fine")
    real = services.advance_round

    def failing(*, actor, round, name, reason=""):  # type: ignore[no-untyped-def]
        if round.pk == broken.pk:
            raise RuntimeError("database hiccup")
        return real(actor=actor, round=round, name=name, reason=reason)

    monkeypatch.setattr(services, "advance_round", failing)
    run = services.advance_due_rounds(today=DATES["support_opens_on"])
    assert run.failed == [broken.pk]
    assert phase_of(broken) == Phase.PLANS and phase_of(fine) == Phase.SUPPORT
    assert f"round {broken.pk} failed" in caplog.text


def test_the_system_does_not_lend_its_rights_to_people(noord) -> None:  # type: ignore[no-untyped-def]
    r = a_round(noord, Phase.PLANS)
    from buurtbudget.statemachine.services import TransitionNotAllowed

    with pytest.raises(TransitionNotAllowed):
        services.advance_round(actor=resident(), round=r, name="open_support")
    with pytest.raises(TransitionNotAllowed):
        services.advance_round(actor=None, round=r, name="open_support")
    assert phase_of(r) == Phase.PLANS


def test_the_officer_page_says_what_the_daily_run_did(noord) -> None:  # type: ignore[no-untyped-def]
    r = a_round(noord, Phase.PLANS)
    services.advance_due_rounds(today=DATES["support_opens_on"])
    html = _officer_page(noord, r)
    assert 'id="automatic-run"' in html and "Automatisch gedaan op" in html and "Steunen openen" in html


def test_the_daily_task_runs_the_service_and_is_scheduled(noord) -> None:  # type: ignore[no-untyped-def]
    later = {name: dt.date(2099, 1, 1) for name in ("feasibility_opens_on", "voting_opens_on")}
    r = a_round(noord, Phase.PLANS, support_opens_on=dt.date(2000, 1, 1), **later)
    assert tasks.advance_due_rounds.delay().get() == {"moved": 1, "waiting": 0, "failed": 0}
    assert phase_of(r) == Phase.SUPPORT
    scheduled = [job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "buurtbudget.rounds.tasks.advance_due_rounds" in scheduled


def _officer_page(noord: District, r: Round) -> str:
    client = Client()
    client.force_login(noord.officer)
    response = client.get(reverse("core:rounds_staff", kwargs={"gemeente": "amsterdam", "pk": r.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_demo_rounds_are_each_in_their_phase_for_their_dates() -> None:
    """Loading the demo and then running the daily job changes nothing: each demo round is where its dates say."""
    call_command("demo", stdout=StringIO())
    phases = dict(Round.objects.values_list("slug", "phase"))
    count = AuditEvent.objects.count()
    run = services.advance_due_rounds(today=timezone.localdate())
    assert (run.moved, run.waiting, run.failed) == ([], [], [])
    assert dict(Round.objects.values_list("slug", "phase")) == phases
    assert AuditEvent.objects.count() == count
