"""Factories for the regiegroep and consultations: built through the services, so roles and audit are real."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from buurtbudget.accounts.models import Role, User
from buurtbudget.initiatives.models import Initiative
from buurtbudget.regiegroep import services as regiegroep
from buurtbudget.regiegroep.models import Meeting, MemberRole
from buurtbudget.schemes import services as schemes
from buurtbudget.schemes.models import Scheme
from buurtbudget.tenancy.models import Municipality

from .core import RoleAssignmentFactory, UserFactory
from .initiatives import voucher_scheme


def budget_manager(municipality: Municipality) -> User:
    user: User = RoleAssignmentFactory(role=Role.BUDGET_MANAGER, municipality=municipality).user
    return user


def funded_voucher_scheme(amount_cents: int = 10_000_000, **kwargs: Any) -> Scheme:
    scheme = voucher_scheme(**kwargs)
    if amount_cents:
        schemes.fund_scheme(
            actor=None, scheme=scheme, amount_cents=amount_cents, idempotency_key=f"test-{uuid.uuid4().hex}"
        )
    return scheme


@dataclass
class Group:
    scheme: Scheme
    manager: User
    chair: User
    members: list[User] = field(default_factory=list)

    @property
    def everyone(self) -> list[User]:
        return [self.chair, *self.members]


def steering_group(scheme: Scheme, members: int = 4, manager: User | None = None) -> Group:
    """A chair plus `members` members, appointed by a budget manager of the scheme's municipality."""
    manager = manager or budget_manager(scheme.municipality)
    chair = UserFactory(name="Carla Voorzitter")
    regiegroep.appoint_member(actor=manager, scheme=scheme, user=chair, role=MemberRole.CHAIR)
    people = []
    for n in range(members):
        person = UserFactory(name=f"Lid {n + 1}")
        regiegroep.appoint_member(actor=manager, scheme=scheme, user=person)
        people.append(person)
    return Group(scheme=scheme, manager=manager, chair=chair, members=people)


def meeting(
    group: Group,
    present: list[User] | None = None,
    agenda: list[Initiative] | None = None,
    held_on: dt.date | None = None,
) -> Meeting:
    """A meeting of the group today with these people present (default: everyone) and this agenda."""
    made = regiegroep.create_meeting(
        actor=group.chair,
        scheme=group.scheme,
        held_on=held_on or timezone.localdate(),
        location="Buurthuis De Pijp",
        initiatives=agenda or [],
    )
    regiegroep.record_attendance(
        actor=group.chair, meeting=made, present=group.everyone if present is None else present
    )
    return made


def all_yes(initiative: Initiative) -> dict[str, str]:
    from buurtbudget.regiegroep import rules, selectors

    return {item.key: "yes" for item in rules.checklist(selectors.rules_of(initiative))}
