"""What every rule shares: options, the refusal error and the skeleton of a result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from buurtbudget.counting.outcome import Outcome, PlanResult
from buurtbudget.counting.profile import Profile


class RuleError(ValueError):
    """The rule cannot count this election; `dutch` and `english` say why."""

    def __init__(self, dutch: str, english: str) -> None:
        self.dutch = dutch
        self.english = english
        super().__init__(f"{dutch} / {english}")


@dataclass(frozen=True, slots=True)
class Options:
    tie_break: str | None = None  # None: the rule's own default
    explain: bool = False  # also compute costly parts of the explanation (MES spending per voter)


Counter = Callable[[Profile, Options], Outcome]


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    definition: str
    vote_types: frozenset[str]
    count: Counter


def plan_results(profile: Profile, scores: list[Fraction] | None = None) -> list[PlanResult]:
    return [
        PlanResult(
            id=project.id,
            name=project.name,
            cost=profile.costs[p],
            votes=int(profile.support[p]),
            score=scores[p] if scores is not None else None,
        )
        for p, project in enumerate(profile.election.projects)
    ]


def money(value: Fraction) -> str:
    """An amount for people: whole cents, without a thousands separator."""
    cents = round(value * 100)
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def outcome(
    name: str, definition: str, profile: Profile, plans: list[PlanResult], order: list[int]
) -> Outcome:
    for rank, p in enumerate(order, start=1):
        plans[p].selected = True
        plans[p].round = rank
        if not plans[p].awarded:
            plans[p].awarded = plans[p].cost
    return Outcome(
        rule=name,
        definition=definition,
        budget=profile.budget,
        selected=[profile.ids[p] for p in order],
        plans=plans,
    )
