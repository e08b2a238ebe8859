"""The one place where voting calls the counting engine (buurtbudget.counting).

A stored result keeps, for every plan, the engine's stable reason code and the amounts that reason needs
(`why_of`); the sentence for residents is written when the page is read (`explain_why`), through the
translation catalogue, so it is in the reader's language and never mixes in the engine's English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from buurtbudget.counting.model import Election
from buurtbudget.ledger.services import format_cents

# Shown when the engine is not importable, so that forms still offer the usual choices.
FALLBACK_RULES = ("greedy", "greedy-remainder", "mes", "mes-add1", "phragmen")
DEFAULT_RULE = "greedy"


class CountingUnavailable(RuntimeError):
    """The counting engine cannot count this election with this rule; the message says why."""


@dataclass(frozen=True)
class RuleOutcome:
    rule: str
    selected: list[str]
    reasons: dict[str, dict[str, Any]] = field(default_factory=dict)


def _registry() -> dict[str, Any]:
    try:
        from buurtbudget.counting.rules import RULES
    except ImportError as error:  # pragma: no cover - only while the engine is being built
        raise CountingUnavailable(_("The counting engine is not available.")) from error
    return dict(RULES)


def rule_names() -> list[str]:
    try:
        return sorted(_registry())
    except CountingUnavailable:  # pragma: no cover
        return list(FALLBACK_RULES)


def _cents(value: Fraction | None) -> int | None:
    return None if value is None else round(value * 100)


def why_of(plan: Any) -> dict[str, Any]:
    """Why a plan was or was not selected, as data: the engine's reason code and the amounts (in cents)."""
    return {
        "code": plan.reason,
        "cost_cents": _cents(plan.cost),
        "left_cents": _cents(plan.money_left),
        "awarded_cents": _cents(plan.awarded),
        "round": plan.round,
    }


def explain_why(why: dict[str, Any], *, selected: bool, votes: int) -> str:
    """A sentence for residents on why a plan was or was not selected, in the active language."""
    code = why.get("code", "")

    def euros(key: str) -> str:
        return format_cents(int(why.get(key) or 0))

    if code == "fits":
        return _("Selected: it costs %(cost)s and %(left)s was still left.") % {
            "cost": euros("cost_cents"),
            "left": euros("left_cents"),
        }
    if code == "did-not-fit":
        return _(
            "Not selected: it costs %(cost)s but only %(left)s was left after the plans with more votes."
        ) % {"cost": euros("cost_cents"), "left": euros("left_cents")}
    if code == "remainder":
        return _("Selected with the money that was left: %(awarded)s of its cost of %(cost)s.") % {
            "awarded": euros("awarded_cents"),
            "cost": euros("cost_cents"),
        }
    if code == "eighty-percent":
        return _(
            "Selected: it costs %(cost)s and %(left)s was left, at least 80%% of its cost; the rest comes from "
            "reserves."
        ) % {"cost": euros("cost_cents"), "left": euros("left_cents")}
    if code == "not-reached":
        return _("Not selected: counting stopped at an earlier plan that did not fit.")
    if code == "bought" and why.get("round"):
        return _("Selected in round %(round)s of the count.") % {"round": why["round"]}
    if code == "greedy-completion":
        return _("Selected afterwards with the money that was left: it costs %(cost)s.") % {
            "cost": euros("cost_cents")
        }
    if code == "supporters-short":
        return _("Not selected: the money of the residents who voted for it ran out.")
    if code == "stopped":
        return _("Not selected: counting stopped when a plan came next that did not fit.")
    if code == "too-expensive":
        return _("Not selected: it costs more than the whole budget.")
    if code == "not-counted":
        return _("Not selected: this counting rule only counts plans that cost money.")
    if code == "skipped":
        return _("Not selected: the counting rule passed it over.")
    if selected:
        return _("Selected by the counting rule.")
    if not votes:
        return _("Not selected: no votes.")
    return _("Not selected by the counting rule.")


def _count(election: Election, rule: str) -> Any:
    from buurtbudget.counting.profile import compile_profile
    from buurtbudget.counting.rules import Options, RuleError

    registry = _registry()
    if rule not in registry:
        raise CountingUnavailable(
            _("The counting engine does not know the rule '%(rule)s'.") % {"rule": rule}
        )
    chosen = registry[rule]
    if election.vote_type not in chosen.vote_types:
        raise CountingUnavailable(_("The rule '%(rule)s' cannot count this kind of ballot.") % {"rule": rule})
    try:
        return chosen.count(compile_profile(election), Options())
    except RuleError as error:
        raise CountingUnavailable(str(error)) from error


def run_rule(election: Election, rule: str) -> RuleOutcome:
    outcome = _count(election, rule)
    return RuleOutcome(
        rule=rule,
        selected=list(outcome.selected),
        reasons={plan.id: why_of(plan) for plan in outcome.plans},
    )


def rule_comparison(election: Election) -> list[dict[str, Any]]:
    """Every other rule that can count these ballots, with the plans it would select."""
    names = {p.id: p.name for p in election.projects}
    compared: list[dict[str, Any]] = []
    for name, rule in sorted(_registry().items()):
        if name == election.rule or election.vote_type not in rule.vote_types:
            continue
        try:
            outcome = _count(election, name)
        except CountingUnavailable:
            continue
        compared.append(
            {
                "rule": name,
                "selected": [int(i) for i in outcome.selected],
                "selected_titles": [names[i] for i in outcome.selected],
            }
        )
    return compared
