"""Casting, changing and refusing ballots: one ballot per code, within the rules, never linked to a person."""

from __future__ import annotations

import pytest

from buurtbudget.audit.models import AuditEvent
from buurtbudget.rounds.models import Phase
from buurtbudget.voting import services
from buurtbudget.voting.ballots import BallotRefused
from buurtbudget.voting.codes import InvalidStemcode, code_hash, normalise
from buurtbudget.voting.models import Ballot, CodeStatus, VoterCode
from tests.factories.rounds import PlanFactory, RoundFactory, stemcode

pytestmark = pytest.mark.django_db


@pytest.fixture
def voting(noord):  # type: ignore[no-untyped-def]
    """A voting round of € 100.000 in Noord: two district-wide plans, one plan in each buurt."""
    r = RoundFactory(
        municipality=noord.municipality, area=noord.district, phase=Phase.VOTING, budget_cents=10_000_000
    )
    plans = {
        "park": PlanFactory(
            round=r, title="Park", requested_cents=6_000_000, status="on_ballot", legal_entity="Stichting"
        ),
        "bankjes": PlanFactory(round=r, title="Bankjes", requested_cents=3_000_000, status="on_ballot"),
        "oost": PlanFactory(
            round=r, area=noord.oost, title="Speeltuin Oost", requested_cents=2_000_000, status="on_ballot"
        ),
        "west": PlanFactory(
            round=r, area=noord.west, title="Moestuin West", requested_cents=500_000, status="on_ballot"
        ),
        "nee": PlanFactory(round=r, title="Niet haalbaar", requested_cents=100_000, status="not_feasible"),
    }
    return r, plans


def ids(*plans):  # type: ignore[no-untyped-def]
    return {"plans": [p.pk for p in plans], "points": []}


