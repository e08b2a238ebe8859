"""Factories for initiatives: built through the services, so roles, rule versions and audit are real."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from buurtbudget.accounts.models import User
from buurtbudget.areas.models import Area
from buurtbudget.initiatives import services as initiatives
from buurtbudget.initiatives.models import Initiative
from buurtbudget.schemes import services as schemes
from buurtbudget.schemes.models import Scheme
from buurtbudget.tenancy.models import Municipality

from .core import AreaFactory, MunicipalityFactory, PostcodeRangeFactory, UserFactory

# Every area made here covers postcodes 1066AA-1066ZZ of its municipality.
POSTCODE = "1066AB"


def voucher_area(municipality: Municipality | None = None) -> Area:
    area = AreaFactory(municipality=municipality or MunicipalityFactory())
    PostcodeRangeFactory(area=area, postcode_from="1066AA", postcode_to="1066ZZ")
    return area


def voucher_scheme(area: Area | None = None, rules: dict[str, Any] | None = None, **kwargs: Any) -> Scheme:
    """An open rolling voucher scheme for an area, with rule version 1."""
    area = area or voucher_area(kwargs.pop("municipality", None))
    n = Scheme.objects.count() + 1
    return schemes.create_voucher_scheme(
        actor=None,
        municipality=area.municipality,
        name=kwargs.pop("name", f"Bewonersbudget {n}"),
        slug=kwargs.pop("slug", f"bewonersbudget-{n}"),
        area=area,
        starts_on=kwargs.pop("starts_on", timezone.localdate() - dt.timedelta(days=30)),
        ends_on=kwargs.pop("ends_on", timezone.localdate() + dt.timedelta(days=365)),
        rules=rules,
        **kwargs,
    )


def resident(**kwargs: Any) -> User:
    """A signed-up resident living at 1066 AB 1 (inside every area made here), born in 1980."""
    kwargs.setdefault("postcode", POSTCODE)
    kwargs.setdefault("house_number", 1)
    kwargs.setdefault("birth_year", 1980)
    user: User = UserFactory(**kwargs)
    return user


def complete_plan(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "title": "Buurtmoestuin aan de Dijk",
        "what_and_why": "Een moestuin waar buren samen groente kweken.",
        "for_whom": "Alle buren, jong en oud.",
        "location": "Speelveld achter de Dijkstraat",
        "location_postcode": "1066 AB",
        "location_house_number": 10,
        "starts_on": today + dt.timedelta(days=40),
        "ends_on": today + dt.timedelta(days=120),
        **overrides,
    }


def draft_initiative(
    scheme: Scheme | None = None,
    initiator: User | None = None,
    lines: list[dict[str, Any]] | None = None,
    declared: bool = True,
    **plan: Any,
) -> Initiative:
    """A complete draft that passes every rule (unless changed), with one budget line of € 1.500."""
    scheme = scheme or voucher_scheme()
    initiator = initiator or resident()
    initiative = initiatives.create_draft(actor=initiator, scheme=scheme, changes=complete_plan(**plan))
    initiatives.set_budget(
        actor=initiator,
        initiative=initiative,
        lines=lines
        if lines is not None
        else [{"description": "Zaden en aarde", "amount_cents": 150_000, "kind": "materials"}],
        own_contribution_cents=10_000,
    )
    if declared:
        initiatives.update_draft(
            actor=initiator, initiative=initiative, changes={"excluded_purposes_declared": True}
        )
    initiative.refresh_from_db()
    return initiative


def submitted_initiative(**kwargs: Any) -> Initiative:
    initiative = draft_initiative(**kwargs)
    return initiatives.submit(actor=initiative.initiator, initiative=initiative)
