"""Pure rules of the regiegroep: the assessment checklist from a rule version, and the quorum.

No database access here, so the rules are easy to test and to explain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from buurtbudget.ledger.services import format_cents

QUORUM_RULE = "steering_quorum"
CHECKLIST_RULE = "assessment_checklist"


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str


def checklist(rules: Mapping[str, Any]) -> list[ChecklistItem]:
    """The items a member answers, from the rules the initiative is judged by.

    A scheme may set its own list in the rule "assessment_checklist" (items as {"key", "label"} or plain
    text); otherwise the list follows the scheme's rules (SPEC §3).
    """
    custom = rules.get(CHECKLIST_RULE)
    if custom:
        items: list[ChecklistItem] = []
        for n, entry in enumerate(custom, start=1):
            if isinstance(entry, Mapping):
                items.append(ChecklistItem(str(entry.get("key") or f"item_{n}"), str(entry.get("label", ""))))
            else:
                items.append(ChecklistItem(f"item_{n}", str(entry)))
        return items
    low = format_cents(int(rules.get("voucher_min_cents", 25_000)))
    high = format_cents(int(rules.get("voucher_max_cents", 1_000_000)))
    return [
        ChecklistItem("area", _("The plan takes place in the area and is good for its residents.")),
        ChecklistItem("residents", _("Residents of the area carry out the plan themselves.")),
        ChecklistItem(
            "amount",
            _("The amount is between %(low)s and %(high)s and fits the plan.") % {"low": low, "high": high},
        ),
        ChecklistItem(
            "excluded_purposes",
            _(
                "The money is not for profit, politics or religion, recurring costs, costs paid from other money, "
                "or greening of private property."
            ),
        ),
        ChecklistItem(
            "fees",
            _(
                "Fees are at most the volunteer allowance for residents and at most %(rate)s per hour for "
                "professionals."
            )
            % {"rate": format_cents(int(rules.get("professional_rate_max_cents_per_hour", 5_000)))},
        ),
        ChecklistItem(
            "support_party",
            _("A hired support party costs at most %(cap)s%% of the amount.")
            % {"cap": rules.get("support_party_cap_percent", 8)},
        ),
        ChecklistItem(
            "execution",
            _("The plan can be carried out within %(days)s days.")
            % {"days": rules.get("execution_term_days", 365)},
        ),
    ]


def quorum_needed(member_count: int, rule: Any = None) -> int:
    """How many members must take part for a valid decision.

    rule: "majority" (default: more than half), "two_thirds", or a whole number of members.
    """
    if member_count <= 0:
        return 1
    if rule in (None, "", "majority"):
        return member_count // 2 + 1
    if rule == "two_thirds":
        return -(-member_count * 2 // 3)
    if isinstance(rule, int) and not isinstance(rule, bool) and rule > 0:
        return rule
    raise ValueError(f"unknown quorum rule {rule!r}")


@dataclass(frozen=True)
class Quorum:
    """Who may vote on one initiative at one meeting, and whether there are enough of them."""

    members: int
    needed: int
    present: frozenset[int]
    recused: frozenset[int]

    @property
    def voters(self) -> frozenset[int]:
        return self.present - self.recused

    @property
    def reached(self) -> bool:
        return len(self.voters) >= self.needed


def quorum(
    *, member_ids: Sequence[int], present_ids: Sequence[int], recused_ids: Sequence[int], rule: Any = None
) -> Quorum:
    """Only members count: attendance of non-members (guests, officials) is ignored."""
    members = frozenset(member_ids)
    return Quorum(
        members=len(members),
        needed=quorum_needed(len(members), rule),
        present=frozenset(present_ids) & members,
        recused=frozenset(recused_ids) & members,
    )
