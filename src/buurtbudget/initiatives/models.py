"""Initiatives: a resident's plan for their neighbourhood, judged by the rules of a scheme (SPEC §4)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from buurtbudget.accounts.permissions import Scope, object_key


class InitiativeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_CONSULTATION = "in_consultation", _("In consultation")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    AWARDED = "awarded", _("Awarded")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    IN_EXECUTION = "in_execution", _("In execution")
    ACCOUNTING_DUE = "accounting_due", _("Accounting due")
    ACCOUNTED = "accounted", _("Accounted")
    SETTLED = "settled", _("Settled")
    CLOSED = "closed", _("Closed")


# States in which the initiator still edits the plan.
EDITABLE_STATES = frozenset({InitiativeStatus.DRAFT, InitiativeStatus.CHANGES_REQUESTED})


class Initiative(models.Model):
    municipality = models.ForeignKey(
        "tenancy.Municipality", on_delete=models.PROTECT, related_name="initiatives"
    )
    scheme = models.ForeignKey("schemes.Scheme", on_delete=models.PROTECT, related_name="initiatives")
    # Where it happens, found with the postcode check; null while the draft has no address yet.
    area = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="initiatives"
    )
    initiator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="initiatives"
    )
    title = models.CharField(_("title"), max_length=200)
    what_and_why = models.TextField(_("what and why"), blank=True)
    for_whom = models.TextField(_("for whom"), blank=True)
    location = models.CharField(_("where"), max_length=200, blank=True)
    location_postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    location_house_number = models.PositiveIntegerField(_("house number"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    own_contribution_cents = models.BigIntegerField(_("own contribution (cents)"), default=0)
    # Sum of the budget lines, stored at submission.
    requested_cents = models.BigIntegerField(_("requested amount (cents)"), default=0)
    awarded_cents = models.BigIntegerField(_("awarded amount (cents)"), null=True, blank=True)
    # The initiator declares that the plan serves none of the scheme's excluded purposes.
    excluded_purposes_declared = models.BooleanField(_("excluded purposes declared"), default=False)
    # Under the scheme's age for parental consent: a parent or guardian agrees.
    parental_consent = models.BooleanField(_("parental consent"), default=False)
    rule_version = models.ForeignKey(
        "schemes.SchemeRuleVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=InitiativeStatus.choices, default=InitiativeStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decision_due_on = models.DateField(_("decision due on"), null=True, blank=True)
    decision_term_extended = models.BooleanField(default=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    execution_ends_on = models.DateField(_("execution ends on"), null=True, blank=True)
    accounting_due_on = models.DateField(_("accounting due on"), null=True, blank=True)
    contact_official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supported_initiatives",
    )
    # A key from the first page's form: sending that form twice makes one draft, not two.
    client_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        indexes = [
            models.Index(fields=["municipality", "status"], name="initiative_municipality_status"),
            models.Index(fields=["initiator", "status"], name="initiative_initiator_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["initiator", "client_key"],
                condition=~models.Q(client_key=""),
                name="initiative_unique_client_key",
            ),
            models.CheckConstraint(
                condition=models.Q(own_contribution_cents__gte=0),
                name="initiative_own_contribution_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(requested_cents__gte=0), name="initiative_requested_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(awarded_cents__isnull=True) | models.Q(awarded_cents__gte=0),
                name="initiative_awarded_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATES

    def permission_scope(self) -> Scope:
        area = self.area or self.scheme.area
        return Scope(
            municipality_id=self.municipality_id,
            area_ids=frozenset(area.ancestor_ids) if area else frozenset(),
            object_key=object_key(self),
        )


class BudgetLineKind(models.TextChoices):
    MATERIALS = "materials", _("Materials")
    HIRED_HELP = "hired_help", _("Hired help")
    SUPPORT_PARTY = "support_party", _("Support party")
    FEES = "fees", _("Fees (hours)")
    OTHER = "other", _("Other")


class FeeRecipient(models.TextChoices):
    RESIDENT = "resident", _("Resident or volunteer")
    PROFESSIONAL = "professional", _("Professional")


class BudgetLine(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="budget_lines")
    description = models.CharField(_("what"), max_length=200)
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    kind = models.CharField(
        _("kind"), max_length=20, choices=BudgetLineKind.choices, default=BudgetLineKind.OTHER
    )
    # Fees only: who is paid, for how many hours, at what rate (excl. VAT).
    fee_recipient = models.CharField(_("paid to"), max_length=20, choices=FeeRecipient.choices, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2, null=True, blank=True)
    hourly_rate_cents = models.BigIntegerField(_("hourly rate (cents)"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="budget_line_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.description


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CoInitiator(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="co_initiators")
    email = models.EmailField(_("e-mail address"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["invited_at", "pk"]
        verbose_name = _("co-initiator")
        verbose_name_plural = _("co-initiators")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "email"], name="co_initiator_unique_email"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document")


def attachment_path(instance: Attachment, filename: str) -> str:
    # The name is ours, never the uploader's: a random name with the extension of the sniffed type.
    return f"initiatives/{instance.initiative_id}/{secrets.token_hex(16)}{filename[filename.rfind('.') :]}"


class Attachment(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name or self.file.name
