"""1,000 simultaneous submissions with one stemcode store exactly one ballot (PostgreSQL), both as the vote
page sends them (the signed voter state: one prepared statement, fast_cast.py) and as a typed code (the help
desk, the full four-statement transaction)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from buurtbudget.audit.models import AuditEvent
from buurtbudget.rounds.models import Phase, Round
from buurtbudget.voting import codes, services
from buurtbudget.voting.models import Ballot, VoterCode
from tests.factories.rounds import PlanFactory, RoundFactory, district, stemcode

SUBMISSIONS = 1_000


def _submit_all(round_id: int, code: str, choices: list[dict[str, list[int]]], signed: bool) -> list[str]:
    area_id = VoterCode.objects.select_related("entry").get(round_id=round_id).entry.area_id
    key = codes.voter_key(round_id, codes.normalise(code))

    def submit(choice: dict[str, list[int]]) -> str:
        try:
            if signed:
                result = services.cast_ballot(round_id=round_id, key=key, choices=choice, area_id=area_id)
            else:
                result = services.cast_vote(round=Round.objects.get(pk=round_id), code=code, choices=choice)
            return "changed" if result.changed else "new"
        except services.VotingError:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        return list(pool.map(submit, choices))


@pytest.mark.postgres
@pytest.mark.parametrize("signed", [True, False], ids=["vote-page", "typed-code"])
@pytest.mark.parametrize(("allow_change", "submissions"), [(True, SUBMISSIONS), (False, 200)])
def test_a_thousand_concurrent_votes_with_one_code_store_one_ballot(
    transactional_db, allow_change, submissions, signed
) -> None:  # type: ignore[no-untyped-def]
    noord = district()
    r = RoundFactory(municipality=noord.municipality, area=noord.district, phase=Phase.VOTING)
    r.rules = {**r.rules, "allow_vote_change": allow_change}
    r.save()
    a = PlanFactory(round=r, title="A", status="on_ballot")
    b = PlanFactory(round=r, title="B", status="on_ballot")
    code = stemcode(r, noord.oost)
    choices = [{"plans": [a.pk] if i % 2 else [b.pk]} for i in range(submissions)]

    outcomes = _submit_all(r.pk, code, choices, signed)

    assert Ballot.objects.filter(round=r).count() == 1
    assert outcomes.count("new") == 1
    if allow_change:
        assert outcomes.count("changed") == submissions - 1
        assert Ballot.objects.get().changed_count == submissions - 1
    else:
        assert outcomes.count("refused") == submissions - 1
    assert VoterCode.objects.get().used_on is not None
    # The audit trail counts every stored vote once, never a refused one.
    stored = AuditEvent.objects.filter(object_id=str(r.pk), action__startswith="voting.ballot.")
    assert stored.count() == outcomes.count("new") + outcomes.count("changed")
