"""`{{ cents|euro }}`: integer cents shown as '€ 1.234,56'."""

from django import template

from buurtbudget.ledger.services import format_cents

register = template.Library()


@register.filter
def euro(cents: int | None) -> str:
    return "" if cents is None else format_cents(int(cents))
