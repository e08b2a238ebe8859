"""Scores that greedy rules rank plans by.

`ballot_scores` counts the ballots: approvals (approval, choose-1), the sum of points (cumulative), and for
ordinal ballots the `points` column if the file has one, else the pabulib convention that the first of k
ranked plans gets k points, the next k - 1, and so on. `file_scores` is what pabulib's checker uses: the
PROJECTS `score` column if the file has it, else its `votes` column, else the ballot count.
"""

from __future__ import annotations

from fractions import Fraction

from buurtbudget.counting.model import Election
from buurtbudget.counting.pabulib import parse_number


def ballot_scores(election: Election) -> list[Fraction]:
    index = {project.id: p for p, project in enumerate(election.projects)}
    totals = [Fraction(0)] * len(election.projects)
    for voter in election.voters:
        if voter.points is not None and voter.points and election.vote_type in ("cumulative", "ordinal"):
            for project_id, point in zip(voter.vote, voter.points, strict=True):
                totals[index[project_id]] += Fraction(point)
        elif election.vote_type == "ordinal":
            length = len(voter.vote)
            for position, project_id in enumerate(voter.vote):
                totals[index[project_id]] += length - position
        else:
            for project_id in voter.vote:
                totals[index[project_id]] += 1
    return totals


def file_scores(election: Election) -> tuple[list[Fraction], str]:
    """The scores and where they came from ('score', 'votes' or 'ballots')."""
    for column in ("score", "votes"):
        if election.has_column(column):
            values = []
            for project in election.projects:
                raw = project.fields.get(column, "")
                values.append(Fraction(parse_number(raw, 0, column)) if raw else Fraction(0))
            return values, column
    return ballot_scores(election), "ballots"
