"""Rendering an outcome for people (text) and for programs (JSON-ready dicts)."""

from __future__ import annotations

from fractions import Fraction

from buurtbudget.counting.outcome import Outcome
from buurtbudget.counting.rules.base import money

JsonValue = int | float | str | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


def number(value: Fraction) -> int | float:
    """A JSON number: an int when whole, else a float (costs are decimals with a few digits)."""
    return value.numerator if value.denominator == 1 else float(value)


def summary(outcome: Outcome) -> dict[str, JsonValue]:
    data: dict[str, JsonValue] = {
        "rule": outcome.rule,
        "selected": list(outcome.selected),
        "cost": number(outcome.cost),
        "budget": number(outcome.budget),
    }
    if outcome.applied:
        data["applied"] = outcome.applied
    return data


def explanation(outcome: Outcome) -> dict[str, JsonValue]:
    data = summary(outcome)
    data["definition"] = outcome.definition
    data["notes"] = list(outcome.notes)
    if outcome.voter_budget is not None:
        data["voter_budget"] = number(outcome.voter_budget)
    plans: list[JsonValue] = []
    for plan in outcome.plans:
        entry: dict[str, JsonValue] = {
            "id": plan.id,
            "name": plan.name,
            "cost": number(plan.cost),
            "votes": plan.votes,
            "selected": plan.selected,
            "awarded": number(plan.awarded),
            "round": plan.round,
            "reason": plan.reason,
            "detail": plan.detail,
        }
        if plan.score is not None:
            entry["score"] = number(plan.score)
        if plan.money_left is not None:
            entry["money_left"] = number(plan.money_left)
        if plan.taken_by:
            entry["taken_by"] = list(plan.taken_by)
        if plan.supporters_money is not None:
            entry["supporters_money"] = number(plan.supporters_money)
        if plan.price is not None:
            entry["price"] = number(plan.price)
        plans.append(entry)
    data["plans"] = plans
    if outcome.spending is not None:
        data["spending"] = {
            voter: {plan: number(amount) for plan, amount in spent.items()}
            for voter, spent in outcome.spending.items()
        }
    return data


def text(outcome: Outcome, explain: bool = False) -> str:
    rule = outcome.rule + (f" ({outcome.applied} from the file's META)" if outcome.applied else "")
    lines = [
        f"Rule: {rule}",
        f"Budget: {money(outcome.budget)}",
        f"Selected: {len(outcome.selected)} plans costing {money(outcome.cost)}; "
        f"left: {money(outcome.budget - outcome.cost)}",
        "",
        f"{'#':>3}  {'id':<14} {'cost':>14} {'votes':>7}  name",
    ]
    by_id = {plan.id: plan for plan in outcome.plans}
    for rank, plan_id in enumerate(outcome.selected, start=1):
        plan = by_id[plan_id]
        awarded = "" if plan.awarded == plan.cost else f" (gets {money(plan.awarded)})"
        lines.append(f"{rank:>3}  {plan.id:<14} {money(plan.cost):>14} {plan.votes:>7}  {plan.name}{awarded}")
    if not explain:
        return "\n".join(lines) + "\n"
    lines += ["", "Definition: " + outcome.definition, ""]
    lines += [f"Note: {note}" for note in outcome.notes]
    lines += ["", "Every plan:"]
    for plan in outcome.plans:
        mark = "SELECTED" if plan.selected else "not selected"
        lines.append(f"- {plan.id} {plan.name} — cost {money(plan.cost)}, {plan.votes} votes, {mark}.")
        if plan.detail:
            lines.append(f"    {plan.detail}")
    if outcome.spending is not None:
        lines += ["", "How each voter's share was spent (Equal Shares):"]
        for plan_id in outcome.selected:
            payers = [spent[plan_id] for spent in outcome.spending.values() if plan_id in spent]
            total = sum(payers, Fraction(0))
            lines.append(
                f"- {plan_id}: {len(payers)} voters paid {money(total)} "
                f"(from {money(min(payers, default=Fraction(0)))} to {money(max(payers, default=Fraction(0)))} each)"
            )
        lines.append("  (--json --explain lists every voter's payments.)")
    return "\n".join(lines) + "\n"
