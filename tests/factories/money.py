"""Factories for schemes, ledger accounts and vouchers (money moves only through the services)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import factory
from factory.django import DjangoModelFactory

from buurtbudget.ledger import services as ledger
from buurtbudget.ledger.models import AccountKind, LedgerAccount
from buurtbudget.schemes.models import Scheme
from buurtbudget.tenancy.models import Municipality

from .core import MunicipalityFactory, UserFactory


class SchemeFactory(DjangoModelFactory[Scheme]):
    class Meta:
        model = Scheme

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Regeling {n}")
    slug = factory.Sequence(lambda n: f"regeling-{n}")
    starts_on = dt.date(2026, 1, 1)
    ends_on = dt.date(2027, 12, 31)


def key() -> str:
    return f"test-{uuid.uuid4().hex}"


def account(
    municipality: Municipality | None = None,
    *,
    kind: str = AccountKind.PAYABLE,
    owner_key: str | None = None,
    may_go_negative: bool = False,
) -> LedgerAccount:
    return ledger.account_for(
        municipality=municipality or MunicipalityFactory(),
        kind=kind,
        owner_key=owner_key if owner_key is not None else uuid.uuid4().hex[:12],
        may_go_negative=may_go_negative,
    )


def funded_scheme(amount_cents: int = 10_000_000, **kwargs: Any) -> Scheme:
    """A scheme with its ledger accounts, funded from the municipality's source budget."""
    from buurtbudget.schemes import services as schemes

    scheme = SchemeFactory(**kwargs)
    schemes.ensure_accounts(scheme=scheme)
    if amount_cents:
        schemes.fund_scheme(actor=None, scheme=scheme, amount_cents=amount_cents, idempotency_key=key())
    return scheme


def issued_voucher(scheme: Scheme | None = None, amount_cents: int = 100_000, **kwargs: Any) -> Any:
    from buurtbudget.vouchers import services as vouchers

    return vouchers.issue_voucher(
        actor=None,
        scheme=scheme or funded_scheme(),
        holder=kwargs.pop("holder", None) or UserFactory(),
        amount_cents=amount_cents,
        valid_until=kwargs.pop("valid_until", dt.date(2027, 6, 30)),
        conditions=kwargs.pop("conditions", "Alleen voor het buurtfeest."),
        idempotency_key=kwargs.pop("idempotency_key", None) or key(),
    )
