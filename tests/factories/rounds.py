"""Factories for buurtbudget rounds, plans, the register and stemcodes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import factory
from factory.django import DjangoModelFactory

from buurtbudget.accounts.models import Role, User
from buurtbudget.areas.models import Area, AreaLevel
from buurtbudget.rounds.models import CostLine, Phase, Plan, PlanStatus, Round, default_round_rules
from buurtbudget.tenancy.models import Municipality
from buurtbudget.voting import codes
from buurtbudget.voting.models import RegisterEntry, VoterCode

from .core import AreaFactory, MunicipalityFactory, PostcodeRangeFactory, RoleAssignmentFactory, UserFactory


@dataclass
class District:
    """Noord (district) with two buurten: Oost (1031AA-1031ZZ) and West (1032AA-1032ZZ)."""

    municipality: Municipality
    district: Area
    oost: Area
    west: Area
    officer: User


def district(municipality: Municipality | None = None) -> District:
    municipality = municipality or MunicipalityFactory(name="Amsterdam", slug="amsterdam")
    noord = AreaFactory(municipality=municipality, name="Noord", slug="noord", level=AreaLevel.DISTRICT)
    oost = AreaFactory(
        municipality=municipality,
        parent=noord,
        name="Noord-Oost",
        slug="noord-oost",
        level=AreaLevel.NEIGHBOURHOOD,
    )
    west = AreaFactory(
        municipality=municipality,
        parent=noord,
        name="Noord-West",
        slug="noord-west",
        level=AreaLevel.NEIGHBOURHOOD,
    )
    PostcodeRangeFactory(area=oost, postcode_from="1031AA", postcode_to="1031ZZ")
    PostcodeRangeFactory(area=west, postcode_from="1032AA", postcode_to="1032ZZ")
    officer = UserFactory(name="Medewerker Noord")
    RoleAssignmentFactory(user=officer, municipality=municipality, area=noord, role=Role.DISTRICT_OFFICER)
    return District(municipality, noord, oost, west, officer)


def resident(postcode: str = "1031AB", house_number: int = 1, **kwargs: Any) -> User:
    return UserFactory(postcode=postcode, house_number=house_number, **kwargs)


class RoundFactory(DjangoModelFactory[Round]):
    """A round built directly in a given phase (the lifecycle itself is tested through the services)."""

    class Meta:
        model = Round

    municipality = factory.SubFactory(MunicipalityFactory)
    area = factory.SubFactory(AreaFactory, municipality=factory.SelfAttribute("..municipality"))
    name = factory.Sequence(lambda n: f"Buurtbudget {n}")
    slug = factory.Sequence(lambda n: f"buurtbudget-{n}")
    budget_cents = 10_000_000
    phase = Phase.PLANS
    plans_open_on = dt.date(2026, 1, 1)
    support_opens_on = dt.date(2026, 3, 1)
    feasibility_opens_on = dt.date(2026, 4, 1)
    selection_opens_on = dt.date(2026, 5, 1)
    voting_opens_on = dt.date(2026, 6, 1)
    voting_closes_on = dt.date(2099, 12, 31)
    result_on = dt.date(2099, 12, 31)
    rules = factory.LazyFunction(default_round_rules)


class PlanFactory(DjangoModelFactory[Plan]):
    class Meta:
        model = Plan
        skip_postgeneration_save = True

    round = factory.SubFactory(RoundFactory)
    area = factory.SelfAttribute("round.area")
    title = factory.Sequence(lambda n: f"Plan {n}")
    summary = "Meer groen en bankjes in de straat."
    status = PlanStatus.SUBMITTED
    requested_cents = 500_000
    cost_cents = factory.SelfAttribute("requested_cents")

    @factory.post_generation
    def lines(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            CostLine.objects.create(plan=self, description="Alles", amount_cents=self.requested_cents)


def register_entry(round: Round, area: Area | None = None, **kwargs: Any) -> RegisterEntry:
    defaults: dict[str, Any] = {
        "name": f"Bewoner {RegisterEntry.objects.count() + 1}",
        "address": "Kerkstraat 1",
        "postcode": "1031AB",
        "house_number": RegisterEntry.objects.count() + 1,
        "birth_date": dt.date(1990, 5, 17),
    }
    defaults.update(kwargs)
    return RegisterEntry.objects.create(round=round, area=area or round.area, **defaults)


def stemcode(round: Round, area: Area | None = None, **kwargs: Any) -> str:
    """A resident in the register with an active code; returns the code as printed on the letter."""
    entry = register_entry(round, area, **kwargs)
    code = codes.generate_code()
    VoterCode.objects.create(round=round, entry=entry, code_hash=codes.code_hash(code))
    return codes.format_code(code)
