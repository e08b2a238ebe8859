"""Paying organisations, payment requests, SEPA batches and imported bank statements.

Money itself lives in the ledger; these tables record who asked for what, who decided, and what was sent to
and received from the bank. No logic here: services.py moves the state, selectors.py reads.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buurtbudget.accounts.permissions import Scope, object_key


class PayingOrganisation(models.Model):
    """The municipality itself or e.g. a tenants' association that pays against vouchers."""

    municipality = models.ForeignKey(
        "tenancy.Municipality", on_delete=models.PROTECT, related_name="paying_organisations"
    )
    # 70: the longest name a SEPA pain.001 file carries for the paying party; longer ones would be cut there.
    name = models.CharField(_("name"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    # Vouchers without an explicit assignment are paid by the municipality's default organisation.
    is_default = models.BooleanField(_("default paying organisation"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("paying organisation")
        verbose_name_plural = _("paying organisations")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="paying_org_unique_name"),
            models.UniqueConstraint(
                fields=["municipality"], condition=Q(is_default=True), name="paying_org_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owner_key(self) -> str:
        return f"paying_org:{self.pk}"

    def permission_scope(self) -> Scope:
        return Scope(municipality_id=self.municipality_id, object_key=object_key(self))


class VoucherPayer(models.Model):
    """Which organisation pays against a voucher (vouchers without one use the default organisation)."""

    voucher = models.OneToOneField("vouchers.Voucher", on_delete=models.PROTECT, related_name="payer_link")
    paying_organisation = models.ForeignKey(
        PayingOrganisation, on_delete=models.PROTECT, related_name="voucher_links"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("paying organisation of a voucher")
        verbose_name_plural = _("paying organisations of vouchers")

    def __str__(self) -> str:
        return f"{self.voucher_id} → {self.paying_organisation_id}"


class PaymentKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice or receipt")
    CASH = "cash", _("Cash withdrawal")


class PaymentStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    EXPORTED = "exported", _("Sent to the bank")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected")
    SETTLED = "settled", _("Accounted for")
    RETURNED = "returned", _("Paid back")


def document_path(instance: models.Model, filename: str) -> str:
    # Never the uploader's file name: a random name with the extension taken from the content.
    import uuid

    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"payments/{uuid.uuid4().hex}.{extension}"


class PaymentRequest(models.Model):
    municipality = models.ForeignKey(
        "tenancy.Municipality", on_delete=models.PROTECT, related_name="payment_requests"
    )
    voucher = models.ForeignKey("vouchers.Voucher", on_delete=models.PROTECT, related_name="payment_requests")
    paying_organisation = models.ForeignKey(
        PayingOrganisation, on_delete=models.PROTECT, related_name="payment_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payment_requests"
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=PaymentKind.choices, default=PaymentKind.INVOICE
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.SUBMITTED
    )
    payee_name = models.CharField(_("payee name"), max_length=70)
    payee_iban = models.CharField(_("payee IBAN"), max_length=34, blank=True)
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    description = models.CharField(_("description"), max_length=140)
    document = models.FileField(_("invoice or receipt"), upload_to=document_path, blank=True)
    document_type = models.CharField(max_length=40, blank=True)
    # Cash: the receipts and the amount actually spent, once settled.
    settlement_document = models.FileField(_("receipts"), upload_to=document_path, blank=True)
    spent_cents = models.BigIntegerField(_("spent (cents)"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    # The key of the submitting request: a retried submission creates one request.
    idempotency_key = models.CharField(max_length=200, unique=True)
    end_to_end_id = models.CharField(max_length=35, unique=True, null=True, blank=True)
    batch = models.ForeignKey(
        "payments.SepaBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payment_amount_positive"),
        ]
        indexes = [models.Index(fields=["paying_organisation", "status"], name="payment_org_status")]

    def __str__(self) -> str:
        return f"Betaalverzoek #{self.pk}"

    def permission_scope(self) -> Scope:
        """Payers of the paying organisation (or of the whole municipality, or the voucher's area)."""
        area = self.voucher.scheme.area
        return Scope(
            municipality_id=self.municipality_id,
            area_ids=frozenset(area.ancestor_ids) if area else frozenset(),
            object_key=f"payments.payingorganisation:{self.paying_organisation_id}",
        )


class SepaBatch(models.Model):
    municipality = models.ForeignKey(
        "tenancy.Municipality", on_delete=models.PROTECT, related_name="sepa_batches"
    )
    paying_organisation = models.ForeignKey(
        PayingOrganisation, on_delete=models.PROTECT, related_name="sepa_batches"
    )
    message_id = models.CharField(max_length=35, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    execution_date = models.DateField()
    content = models.TextField()
    control_sum_cents = models.BigIntegerField()
    number_of_transactions = models.PositiveIntegerField()
    journal_entry = models.ForeignKey("ledger.JournalEntry", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("SEPA batch")
        verbose_name_plural = _("SEPA batches")

    def __str__(self) -> str:
        return self.message_id


class StatementImport(models.Model):
    municipality = models.ForeignKey(
        "tenancy.Municipality", on_delete=models.PROTECT, related_name="statement_imports"
    )
    paying_organisation = models.ForeignKey(
        PayingOrganisation, on_delete=models.PROTECT, related_name="statement_imports"
    )
    # sha256 of the file: the same statement is imported once.
    content_hash = models.CharField(max_length=64, unique=True)
    message_id = models.CharField(max_length=200, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("imported statement")
        verbose_name_plural = _("imported statements")

    def __str__(self) -> str:
        return self.message_id or self.content_hash[:12]


class MatchStatus(models.TextChoices):
    MATCHED = "matched", _("Matched")
    UNKNOWN = "unknown", _("Unknown")
    MISMATCH = "mismatch", _("Mismatch")


class LineReason(models.TextChoices):
    """Why a statement line was not matched; the text is written in the reader's language (line_reasons.py)."""

    NOT_FROM_A_BATCH = "not_from_a_batch", _("Not a payment from a batch.")
    UNKNOWN_END_TO_END_ID = "unknown_end_to_end_id", _("Unknown EndToEndId.")
    WRONG_STATUS = "wrong_status", _("The request was not waiting for the bank.")
    AMOUNT_DIFFERS = "amount_differs", _("Amount differs.")


class StatementLine(models.Model):
    statement = models.ForeignKey(StatementImport, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    end_to_end_id = models.CharField(max_length=35, blank=True)
    amount_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    credit = models.BooleanField()
    booking_date = models.DateField(null=True, blank=True)
    counterparty_name = models.CharField(max_length=140, blank=True)
    remittance = models.CharField(max_length=140, blank=True)
    match_status = models.CharField(max_length=10, choices=MatchStatus.choices)
    reason = models.CharField(max_length=24, choices=LineReason.choices, blank=True)
    # What the reason's text needs, as it was at import: the request's status, or both amounts and the currency.
    reason_details = models.JSONField(default=dict, blank=True)
    # The reason as text in the importer's language: only lines imported before `reason` existed have it.
    note = models.CharField(max_length=300, blank=True)
    payment_request = models.ForeignKey(
        PaymentRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="statement_lines"
    )
    # An unknown or mismatching line, looked into by a person (what they found or did).
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handling_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["statement", "position"]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")

    def __str__(self) -> str:
        return f"{self.end_to_end_id or '?'} {self.amount_cents}"

    @property
    def reason_text(self) -> str:
        from .line_reasons import describe  # line_reasons imports this module

        return describe(self)
