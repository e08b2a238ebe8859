"""Wijkraadpleging: residents of an area give their advice on a large initiative before the regiegroep decides."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from buurtbudget.accounts.permissions import Scope, object_key


class ConsultationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Outcome published")


class Consultation(models.Model):
    municipality = models.ForeignKey(
        "tenancy.Municipality", on_delete=models.PROTECT, related_name="consultations"
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.PROTECT, related_name="consultations"
    )
    # Residents of this area (or of an area inside it) may respond.
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="consultations")
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(
        _("status"), max_length=20, choices=ConsultationStatus.choices, default=ConsultationStatus.OPEN
    )
    # The outcome, fixed when the consultation closes and published with a summary.
    count_for = models.PositiveIntegerField(_("for"), default=0)
    count_against = models.PositiveIntegerField(_("against"), default=0)
    count_comment = models.PositiveIntegerField(_("comments only"), default=0)
    outcome_summary = models.TextField(_("summary of the outcome"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("neighbourhood consultation")
        verbose_name_plural = _("neighbourhood consultations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="consultation_dates_ordered"
            ),
            # One running (open or closed, not yet published) consultation per initiative.
            models.UniqueConstraint(
                fields=["initiative"],
                condition=~models.Q(status="published"),
                name="consultation_one_running_per_initiative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} ({self.opens_on:%d-%m-%Y} - {self.closes_on:%d-%m-%Y})"

    def get_absolute_url(self) -> str:
        return reverse("core:consultation", kwargs={"gemeente": self.municipality.slug, "pk": self.pk})

    @property
    def total_responses(self) -> int:
        return self.count_for + self.count_against + self.count_comment

    def permission_scope(self) -> Scope:
        return Scope(
            municipality_id=self.municipality_id,
            area_ids=frozenset(self.area.ancestor_ids),
            object_key=object_key(self),
        )


class Choice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    COMMENT = "comment", _("Only a comment")


class Response(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="responses")
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultation_responses"
    )
    choice = models.CharField(_("your advice"), max_length=10, choices=Choice.choices)
    text = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "resident"], name="consultation_one_response_each"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.choice}"
