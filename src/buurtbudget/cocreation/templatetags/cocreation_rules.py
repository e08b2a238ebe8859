"""`{{ key|rule_label }}` and `{% rule_value key value %}`: a scheme rule as residents read it on the
published co-creation page (its name, amounts in euros) instead of its key and cents."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from buurtbudget.ledger.services import format_cents
from buurtbudget.schemes.forms import RULE_LABELS

register = template.Library()


@register.filter
def rule_label(key: str) -> str:
    return str(RULE_LABELS.get(key, key))


@register.simple_tag
def rule_value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int) and (key.endswith("_cents") or "_cents_" in key):
        return format_cents(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)
