"""Schemes (regelingen): a budget for one area and period, run under one process model, with rules as data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Defaults from SPEC §3; a scheme may override any of them in `rules`. Every rule a decision depends on is
# here, so that a rule version (SchemeRuleVersion) is complete on its own.
EXCLUDED_PURPOSES: tuple[str, ...] = (
    "commercial_gain",
    "political_or_religious",
    "recurring_costs",
    "funded_elsewhere",
    "private_greening",
)

DEFAULT_RULES: dict[str, Any] = {
    # Who may submit.
    "residents_only": True,
    "min_age": 12,
    "parental_consent_below_age": 18,
    "co_initiators_needed": 0,
    "supporters_needed": 0,
    # Amounts.
    "voucher_min_cents": 25_000,
    "voucher_max_cents": 1_000_000,
    "consultation_threshold_cents": 1_000_000,
    "legal_entity_above_cents": 5_000_000,
    # Caps.
    "overhead_cap_percent": 10,
    "support_party_cap_percent": 8,
    "volunteer_allowance_cents_per_hour": 560,
    "professional_rate_max_cents_per_hour": 5_000,
    "cash_withdrawal_cap_cents": 25_000,
    # What the money may not be used for.
    "excluded_purposes": list(EXCLUDED_PURPOSES),
    # Terms.
    "decision_term_days": 28,
    "decision_term_extension_days": 28,
    "execution_term_days": 365,
    "accounting_term_days": 28,
    "detailed_report_from_cents": 500_000,
    "receipts_retention_years": 5,
}


def default_rules() -> dict[str, Any]:
    return {k: list(v) if isinstance(v, list) else v for k, v in DEFAULT_RULES.items()}


class ProcessModel(models.TextChoices):
    VOUCHER = "voucher", _("Voucher system")
    BEGROOT = "begroot", _("A · begroot")
    COCREATIE = "cocreatie", _("B · co-creatie")
    COMMUNITY = "community", _("C · community")


class Intake(models.TextChoices):
    ROLLING = "rolling", _("Rolling")
    ROUNDS = "rounds", _("In rounds")


class Scheme(models.Model):
    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.PROTECT, related_name="schemes")
    area = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="schemes"
    )
    name = models.CharField(_("naam"), max_length=200)
    slug = models.SlugField(_("adresnaam"), max_length=80)
    process_model = models.CharField(
        _("procesmodel"), max_length=20, choices=ProcessModel.choices, default=ProcessModel.VOUCHER
    )
    starts_on = models.DateField(_("begint op"))
    ends_on = models.DateField(_("eindigt op"), null=True, blank=True)
    rules = models.JSONField(_("regels"), default=default_rules)
    intake = models.CharField(_("intake"), max_length=10, choices=Intake.choices, default=Intake.ROLLING)
    # Set when the scheme is closed: money returned afterwards goes back to the municipality.
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("regeling")
        verbose_name_plural = _("regelingen")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="scheme_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name

    def rule(self, name: str) -> Any:
        """A rule of this scheme, falling back to the default."""
        return (self.rules or {}).get(name, DEFAULT_RULES.get(name))

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class SchemeRound(models.Model):
    """A submission round of a scheme that takes initiatives in rounds: open from `opens_on` to `closes_on`."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("name"), max_length=100)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))

    class Meta:
        ordering = ["opens_on", "pk"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="scheme_round_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.opens_on:%d-%m-%Y} - {self.closes_on:%d-%m-%Y})"


class SchemeRuleVersion(models.Model):
    """One complete, immutable set of a scheme's rules. Every change of the rules makes a new version.

    An initiative stores the version in force when it was submitted and is always judged by it.
    """

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="rule_versions")
    number = models.PositiveIntegerField(_("version"))
    rules = models.JSONField(_("rules"))
    valid_from = models.DateTimeField(_("valid from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scheme", "number"]
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="scheme_rule_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} v{self.number}"

    def rule(self, name: str) -> Any:
        return (self.rules or {}).get(name, DEFAULT_RULES.get(name))