def test_a_resident_votes_and_gets_a_receipt(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    code = stemcode(r, noord.oost)
    result = services.cast_vote(
        round=r, code=code.lower().replace("-", " "), choices=ids(p["park"], p["oost"])
    )
    assert len(result.receipt) == 10 and result.changed is False
    ballot = Ballot.objects.get()
    assert sorted(ballot.choices["plans"]) == sorted([p["park"].pk, p["oost"].pk])
    assert ballot.area == noord.oost
    assert VoterCode.objects.get().used_on is not None
    assert AuditEvent.objects.filter(action="voting.ballot.cast", object_id=str(r.pk)).count() == 1


def test_the_ballot_table_holds_nothing_that_leads_to_a_person(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    code = stemcode(r, noord.oost)
    services.cast_vote(round=r, code=code, choices=ids(p["bankjes"]))
    ballot = Ballot.objects.get()
    fields = {f.name for f in Ballot._meta.get_fields()}
    assert fields == {"id", "round", "area", "choices", "token", "receipt", "cast_on", "changed_count"}
    stored = VoterCode.objects.get()
    # The ballot's token is not the stored code hash: without the paper letter the two tables cannot be joined.
    assert ballot.token != stored.code_hash
    assert normalise(code) not in str(ballot.__dict__) and normalise(code) not in str(stored.__dict__)
    assert stored.code_hash == code_hash(normalise(code))
    # The audit trail says that a vote was cast, not by whom nor which ballot.
    event = AuditEvent.objects.get(action="voting.ballot.cast")
    assert event.actor is None and event.details == {} and event.object_type == "rounds.round"


def test_a_ballot_over_the_budget_is_refused_with_a_clear_message(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    code = stemcode(r, noord.oost)
    with pytest.raises(BallotRefused) as refused:
        services.cast_vote(round=r, code=code, choices=ids(p["park"], p["bankjes"], p["oost"]))
    assert str(refused.value) == (
        "The plans you chose cost € 110.000,00 together; the budget is € 100.000,00. Choose fewer plans."
    )
    assert not Ballot.objects.exists()
    assert VoterCode.objects.get().used_on is None


def test_a_plan_outside_the_voters_area_is_refused(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    code = stemcode(r, noord.oost)
    for other in (p["west"], p["nee"]):
        with pytest.raises(BallotRefused, match="not on the ballot of your area"):
            services.cast_vote(round=r, code=code, choices=ids(p["oost"], other))
    assert not Ballot.objects.exists()


def test_changing_a_vote_replaces_the_choices_and_keeps_one_ballot(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    code = stemcode(r, noord.west)
    first = services.cast_vote(round=r, code=code, choices=ids(p["park"]))
    second = services.cast_vote(round=r, code=code, choices=ids(p["west"], p["bankjes"]))
    assert second.changed is True and second.receipt == first.receipt
    ballot = Ballot.objects.get()
    assert sorted(ballot.choices["plans"]) == sorted([p["west"].pk, p["bankjes"].pk])
    assert services.current_choices(round=r, code=code) == ballot.choices


def test_when_the_round_forbids_changes_a_second_vote_is_refused(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    r.rules = {**r.rules, "allow_vote_change": False}
    r.save()
    code = stemcode(r, noord.west)
    services.cast_vote(round=r, code=code, choices=ids(p["park"]))
    with pytest.raises(services.VotingError, match="already voted"):
        services.cast_vote(round=r, code=code, choices=ids(p["bankjes"]))
    assert Ballot.objects.get().choices["plans"] == [p["park"].pk]


def test_wrong_blocked_and_foreign_codes_are_refused(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    with pytest.raises(InvalidStemcode, match="13 characters"):
        services.cast_vote(round=r, code="ABC", choices=ids(p["park"]))
    code = stemcode(r, noord.oost)
    typo = code[:-1] + ("2" if code[-1] != "2" else "3")
    with pytest.raises(InvalidStemcode, match="not correct"):
        services.cast_vote(round=r, code=typo, choices=ids(p["park"]))
    other_round = RoundFactory(municipality=noord.municipality, area=noord.district, phase=Phase.VOTING)
    with pytest.raises(services.UnknownCode):
        services.cast_vote(round=other_round, code=code, choices=ids(p["park"]))
    VoterCode.objects.update(status=CodeStatus.BLOCKED)
    with pytest.raises(services.VotingError, match="blocked"):
        services.cast_vote(round=r, code=code, choices=ids(p["park"]))
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("phase", [p for p in Phase if p != Phase.VOTING])
def test_no_voting_outside_the_voting_phase(noord, voting, phase) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    code = stemcode(r, noord.oost)
    r.phase = phase
    r.save()
    with pytest.raises(services.VotingError, match="not open"):
        services.cast_vote(round=r, code=code, choices=ids(p["park"]))
    assert not Ballot.objects.exists()


def test_no_voting_after_the_closing_date(noord, voting) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    r, p = voting
    code = stemcode(r, noord.oost)
    r.voting_closes_on = dt.date(2020, 1, 1)
    r.save()
    with pytest.raises(services.VotingError, match="closed"):
        services.cast_vote(round=r, code=code, choices=ids(p["park"]))


def test_minimum_spend(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    r.rules = {**r.rules, "min_spend_percent": 50}
    r.save()
    code = stemcode(r, noord.oost)
    with pytest.raises(BallotRefused, match=r"at least € 50\.000,00"):
        services.cast_vote(round=r, code=code, choices=ids(p["oost"]))
    services.cast_vote(round=r, code=code, choices=ids(p["park"]))


def test_approval_with_a_minimum_and_maximum_number_of_plans(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    r.rules = {**r.rules, "ballot_type": "approval_count", "min_plans": 2, "max_plans": 2}
    r.save()
    code = stemcode(r, noord.oost)
    with pytest.raises(BallotRefused, match="at least 2 and at most 2"):
        services.cast_vote(round=r, code=code, choices=ids(p["oost"]))
    with pytest.raises(BallotRefused, match="you chose 3"):
        services.cast_vote(round=r, code=code, choices=ids(p["oost"], p["park"], p["bankjes"]))
    # Budget does not limit this ballot type.
    services.cast_vote(round=r, code=code, choices=ids(p["park"], p["bankjes"]))


def test_cumulative_points(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    r.rules = {**r.rules, "ballot_type": "cumulative", "points": 5}
    r.save()
    code = stemcode(r, noord.oost)
    with pytest.raises(BallotRefused, match="You gave 6 points; you have 5"):
        services.cast_vote(
            round=r, code=code, choices={"plans": [p["park"].pk, p["oost"].pk], "points": [3, 3]}
        )
    services.cast_vote(round=r, code=code, choices={"plans": [p["oost"].pk, p["park"].pk], "points": [1, 4]})
    ballot = Ballot.objects.get()
    assert dict(zip(ballot.choices["plans"], ballot.choices["points"], strict=True)) == {
        p["park"].pk: 4,
        p["oost"].pk: 1,
    }


def test_ranking_keeps_the_order(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    r.rules = {**r.rules, "ballot_type": "ranking", "max_ranked": 2}
    r.save()
    code = stemcode(r, noord.oost)
    with pytest.raises(BallotRefused, match="at most 2"):
        services.cast_vote(round=r, code=code, choices=ids(p["oost"], p["park"], p["bankjes"]))
    services.cast_vote(round=r, code=code, choices=ids(p["oost"], p["park"]))
    assert Ballot.objects.get().choices["plans"] == [p["oost"].pk, p["park"].pk]
