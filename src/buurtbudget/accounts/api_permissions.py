"""The same role-and-scope check for Django REST Framework views."""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class HasScopedPermission(BasePermission):
    """Set `required_permission` on the view; object checks use the object's scope."""

    def has_permission(self, request: Request, view: Any) -> bool:
        permission = getattr(view, "required_permission", None)
        return permission is None or bool(request.user and request.user.has_perm(permission))

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        permission = getattr(view, "required_permission", None)
        return permission is None or bool(request.user and request.user.has_perm(permission, obj))
