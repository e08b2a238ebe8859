"""The one permission mechanism: roles grant permissions, assignments scope them.

Views, the API and templates all ask `user.has_perm(permission, obj)` (the `RolePermissionBackend`
answers), the `{% can %}` template tag, or `HasScopedPermission` for the API.
Permission names are "<app>.<verb>"; later apps add their permissions to `ROLE_PERMISSIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Role

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.RESIDENT: frozenset(),
    Role.INITIATOR: frozenset({"initiatives.manage_own"}),
    Role.STEERING_MEMBER: frozenset(
        {"regiegroep.assess", "regiegroep.decide", "staff.view_dashboard", "support.view_notes"}
    ),
    Role.STEERING_CHAIR: frozenset(
        {
            "regiegroep.assess",
            "regiegroep.chair",
            "regiegroep.decide",
            "staff.view_dashboard",
            "support.view_notes",
        }
    ),
    Role.CONTACT_OFFICIAL: frozenset({"initiatives.support", "staff.view_dashboard", "support.view_notes"}),
    Role.BUDGET_MANAGER: frozenset(
        {
            "areas.manage",
            "audit.view",
            "tenancy.manage",
            "accounts.manage_roles",
            "schemes.manage",
            "regiegroep.manage",
            "ledger.view",
            "staff.view_dashboard",
            "support.assign_official",
            "support.view_notes",
            "cocreation.manage",
            "community.oversee",
        }
    ),
    Role.PAYER: frozenset({"payments.approve", "staff.view_dashboard"}),
    Role.TREASURER: frozenset({"payments.approve", "payments.export", "ledger.view", "staff.view_dashboard"}),
    Role.SUPPORT_PARTY: frozenset({"initiatives.support"}),
    Role.RESIDENTS_GROUP: frozenset({"community.manage_own", "cocreation.participate"}),
    Role.DISTRICT_OFFICER: frozenset(
        {
            "rounds.manage",
            "areas.view_staff",
            "staff.view_dashboard",
            "cocreation.participate",
            "community.oversee",
        }
    ),
    Role.AUDITOR: frozenset({"audit.view", "ledger.view", "staff.view_dashboard"}),
}

# Roles that handle other people's data or money: these accounts must use two-factor log-in.
STAFF_ROLES = frozenset(
    {
        Role.STEERING_MEMBER,
        Role.STEERING_CHAIR,
        Role.CONTACT_OFFICIAL,
        Role.BUDGET_MANAGER,
        Role.PAYER,
        Role.TREASURER,
        Role.DISTRICT_OFFICER,
        Role.AUDITOR,
    }
)


@dataclass(frozen=True)
class Scope:
    """Where an object lives: its municipality, the areas it lies in (ancestors included), its own key."""

    municipality_id: int | None
    area_ids: frozenset[int] = frozenset()
    object_key: str = ""


def object_key(obj: object) -> str:
    meta = getattr(obj, "_meta", None)
    pk = getattr(obj, "pk", None)
    return f"{meta.label_lower}:{pk}" if meta is not None and pk is not None else ""


def scope_of(obj: object) -> Scope:
    """Work out an object's scope. Objects may define `permission_scope()` to say it themselves."""
    from buurtbudget.areas.models import Area
    from buurtbudget.tenancy.models import Municipality

    custom = getattr(obj, "permission_scope", None)
    if callable(custom):
        scope = custom()
        assert isinstance(scope, Scope)
        return scope
    if isinstance(obj, Municipality):
        return Scope(municipality_id=obj.pk, object_key=object_key(obj))
    if isinstance(obj, Area):
        return Scope(
            municipality_id=obj.municipality_id,
            area_ids=frozenset(obj.ancestor_ids),
            object_key=object_key(obj),
        )
    area = getattr(obj, "area", None)
    municipality_id = getattr(obj, "municipality_id", None)
    area_ids: frozenset[int] = frozenset()
    if isinstance(area, Area):
        area_ids = frozenset(area.ancestor_ids)
        municipality_id = municipality_id or area.municipality_id
    return Scope(municipality_id=municipality_id, area_ids=area_ids, object_key=object_key(obj))
