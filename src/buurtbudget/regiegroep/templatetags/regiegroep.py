"""`{% area_decisions area as decisions %}`: the published decisions for an area's public page (one query)."""

from typing import Any

from django import template

from buurtbudget.regiegroep import selectors

register = template.Library()


@register.simple_tag
def area_decisions(area: Any) -> list[Any]:
    return selectors.published_decisions(area=area)
