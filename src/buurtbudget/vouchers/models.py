"""Vouchers: money reserved from a scheme for a holder, spent through payment requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buurtbudget.accounts.permissions import Scope, object_key

from .codes import format_code


class VoucherStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    PARTLY_REDEEMED = "partly_redeemed", _("Partly redeemed")
    FULLY_REDEEMED = "fully_redeemed", _("Fully redeemed")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")
    CLOSED = "closed", pgettext_lazy("voucher status", "Closed")  # not "Gesloten" as for a consultation


class Voucher(models.Model):
    # 13 characters without separators; see codes.py.
    code = models.CharField(_("code"), max_length=13, unique=True)
    municipality = models.ForeignKey(
        "tenancy.Municipality", on_delete=models.PROTECT, related_name="vouchers"
    )
    scheme = models.ForeignKey("schemes.Scheme", on_delete=models.PROTECT, related_name="vouchers")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vouchers")
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    valid_until = models.DateField(_("valid until"))
    conditions = models.TextField(_("conditions"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=VoucherStatus.choices, default=VoucherStatus.ISSUED
    )
    # The idempotency key of the issuing request: the same request issues one voucher.
    issue_key = models.CharField(max_length=200, unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_cents__gt=0), name="voucher_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.display_code

    @property
    def display_code(self) -> str:
        return format_code(self.code)

    @property
    def owner_key(self) -> str:
        return f"voucher:{self.pk}"

    def permission_scope(self) -> Scope:
        area = self.scheme.area
        return Scope(
            municipality_id=self.municipality_id,
            area_ids=frozenset(area.ancestor_ids) if area else frozenset(),
            object_key=object_key(self),
        )
