"""Django authentication backend that answers `has_perm` from scoped role assignments."""

from __future__ import annotations

from typing import Any

from .permissions import ROLE_PERMISSIONS, scope_of

_CACHE_ATTR = "_buurtbudget_role_cache"


def role_assignments(user: Any) -> list[tuple[str, int, int | None, str]]:
    """(role, municipality id, area id, object key) of a user, loaded once per user object."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(user.role_assignments.values_list("role", "municipality_id", "area_id", "object_key"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


class RolePermissionBackend:
    """Grants nothing by log-in; grants permissions only through roles, within their scope."""

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def get_user(self, user_id: int) -> None:
        return None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if not getattr(user_obj, "is_active", False) or not getattr(user_obj, "is_authenticated", False):
            return False
        if "." not in perm:
            return False
        assignments = role_assignments(user_obj)
        granting = [a for a in assignments if perm in ROLE_PERMISSIONS.get(a[0], frozenset())]
        if not granting:
            return False
        if obj is None:
            # "Somewhere": e.g. whether to show a staff menu at all.
            return True
        scope = scope_of(obj)
        for _role, municipality_id, area_id, key in granting:
            if municipality_id != scope.municipality_id:
                continue
            if area_id is not None and area_id not in scope.area_ids:
                continue
            if key and key != scope.object_key:
                continue
            return True
        return False

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return False
