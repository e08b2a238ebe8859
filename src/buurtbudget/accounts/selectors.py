"""Reading accounts and roles."""

from __future__ import annotations

from django.db.models import QuerySet

from buurtbudget.tenancy.models import Municipality

from .models import RoleAssignment, User


def roles_of(*, user: User) -> QuerySet[RoleAssignment]:
    return user.role_assignments.select_related("municipality", "area").order_by("municipality__name", "role")


def roles_in(*, municipality: Municipality) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(municipality=municipality)
        .select_related("user", "area")
        .order_by("user__email", "role")
    )


def user_by_email(*, email: str) -> User | None:
    """The active account with this e-mail address (any case), or None."""
    return User.objects.filter(email__iexact=email.strip(), is_active=True).order_by("pk").first()
