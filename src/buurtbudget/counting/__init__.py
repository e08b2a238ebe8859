"""Counting participatory-budgeting elections: pabulib files in and out, published rules, explanations.

A pure package (no Django): `read_pabulib` / `write_pabulib` for files, `count` for a result.
"""

from __future__ import annotations

from buurtbudget.counting.model import Election, Project, Voter
from buurtbudget.counting.outcome import Outcome, PlanResult
from buurtbudget.counting.pabulib import PabulibError, parse_pabulib, read_pabulib, write_pabulib
from buurtbudget.counting.profile import compile_profile
from buurtbudget.counting.rules import RULES, Options, RuleError


def count(election: Election, rule: str, tie_break: str | None = None, explain: bool = False) -> Outcome:
    """Count `election` by the rule named `rule` (see RULES); RuleError if it does not apply."""
    if rule not in RULES:
        raise RuleError(
            f"Onbekende regel {rule!r}; kies uit {', '.join(RULES)}",
            f"Unknown rule {rule!r}; choose one of {', '.join(RULES)}",
        )
    chosen = RULES[rule]
    if election.vote_type not in chosen.vote_types:
        raise RuleError(
            f"Regel {rule!r} past niet bij stemtype {election.vote_type!r}",
            f"Rule {rule!r} does not apply to vote type {election.vote_type!r}",
        )
    return chosen.count(compile_profile(election), Options(tie_break=tie_break, explain=explain))


__all__ = [
    "RULES",
    "Election",
    "Outcome",
    "PabulibError",
    "PlanResult",
    "Project",
    "RuleError",
    "Voter",
    "count",
    "parse_pabulib",
    "read_pabulib",
    "write_pabulib",
]
