"""Accounting for an awarded initiative: the execution report, its photos, the settlement (vaststelling)
with any claw-back, and the deadline reminders sent (SPEC §3, §4)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from buurtbudget.accounts.permissions import Scope, scope_of


class ExecutionReport(models.Model):
    """What the initiators report after the execution: one per initiative, updated when sent back."""

    initiative = models.OneToOneField(
        "initiatives.Initiative", on_delete=models.PROTECT, related_name="execution_report"
    )
    what_happened = models.TextField(_("what happened"))
    participants = models.PositiveIntegerField(_("number of participants"))
    spending_notes = models.TextField(_("notes on the spending"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("execution report")
        verbose_name_plural = _("execution reports")

    def __str__(self) -> str:
        return f"{_('Execution report')} {self.initiative_id}"

    def permission_scope(self) -> Scope:
        return scope_of(self.initiative)


def photo_path(instance: ReportPhoto, filename: str) -> str:
    # Our own random name with the extension of the sniffed type, never the uploader's name.
    return f"accountability/{instance.report.initiative_id}/{secrets.token_hex(16)}{filename[filename.rfind('.') :]}"


class ReportPhoto(models.Model):
    report = models.ForeignKey(ExecutionReport, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to=photo_path)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")

    def __str__(self) -> str:
        return self.original_name or self.file.name


class Settlement(models.Model):
    """The final settlement (vaststelling): what was awarded, spent, returned to the scheme and clawed back."""

    initiative = models.OneToOneField(
        "initiatives.Initiative", on_delete=models.PROTECT, related_name="settlement"
    )
    voucher = models.ForeignKey(
        "vouchers.Voucher", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    awarded_cents = models.BigIntegerField(_("awarded (cents)"))
    spent_cents = models.BigIntegerField(_("spent (cents)"))
    returned_cents = models.BigIntegerField(_("returned to the scheme (cents)"))
    # Spending that did not follow the award: claimed back from the holder (a receivable in the ledger).
    clawback_cents = models.BigIntegerField(_("clawed back (cents)"), default=0)
    reason = models.TextField(_("reason"), blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    settled_at = models.DateTimeField(_("settled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(spent_cents__gte=0)
                & models.Q(returned_cents__gte=0)
                & models.Q(clawback_cents__gte=0)
                & models.Q(clawback_cents__lte=models.F("spent_cents")),
                name="settlement_amounts_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{_('Settlement')} {self.initiative_id}"

    def permission_scope(self) -> Scope:
        return scope_of(self.initiative)


class DeadlineKind(models.TextChoices):
    EXECUTION = "execution", _("Execution")
    ACCOUNTING = "accounting", _("Accounting")


class DeadlineReminder(models.Model):
    """A reminder sent about one deadline at one stage: reruns of the task send nothing twice."""

    initiative = models.ForeignKey("initiatives.Initiative", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=DeadlineKind.choices)
    stage = models.CharField(max_length=20)
    due_on = models.DateField()
    sent_on = models.DateField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "kind", "stage", "due_on"], name="deadline_reminder_once_per_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id} {self.kind} {self.stage} {self.due_on}"
