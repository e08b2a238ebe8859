"""`{% can "areas.manage" area as may_edit %}`: the same permission check in templates."""

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: template.Context, permission: str, obj: Any = None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return bool(user is not None and user.has_perm(permission, obj))
