"""1,000 simultaneous submissions with one stemcode store exactly one ballot (PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from buurtbudget.rounds.models import Phase, Round
from buurtbudget.voting import services
from buurtbudget.voting.models import Ballot, VoterCode
from tests.factories.rounds import PlanFactory, RoundFactory, district, stemcode

SUBMISSIONS = 1_000


def _submit_all(round_id: int, code: str, choices: list[dict[str, list[int]]]) -> list[str]:
    def submit(choice: dict[str, list[int]]) -> str:
        try:
            result = services.cast_vote(round=Round.objects.get(pk=round_id), code=code, choices=choice)
            return "changed" if result.changed else "new"
        except services.VotingError:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        return list(pool.map(submit, choices))


@pytest.mark.postgres
@pytest.mark.parametrize(("allow_change", "submissions"), [(True, SUBMISSIONS), (False, 200)])
def test_a_thousand_concurrent_votes_with_one_code_store_one_ballot(
    transactional_db, allow_change, submissions
) -> None:  # type: ignore[no-untyped-def]
    noord = district()
    r = RoundFactory(municipality=noord.municipality, area=noord.district, phase=Phase.VOTING)
    r.rules = {**r.rules, "allow_vote_change": allow_change}
    r.save()
    a = PlanFactory(round=r, title="A", status="on_ballot")
    b = PlanFactory(round=r, title="B", status="on_ballot")
    code = stemcode(r, noord.oost)
    choices = [{"plans": [a.pk] if i % 2 else [b.pk]} for i in range(submissions)]

    outcomes = _submit_all(r.pk, code, choices)

    assert Ballot.objects.filter(round=r).count() == 1
    assert outcomes.count("new") == 1
    if allow_change:
        assert outcomes.count("changed") == submissions - 1
        assert Ballot.objects.get().changed_count == submissions - 1
    else:
        assert outcomes.count("refused") == submissions - 1
    assert VoterCode.objects.get().used_on is not None
