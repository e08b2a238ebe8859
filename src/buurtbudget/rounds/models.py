"""Buurtbudget rounds (model A, "begroot"): residents submit plans, the district checks them, residents vote.

A round moves through dated phases (plans → support → feasibility → selection → voting → result →
execution) by the state machine in machine.py; plans have their own small lifecycle.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from buurtbudget.accounts.permissions import Scope, object_key

# Defaults of a round (SPEC §3 and issue 6); a round may override any of them in `rules`.
DEFAULT_ROUND_RULES: dict[str, Any] = {
    "support_threshold": 50,
    "max_on_ballot": 30,
    "legal_entity_above_cents": 5_000_000,
    "plan_min_cents": 0,
    "voting_age": 12,
    # approval_budget | approval_count | cumulative | ranking
    "ballot_type": "approval_budget",
    "min_spend_percent": 0,
    "min_plans": 1,
    "max_plans": 5,
    "points": 10,
    "max_ranked": 5,
    "allow_vote_change": True,
}
BALLOT_TYPES = ("approval_budget", "approval_count", "cumulative", "ranking")


def default_round_rules() -> dict[str, Any]:
    return dict(DEFAULT_ROUND_RULES)


def rule_of(rules: dict[str, Any] | None, name: str) -> Any:
    """A round rule from a round's `rules`, or its default."""
    return (rules or {}).get(name, DEFAULT_ROUND_RULES.get(name))


class Phase(models.TextChoices):
    PLANS = "plans", _("Submit plans")
    SUPPORT = "support", _("Support plans")
    FEASIBILITY = "feasibility", _("Feasibility check")
    SELECTION = "selection", _("Selection for the ballot")
    VOTING = "voting", _("Voting")
    RESULT = "result", _("Counting and confirming the result")
    EXECUTION = "execution", _("Execution")


PHASE_ORDER = [p.value for p in Phase]


class Round(models.Model):
    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.PROTECT, related_name="rounds")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="rounds")
    scheme = models.ForeignKey(
        "schemes.Scheme", on_delete=models.PROTECT, null=True, blank=True, related_name="begroot_rounds"
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("web address name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    budget_cents = models.BigIntegerField(_("budget (cents)"))
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.PLANS)
    plans_open_on = models.DateField(_("plans from"))
    support_opens_on = models.DateField(_("support from"))
    feasibility_opens_on = models.DateField(_("feasibility check from"))
    selection_opens_on = models.DateField(_("selection from"), null=True, blank=True)
    voting_opens_on = models.DateField(_("voting from"))
    voting_closes_on = models.DateField(_("voting until (inclusive)"))
    result_on = models.DateField(_("result on"))
    rules = models.JSONField(_("rules"), default=default_round_rules)
    counting_rule = models.CharField(_("counting rule"), max_length=40, default="greedy")
    # The count made when voting closed; published only after the district confirms it.
    result = models.JSONField(null=True, blank=True, editable=False)
    result_counted_at = models.DateTimeField(null=True, blank=True, editable=False)
    result_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-plans_open_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "slug"], name="round_slug_unique_in_municipality"
            ),
            models.CheckConstraint(condition=models.Q(budget_cents__gt=0), name="round_budget_positive"),
        ]
        verbose_name = _("buurtbudget round")
        verbose_name_plural = _("buurtbudget rounds")

    def __str__(self) -> str:
        return self.name

    def rule(self, name: str) -> Any:
        return rule_of(self.rules, name)

    def phase_dates(self) -> list[tuple[str, str, Any]]:
        """(phase, label, start date) in order, for the public timeline."""
        starts = {
            Phase.PLANS: self.plans_open_on,
            Phase.SUPPORT: self.support_opens_on,
            Phase.FEASIBILITY: self.feasibility_opens_on,
            Phase.SELECTION: self.selection_opens_on,
            Phase.VOTING: self.voting_opens_on,
            Phase.RESULT: self.result_on,
            Phase.EXECUTION: None,
        }
        return [(p.value, str(p.label), starts[p]) for p in Phase]

    @property
    def is_published_result(self) -> bool:
        return self.result_confirmed_at is not None

    def permission_scope(self) -> Scope:
        return Scope(
            municipality_id=self.municipality_id,
            area_ids=frozenset(self.area.ancestor_ids),
            object_key=object_key(self),
        )


class PlanStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    INSUFFICIENT_SUPPORT = "insufficient_support", _("Not enough support")
    FEASIBLE = "feasible", _("Feasible")
    NOT_FEASIBLE = "not_feasible", _("Not feasible")
    NOT_SELECTED = "not_selected", _("Not selected for the ballot")
    ON_BALLOT = "on_ballot", _("On the ballot")
    FUNDED = "funded", _("Funded")
    NOT_FUNDED = "not_funded", _("Not funded")


class Plan(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="plans")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("what is the plan and why"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="round_plans"
    )
    legal_entity = models.CharField(_("legal entity"), max_length=200, blank=True)
    status = models.CharField(max_length=24, choices=PlanStatus.choices, default=PlanStatus.SUBMITTED)
    requested_cents = models.BigIntegerField(_("cost asked"))
    cost_cents = models.BigIntegerField(_("cost"))
    cost_note = models.TextField(_("note on the cost"), blank=True)
    feasibility_reason = models.TextField(_("feasibility: reason"), blank=True)
    selection_reason = models.TextField(_("selection: reason"), blank=True)
    # Once the district confirms the result, a funded plan is carried out as an initiative (in execution)
    # with a voucher for its cost, like an awarded initiative of the voucher system.
    initiative = models.OneToOneField(
        "initiatives.Initiative",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="round_plan",
    )
    voucher = models.ForeignKey(
        "vouchers.Voucher", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(cost_cents__gt=0), name="plan_cost_positive"),
        ]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.title

    def permission_scope(self) -> Scope:
        return Scope(
            municipality_id=self.round.municipality_id,
            area_ids=frozenset(self.round.area.ancestor_ids),
            object_key=object_key(self),
        )

    @property
    def municipality(self) -> Any:
        return self.round.municipality


class CostLine(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="cost_lines")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(_("what"), max_length=200)
    amount_cents = models.BigIntegerField(_("amount (cents)"))

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_cents__gt=0), name="cost_line_positive"),
        ]

    def __str__(self) -> str:
        return self.description


class Support(models.Model):
    """One resident's 'like' of one plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "user"], name="support_once_per_plan")]

    def __str__(self) -> str:
        return f"support {self.plan_id}"
