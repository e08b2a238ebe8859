"""Support by the contact official: the ACTIE support check and notes for the regiegroep (SPEC §7).

The fixed contact official itself is `Initiative.contact_official`, set only by `support.services`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from buurtbudget.accounts.permissions import Scope, scope_of


class SupportNeed(models.IntegerChoices):
    NONE = 1, _("No support needed")
    LITTLE = 2, _("A little support needed")
    SOME = 3, _("Some support needed")
    MUCH = 4, _("Much support needed")


# The five ACTIE dimensions: (field name, label, explanation).
DIMENSIONS = (
    ("animo", _("Animo"), _("Motivation of the initiators")),
    ("contact", _("Contact"), _("Ties with neighbours and organisations")),
    ("toerusting", _("Toerusting"), _("Money, time and skills")),
    ("inbedding", _("Inbedding"), _("How the organisations around it are set up to help")),
    ("empathie", _("Empathie"), _("How well professionals understand the residents")),
)


def _score(label: Any) -> models.PositiveSmallIntegerField[int, int]:
    return models.PositiveSmallIntegerField(
        label,
        choices=SupportNeed.choices,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )


class ActieCheck(models.Model):
    """The contact official's ACTIE support check of one initiative (kept up to date; changes are audited)."""

    initiative = models.OneToOneField(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="actie_check"
    )
    animo = _score(_("Animo"))
    contact = _score(_("Contact"))
    toerusting = _score(_("Toerusting"))
    inbedding = _score(_("Inbedding"))
    empathie = _score(_("Empathie"))
    note = models.TextField(_("note"), blank=True)
    filled_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("ACTIE support check")
        verbose_name_plural = _("ACTIE support checks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(animo__range=(1, 4))
                & models.Q(contact__range=(1, 4))
                & models.Q(toerusting__range=(1, 4))
                & models.Q(inbedding__range=(1, 4))
                & models.Q(empathie__range=(1, 4)),
                name="actie_check_scores_1_to_4",
            )
        ]

    def __str__(self) -> str:
        return f"ACTIE {self.initiative_id}"

    def permission_scope(self) -> Scope:
        return scope_of(self.initiative)


class SupportNote(models.Model):
    """A note by the contact official, for the regiegroep of the scheme; never public."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="support_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("support note")
        verbose_name_plural = _("support notes")

    def __str__(self) -> str:
        return self.text[:50]

    def permission_scope(self) -> Scope:
        return scope_of(self.initiative)
