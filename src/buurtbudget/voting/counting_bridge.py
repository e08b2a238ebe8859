"""The one place where voting calls the counting engine (buurtbudget.counting).

The engine's explanations are turned into sentences for residents here, through the translation
catalogue, from the engine's stable reason codes and amounts.
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
    reasons: dict[str, str] = field(default_factory=dict)


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


def _euros(value: Fraction | None) -> str:
    return format_cents(round((value or Fraction(0)) * 100))


def explain(plan: Any) -> str:
    """A sentence for residents on why a plan was or was not selected."""
    reason = plan.reason
    if reason == "fits":
        return _("Selected: it costs %(cost)s and %(left)s was still left.") % {
            "cost": _euros(plan.cost),
            "left": _euros(plan.money_left),
        }
    if reason == "did-not-fit":
        return _(
            "Not selected: it costs %(cost)s but only %(left)s was left after the plans with more votes."
        ) % {
            "cost": _euros(plan.cost),
            "left": _euros(plan.money_left),
        }
    if reason == "remainder":
        return _("Selected with the money that was left: %(awarded)s of its cost of %(cost)s.") % {
            "awarded": _euros(plan.awarded),
            "cost": _euros(plan.cost),
        }
    if reason == "not-reached":
        return _("Not selected: counting stopped at an earlier plan that did not fit.")
    if plan.selected:
        return _("Selected by the counting rule.") + (f" {plan.detail}" if plan.detail else "")
    if not plan.votes:
        return _("Not selected: no votes.")
    return _("Not selected by the counting rule.") + (f" {plan.detail}" if plan.detail else "")


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
        reasons={plan.id: explain(plan) for plan in outcome.plans},
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
