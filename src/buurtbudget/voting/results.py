"""Counting a round: ballots → the counting engine's election model → the engine's rule → a result to store.

The result (JSON on the round) lists for every plan its cost, votes, whether it was selected and why (the
engine's reason code with its amounts; counting_bridge.explain_why writes the sentence when it is read), the
turnout, and the selections other rules would make on the same ballots.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from buurtbudget.counting.model import Election, Project, Voter
from buurtbudget.rounds.models import Plan, PlanStatus, Round

from .models import Ballot, CodeStatus, VoterCode

VOTE_TYPES = {
    "approval_budget": "approval",
    "approval_count": "approval",
    "cumulative": "cumulative",
    "ranking": "ordinal",
}


def election_for(*, round: Round) -> Election:
    """The round's ballots as a pabulib election (costs in euros, ids are plan ids)."""
    plans = list(Plan.objects.filter(round=round, status=PlanStatus.ON_BALLOT).order_by("pk"))
    on_ballot = {p.pk for p in plans}
    projects = [
        Project(id=str(p.pk), cost=Decimal(p.cost_cents) / 100, fields={"name": p.title}) for p in plans
    ]
    voters: list[Voter] = []
    cumulative = round.rule("ballot_type") == "cumulative"
    for number, choices in enumerate(
        Ballot.objects.filter(round=round).order_by("receipt").values_list("choices", flat=True), start=1
    ):
        ids = [i for i in choices.get("plans", []) if i in on_ballot]
        points = None
        if cumulative:
            by_plan = dict(zip(choices.get("plans", []), choices.get("points", []), strict=False))
            points = tuple(Decimal(by_plan[i]) for i in ids)
        voters.append(Voter(id=str(number), vote=tuple(str(i) for i in ids), points=points))
    meta = {
        "description": round.name,
        "country": "Netherlands",
        "unit": round.area.name,
        "instance": str(round.pk),
        "num_projects": str(len(projects)),
        "num_votes": str(len(voters)),
        "budget": str(Decimal(round.budget_cents) / 100),
        "vote_type": VOTE_TYPES[round.rule("ballot_type")],
        "rule": round.counting_rule,
    }
    return Election(
        meta=meta,
        projects=projects,
        voters=voters,
        project_columns=["project_id", "cost", "name"],
        vote_columns=["voter_id", "vote"] + (["points"] if cumulative else []),
    )


def tallies(election: Election) -> dict[str, int]:
    """Votes per plan: approvals or rankings count 1, cumulative ballots count their points."""
    counts = {p.id: 0 for p in election.projects}
    for voter in election.voters:
        weights = voter.points or tuple(Decimal(1) for _ in voter.vote)
        for project_id, weight in zip(voter.vote, weights, strict=True):
            counts[project_id] += int(weight)
    return counts


def turnout(*, round: Round) -> dict[str, int]:
    eligible = VoterCode.objects.filter(round=round, status=CodeStatus.ACTIVE).count()
    used = VoterCode.objects.filter(round=round, used_on__isnull=False).count()
    return {"codes": max(eligible, used), "voted": used}


def count_round(*, round: Round) -> dict[str, Any]:
    from .counting_bridge import rule_comparison, run_rule

    election = election_for(round=round)
    votes = tallies(election)
    outcome = run_rule(election, round.counting_rule)
    selected = [int(i) for i in outcome.selected]
    return {
        "rule": round.counting_rule,
        "ballots": len(election.voters),
        "turnout": turnout(round=round),
        "budget_cents": round.budget_cents,
        "selected": selected,
        "plans": [
            {
                "id": int(p.id),
                "cost_cents": int(p.cost * 100),
                "votes": votes[p.id],
                "selected": int(p.id) in selected,
                "why": outcome.reasons.get(p.id, {}),
            }
            for p in election.projects
        ],
        "comparison": rule_comparison(election),
    }
