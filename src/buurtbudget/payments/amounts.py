"""Amounts typed by people (euros, Dutch or English notation) to integer cents, and back."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _


class AmountError(ValueError):
    """The amount is refused; the message is for people (in the active language)."""


def parse_euros(value: str | Decimal | int) -> int:
    """'12,50' / '12.50' / Decimal('12.5') -> 1250. Refuses floats, negatives, zero and > 2 decimals."""
    if isinstance(value, float | bool):
        raise AmountError(_("Amount must be text or Decimal."))
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, str):
        text = value.strip().replace("€", "").replace(" ", "")
        if "," in text and "." in text:
            text = (
                text.replace(".", "").replace(",", ".")
                if text.rfind(",") > text.rfind(".")
                else text.replace(",", "")
            )
        else:
            text = text.replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise AmountError(_("Enter an amount, like 12.50.")) from None
    if not value.is_finite():
        raise AmountError(_("Enter an amount, like 12.50."))
    if value < 0:
        raise AmountError(_("An amount cannot be negative."))
    cents = value * 100
    if cents != cents.to_integral_value():
        raise AmountError(_("Use at most 2 decimals."))
    if cents == 0:
        raise AmountError(_("The amount must be more than € 0.00."))
    if cents > 10**11:
        raise AmountError(_("This amount is too high."))
    return int(cents)


def format_euros(cents: int) -> str:
    """1234567 -> '€ 12.345,67'."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}€ {euros:,}".replace(",", ".") + f",{rest:02d}"
