"""The result of a count: the winners and, for every plan, why it won or lost."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction


@dataclass(slots=True)
class PlanResult:
    """One plan in the result. `reason` is a stable code, `detail` a sentence for residents."""

    id: str
    name: str
    cost: Fraction
    votes: int  # voters who support the plan on their ballot
    score: Fraction | None = None  # the score the rule ranked by, when it ranks by one
    selected: bool = False
    awarded: Fraction = Fraction(0)  # money the plan gets (less than its cost under greedy-remainder)
    round: int | None = None  # 1-based position in the order of selection
    reason: str = ""
    detail: str = ""
    money_left: Fraction | None = None  # greedy: budget left when the plan was considered
    taken_by: list[str] = field(default_factory=list)  # greedy: plans selected before it that took money
    supporters_money: Fraction | None = None  # MES: what its supporters had left when it was considered
    price: Fraction | None = None  # MES: what each supporter who could afford it paid


@dataclass(slots=True)
class Outcome:
    rule: str
    definition: str
    budget: Fraction
    selected: list[str]  # in the order of selection
    plans: list[PlanResult]  # in file order
    notes: list[str] = field(default_factory=list)
    applied: str | None = None  # official: the rule META names
    voter_budget: Fraction | None = None  # MES: the per-voter budget of the final run
    spending: dict[str, dict[str, Fraction]] | None = None  # MES: voter id -> plan id -> amount paid

    @property
    def cost(self) -> Fraction:
        return sum((plan.awarded for plan in self.plans if plan.selected), Fraction(0))

    def plan(self, plan_id: str) -> PlanResult:
        for plan in self.plans:
            if plan.id == plan_id:
                return plan
        raise KeyError(plan_id)
