"""Changing accounts and roles. Every function runs in its own durable transaction and is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtbudget.areas.models import Area
from buurtbudget.audit import services as audit
from buurtbudget.tenancy.models import Municipality

from .backends import forget_roles
from .models import RoleAssignment, User

PROFILE_FIELDS = [
    "name",
    "postcode",
    "house_number",
    "house_number_suffix",
    "birth_year",
    "preferred_language",
]


def normalise_postcode(value: str) -> str:
    """'1066 ab' -> '1066AB'."""
    return value.replace(" ", "").upper()


def _check_birth_year(year: int | None) -> None:
    this_year = timezone.localdate().year
    if year is not None and not 1900 <= year <= this_year:
        raise ValidationError(
            {"birth_year": _("Enter a year of birth between 1900 and %(year)s.") % {"year": this_year}}
        )


def _check_may_manage_roles(actor: User | None, municipality: Municipality, area: Area | None) -> None:
    # actor None is the system itself (demo data, management commands).
    if actor is not None and not actor.has_perm("accounts.manage_roles", area or municipality):
        raise PermissionDenied("actor may not manage roles here")


def update_profile(*, user: User, actor: User, changes: dict[str, Any]) -> User:
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    _check_birth_year(changes.get("birth_year"))
    with transaction.atomic(durable=True):
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = audit.snapshot(locked, list(changes))
        for name, value in changes.items():
            if name == "postcode" and value:
                value = normalise_postcode(value)
            setattr(locked, name, value)
        locked.full_clean(exclude=["password"])
        locked.save(update_fields=list(changes))
        # Profiles are personal: the trail records which fields changed, not their values.
        audit.record(
            actor=actor,
            action="accounts.profile_updated",
            municipality=None,
            obj=locked,
            details={"fields": sorted(name for name in changes if before[name] != getattr(locked, name))},
        )
    return locked


def assign_role(
    *,
    actor: User | None,
    user: User,
    role: str,
    municipality: Municipality,
    area: Area | None = None,
    object_key: str = "",
) -> RoleAssignment:
    if area is not None and area.municipality_id != municipality.pk:
        raise ValueError("area belongs to another municipality")
    _check_may_manage_roles(actor, municipality, area)
    with transaction.atomic(durable=True):
        assignment, created = RoleAssignment.objects.get_or_create(
            user=user,
            role=role,
            municipality=municipality,
            area=area,
            object_key=object_key,
            defaults={"granted_by": actor},
        )
        if created:
            audit.record(
                actor=actor,
                action="accounts.role_assigned",
                municipality=municipality,
                obj=assignment,
                after={
                    "user": user.pk,
                    "role": role,
                    "area": area.pk if area else None,
                    "object": object_key,
                },
            )
    forget_roles(user)
    return assignment


def revoke_role(*, actor: User | None, assignment: RoleAssignment) -> None:
    _check_may_manage_roles(actor, assignment.municipality, assignment.area)
    with transaction.atomic(durable=True):
        audit.record(
            actor=actor,
            action="accounts.role_revoked",
            municipality=assignment.municipality,
            obj=assignment,
            before={"user": assignment.user_id, "role": assignment.role, "area": assignment.area_id},
        )
        assignment.delete()
    forget_roles(assignment.user)
