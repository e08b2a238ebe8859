"""Factories for co-creation (model B) and community budgets (model C), built through the services."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.utils import timezone

from buurtbudget.accounts.models import Role, User
from buurtbudget.areas.models import Area
from buurtbudget.cocreation import services as cocreation
from buurtbudget.cocreation.models import CoCreationProcess, Side
from buurtbudget.community import services as community
from buurtbudget.community.models import CommunityBudget, MemberRole, ResidentsGroup
from buurtbudget.schemes import services as schemes
from buurtbudget.schemes.models import ProcessModel, Scheme
from buurtbudget.tenancy.models import Municipality

from .core import AreaFactory, MunicipalityFactory, RoleAssignmentFactory, UserFactory

PENVOERDER_IBAN = "NL91ABNA0417164300"


def budget_manager(municipality: Municipality) -> User:
    user: User = RoleAssignmentFactory(role=Role.BUDGET_MANAGER, municipality=municipality).user
    return user


def district_officer(municipality: Municipality) -> User:
    user: User = RoleAssignmentFactory(role=Role.DISTRICT_OFFICER, municipality=municipality).user
    return user


def scheme_of(process_model: str, *, area: Area | None = None, fund_cents: int = 0) -> Scheme:
    area = area or AreaFactory(municipality=MunicipalityFactory())
    municipality = area.municipality
    scheme = schemes.create_scheme(
        actor=None,
        municipality=municipality,
        name=f"Regeling {uuid.uuid4().hex[:6]}",
        slug=f"regeling-{uuid.uuid4().hex[:8]}",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2030, 12, 31),
        process_model=process_model,
        area=area,
    )
    if fund_cents:
        schemes.fund_scheme(
            actor=None, scheme=scheme, amount_cents=fund_cents, idempotency_key=f"test-{uuid.uuid4().hex}"
        )
    return scheme


@dataclass
class CoCreation:
    process: CoCreationProcess
    manager: User
    officer: User
    representatives: list[User] = field(default_factory=list)


def cocreation_process(*, representatives: int = 2, show_names: bool = False) -> CoCreation:
    """A co-creation with one district officer and some residents' representatives."""
    scheme = scheme_of(ProcessModel.COCREATIE)
    manager = budget_manager(scheme.municipality)
    process = cocreation.start_process(actor=manager, scheme=scheme)
    officer = UserFactory(name="Olga Ambtenaar")
    cocreation.add_participant(actor=manager, process=process, user=officer, side=Side.DISTRICT)
    people = []
    for n in range(representatives):
        person = UserFactory(name=f"Rob Vertegenwoordiger {n + 1}")
        cocreation.add_participant(
            actor=manager, process=process, user=person, side=Side.REPRESENTATIVE, show_name=show_names
        )
        people.append(person)
    return CoCreation(process=process, manager=manager, officer=officer, representatives=people)


@dataclass
class Community:
    group: ResidentsGroup
    budget: CommunityBudget
    officer: User
    treasurer: User
    chair: User


def community_budget(*, amount_cents: int = 1_000_000, scheme_cents: int = 5_000_000) -> Community:
    """A registered group with a chair and treasurer, funded with `amount_cents` for this year."""
    scheme = scheme_of(ProcessModel.COMMUNITY, fund_cents=scheme_cents)
    municipality = scheme.municipality
    officer = district_officer(municipality)
    assert scheme.area is not None
    group = community.register_group(
        actor=officer,
        municipality=municipality,
        area=scheme.area,
        name=f"Bewonersgroep {uuid.uuid4().hex[:6]}",
        penvoerder_name="Stichting Buurthuis De Linde",
        penvoerder_iban=PENVOERDER_IBAN,
        registration_number="12345678",
        support_party_name="Bureau Buurtkracht",
    )
    chair = UserFactory(name="Anna Voorzitter")
    treasurer = UserFactory(name="Piet Penningmeester")
    community.add_member(actor=officer, group=group, user=chair, role=MemberRole.CHAIR)
    community.add_member(actor=officer, group=group, user=treasurer, role=MemberRole.TREASURER)
    budget = community.fund_budget(
        actor=officer, group=group, scheme=scheme, year=timezone.localdate().year, amount_cents=amount_cents
    )
    return Community(group=group, budget=budget, officer=officer, treasurer=treasurer, chair=chair)
