from __future__ import annotations

from django import template

from buurtbudget.ledger.services import format_cents

register = template.Library()


@register.filter
def cents_eur(cents: int | None) -> str:
    """1234567 -> '€ 12.345,67'; empty for None."""
    return "" if cents is None else format_cents(int(cents))
