"""Schemes (regelingen): a budget for one area and period, run under one process model, with rules as data."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

# Defaults from SPEC §3; a scheme may override any of them in `rules`.
DEFAULT_RULES: dict[str, Any] = {
    "overhead_cap_percent": 10,
    "support_party_cap_percent": 8,
    "cash_withdrawal_cap_cents": 25_000,
    "voucher_min_cents": 25_000,
    "voucher_max_cents": 1_000_000,
    "consultation_threshold_cents": 1_000_000,
    "decision_term_days": 28,
    "execution_term_days": 365,
    "accounting_term_days": 28,
}


def default_rules() -> dict[str, Any]:
    return dict(DEFAULT_RULES)


class ProcessModel(models.TextChoices):
    VOUCHER = "voucher", _("Vouchersysteem / Voucher system")
    BEGROOT = "begroot", _("A · begroot")
    COCREATIE = "cocreatie", _("B · co-creatie")
    COMMUNITY = "community", _("C · community")


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
