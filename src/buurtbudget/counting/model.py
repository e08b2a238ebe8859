"""An election as the pabulib format describes it: META, PROJECTS and VOTES.

The model keeps every column of the file so that the writer can give it back unchanged; the rules only use
ids, costs, the budget and the ballots.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal, cast

VoteType = Literal["approval", "cumulative", "ordinal", "choose-1"]
VOTE_TYPES: tuple[VoteType, ...] = ("approval", "cumulative", "ordinal", "choose-1")


@dataclass(slots=True)
class Project:
    """A plan on the ballot. `fields` holds the other PROJECTS columns (name, votes, score, selected, ...)."""

    id: str
    cost: Decimal
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.fields.get("name", "")

    @property
    def selected(self) -> int | None:
        """The file's `selected` column: 0 no, 1 yes, 2 funded by an 80% rule, 3 funded from reserves."""
        raw = self.fields.get("selected", "").strip()
        return int(raw) if raw else None


@dataclass(slots=True)
class Voter:
    """One ballot. `vote` lists project ids in the file's order (the ranking for ordinal ballots)."""

    id: str
    vote: tuple[str, ...]
    points: tuple[Decimal, ...] | None = None
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Election:
    meta: dict[str, str]
    projects: list[Project]
    voters: list[Voter]
    project_columns: list[str] = field(default_factory=list)
    vote_columns: list[str] = field(default_factory=list)

    @property
    def vote_type(self) -> VoteType:
        return cast(VoteType, self.meta["vote_type"])

    @property
    def budget(self) -> Decimal:
        return Decimal(self.meta["budget"].replace(",", "."))

    @property
    def budget_fraction(self) -> Fraction:
        return Fraction(self.budget)

    @property
    def rule(self) -> str:
        return self.meta.get("rule", "").strip()

    def project(self, project_id: str) -> Project:
        for project in self.projects:
            if project.id == project_id:
                return project
        raise KeyError(project_id)

    def has_column(self, column: str) -> bool:
        return column in self.project_columns
