"""The one-statement cast of the vote page (voting/fast_cast.py) stores exactly what the full transaction would,
and never trusts what it remembers of a round: whatever changed in the database decides."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from buurtbudget.audit.models import AuditEvent
from buurtbudget.rounds.models import Phase, Plan, Round
from buurtbudget.voting import codes, fast_cast, services
from buurtbudget.voting.ballots import BallotRefused
from buurtbudget.voting.models import Ballot, CodeStatus, VoterCode
from tests.factories.rounds import PlanFactory, RoundFactory, stemcode

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def voting(noord):  # type: ignore[no-untyped-def]
    """A voting round of € 100.000 in Noord: a district-wide plan and one plan in each of two buurten."""
    r = RoundFactory(
        municipality=noord.municipality,
        area=noord.district,
        phase=Phase.VOTING,
        budget_cents=10_000_000,
        name="Noord begroot",
    )
    plans = {
        "park": PlanFactory(round=r, title="Park", requested_cents=6_000_000, status="on_ballot"),
        "oost": PlanFactory(
            round=r, area=noord.oost, title="Oost", requested_cents=2_000_000, status="on_ballot"
        ),
        "west": PlanFactory(
            round=r, area=noord.west, title="West", requested_cents=500_000, status="on_ballot"
        ),
    }
    fast_cast.forget(r.pk)
    return r, plans


def cast(r: Round, code: str, *plans: Plan, area_id: int) -> services.VoteResult:
    """As the vote page casts: the code's keys and the area from the signed voter state."""
    key = codes.voter_key(r.pk, codes.normalise(code))
    return services.cast_ballot(
        round_id=r.pk, key=key, choices={"plans": [p.pk for p in plans], "points": []}, area_id=area_id
    )


def test_the_stored_ballot_code_and_audit_event_are_those_of_the_full_transaction(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    fast_code, full_code = stemcode(r, noord.oost), stemcode(r, noord.oost)
    with CaptureQueriesContext(connection) as statements:
        fast = cast(r, fast_code, p["oost"], p["park"], area_id=noord.oost.pk)
    writes = [
        q["sql"]
        for q in statements.captured_queries
        if q["sql"].split()[0] not in ("SELECT", "SAVEPOINT", "RELEASE")
    ]
    assert len(writes) == 1 and writes[0].startswith("WITH r AS"), writes  # the one-statement path was taken
    full = services.cast_vote(round=r, code=full_code, choices={"plans": [p["oost"].pk, p["park"].pk]})

    fast_ballot, full_ballot = (Ballot.objects.get(receipt=x.receipt) for x in (fast, full))
    assert len(fast.receipt) == 10 and set(fast.receipt) <= set(services.RECEIPT_ALPHABET)
    assert fast_ballot.choices == full_ballot.choices  # checked and normalised the same way
    for field in ("round_id", "area_id", "cast_on", "changed_count"):
        assert getattr(fast_ballot, field) == getattr(full_ballot, field), field
    assert VoterCode.objects.filter(round=r, used_on=fast_ballot.cast_on).count() == 2
    events = list(
        AuditEvent.objects.filter(action="voting.ballot.cast").values(
            "municipality",
            "actor",
            "actor_label",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "details",
        )
    )
    assert len(events) == 2 and events[0] == events[1]
    assert events[0]["object_repr"] == "Noord begroot" and events[0]["actor_label"] == "systeem"


def test_a_changed_plan_is_seen_at_once_and_decides(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    cast(r, stemcode(r, noord.oost), p["park"], area_id=noord.oost.pk)  # the round's ballot is now remembered
    # Behind the services' back (an admin edit): the park now costs more than the whole budget left over.
    Plan.objects.filter(pk=p["park"].pk).update(cost_cents=9_000_000)
    code = stemcode(r, noord.oost)
    with pytest.raises(BallotRefused, match="budget"):
        cast(r, code, p["park"], p["oost"], area_id=noord.oost.pk)
    assert Ballot.objects.count() == 1
    # And the other way round: a ballot the remembered costs would refuse is stored when the database allows it.
    cast(r, stemcode(r, noord.oost), p["park"], area_id=noord.oost.pk)
    Plan.objects.filter(pk=p["park"].pk).update(cost_cents=1_000_000)
    assert cast(r, code, p["park"], p["oost"], area_id=noord.oost.pk).receipt
    assert Ballot.objects.count() == 3


def test_the_area_of_the_signed_state_must_be_the_codes_area(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    code = stemcode(r, noord.oost)
    with pytest.raises(BallotRefused):
        cast(r, code, p["west"], area_id=noord.west.pk)  # West's plan, but the code belongs to Oost
    assert not Ballot.objects.exists()
    assert cast(r, code, p["oost"], area_id=noord.oost.pk).receipt
    assert Ballot.objects.get().area == noord.oost


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"phase": Phase.RESULT}, "not open"),
        ({"voting_closes_on": "2020-01-01"}, "closed"),
    ],
)
def test_closing_the_round_stops_votes_at_once(noord, voting, change, message) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    cast(r, stemcode(r, noord.oost), p["park"], area_id=noord.oost.pk)
    Round.objects.filter(pk=r.pk).update(**change)
    with pytest.raises(services.VotingError, match=message):
        cast(r, stemcode(r, noord.oost), p["park"], area_id=noord.oost.pk)
    assert Ballot.objects.count() == 1


def test_blocked_codes_and_second_votes_are_refused_with_the_reason(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    Round.objects.filter(pk=r.pk).update(rules={**r.rules, "allow_vote_change": False})
    code = stemcode(r, noord.oost)
    first = cast(r, code, p["park"], area_id=noord.oost.pk)
    with pytest.raises(services.VotingError, match="already voted"):
        cast(r, code, p["oost"], area_id=noord.oost.pk)
    assert (
        Ballot.objects.get().choices["plans"] == [p["park"].pk]
        and Ballot.objects.get().receipt == first.receipt
    )
    assert AuditEvent.objects.filter(action__startswith="voting.ballot.").count() == 1

    blocked = stemcode(r, noord.oost)
    VoterCode.objects.filter(code_hash=codes.code_hash(codes.normalise(blocked))).update(
        status=CodeStatus.BLOCKED
    )
    with pytest.raises(services.VotingError, match="blocked"):
        cast(r, blocked, p["park"], area_id=noord.oost.pk)
    assert Ballot.objects.count() == 1
