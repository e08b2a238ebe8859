from django import template

from buurtbudget.payments.amounts import format_euros

register = template.Library()


@register.filter
def euros(cents: int | None) -> str:
    """Integer cents as '€ 1.234,56'."""
    return format_euros(int(cents or 0))
