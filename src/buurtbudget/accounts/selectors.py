"""Reading accounts and roles."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import RoleAssignment, User


def roles_of(*, user: User) -> QuerySet[RoleAssignment]:
    return user.role_assignments.select_related("municipality", "area").order_by("municipality__name", "role")
