"""Factories for accountability: an awarded initiative in execution, with its voucher, built through the
regiegroep's services (so the voucher, ledger and audit are real), and spending through payments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from buurtbudget.accounts.models import Role, RoleAssignment, User
from buurtbudget.initiatives.models import Initiative
from buurtbudget.payments import services as payments
from buurtbudget.payments.models import PayingOrganisation
from buurtbudget.regiegroep import services as regiegroep
from buurtbudget.regiegroep.models import Outcome
from buurtbudget.schemes.models import Scheme
from buurtbudget.vouchers.models import Voucher

from .core import UserFactory
from .initiatives import submitted_initiative
from .payments import PayingOrganisationFactory, payment_request, staff
from .regiegroep import Group, funded_voucher_scheme, meeting, steering_group


@dataclass
class Awarded:
    initiative: Initiative
    voucher: Voucher
    group: Group

    @property
    def scheme(self) -> Scheme:
        return self.group.scheme

    @property
    def manager(self) -> User:
        return self.group.manager

    def refresh(self) -> Awarded:
        self.initiative.refresh_from_db()
        self.voucher.refresh_from_db()
        return self


def awarded_initiative(scheme: Scheme | None = None, group: Group | None = None, **kwargs: Any) -> Awarded:
    """A submitted initiative (€ 1.500 requested) awarded in full by a regiegroep meeting: in execution."""
    scheme = scheme or (group.scheme if group else funded_voucher_scheme())
    group = group or steering_group(scheme, members=2)
    initiative = submitted_initiative(scheme=scheme, **kwargs)
    at = meeting(group, agenda=[initiative])
    decision = regiegroep.decide(
        actor=group.chair,
        meeting=at,
        initiative=initiative,
        outcome=Outcome.AWARD,
        reasons="Goed plan voor de buurt.",
    )
    initiative.refresh_from_db()
    assert decision.voucher is not None
    return Awarded(initiative=initiative, voucher=decision.voucher, group=group)


def payer_for(scheme: Scheme) -> User:
    organisation = PayingOrganisation.objects.filter(
        municipality=scheme.municipality, is_default=True
    ).first()
    organisation = organisation or PayingOrganisationFactory(municipality=scheme.municipality)
    return staff(organisation, role=Role.PAYER)


def spend(awarded: Awarded, amount: str) -> None:
    """The holder asks to pay an invoice of `amount` euro and the paying organisation approves it."""
    payer = payer_for(awarded.scheme)
    request = payment_request(awarded.voucher, amount=amount)
    payments.approve_payment(actor=payer, payment_request=request)
    awarded.voucher.refresh_from_db()


def contact_official(municipality: Any, area: Any = None) -> User:
    user: User = UserFactory(name="Olga Contact")
    RoleAssignment.objects.create(user=user, role=Role.CONTACT_OFFICIAL, municipality=municipality, area=area)
    return user


def today_plus(days: int) -> dt.date:
    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=days)
