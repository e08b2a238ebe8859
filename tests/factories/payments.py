"""Factories for paying organisations, funded vouchers and payment requests (through the services)."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from factory.django import DjangoModelFactory

from buurtbudget.accounts.models import Role, RoleAssignment, User
from buurtbudget.ledger import services as ledger
from buurtbudget.ledger.models import AccountKind
from buurtbudget.payments import services as payments
from buurtbudget.payments.models import PayingOrganisation, PaymentRequest
from buurtbudget.tenancy.models import Municipality
from buurtbudget.vouchers.codes import generate_code
from buurtbudget.vouchers.models import Voucher

from .core import MunicipalityFactory, UserFactory
from .money import SchemeFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
VALID_IBAN = "NL91ABNA0417164300"
PAYEE_IBAN = "NL20INGB0001234567"


class PayingOrganisationFactory(DjangoModelFactory[PayingOrganisation]):
    class Meta:
        model = PayingOrganisation

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Betaalorganisatie {n}")
    iban = VALID_IBAN
    bic = "ABNANL2A"
    is_default = True


def pdf_upload(name: str = "factuur.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def staff(organisation: PayingOrganisation, role: str = Role.PAYER, user: User | None = None) -> User:
    """A user with `role` for one paying organisation."""
    user = user or UserFactory()
    RoleAssignment.objects.create(
        user=user,
        role=role,
        municipality=organisation.municipality,
        object_key=f"payments.payingorganisation:{organisation.pk}",
    )
    return user


def funded_voucher(
    *,
    amount_cents: int = 100_000,
    municipality: Municipality | None = None,
    holder: User | None = None,
    valid_until: dt.date | None = None,
    **scheme_kwargs: Any,
) -> Voucher:
    """A voucher whose ledger account holds `amount_cents` (booked from a source that may go negative)."""
    municipality = municipality or MunicipalityFactory()
    scheme = SchemeFactory(municipality=municipality, **scheme_kwargs)
    voucher = Voucher.objects.create(
        code=generate_code(),
        municipality=municipality,
        scheme=scheme,
        holder=holder or UserFactory(),
        amount_cents=amount_cents,
        valid_until=valid_until or dt.date(2099, 12, 31),
        issue_key=f"test-{uuid.uuid4().hex}",
    )
    source = ledger.account_for(
        municipality=municipality, kind=AccountKind.SOURCE_BUDGET, owner_key="test", may_go_negative=True
    )
    target = ledger.account_for(
        municipality=municipality, kind=AccountKind.VOUCHER, owner_key=voucher.owner_key
    )
    with transaction.atomic():
        ledger.book(
            municipality=municipality,
            kind="test.fund_voucher",
            description="test",
            idempotency_key=f"test-fund-{voucher.pk}",
            postings=[(source, -amount_cents), (target, amount_cents)],
        )
    return voucher


def payment_request(
    voucher: Voucher, *, amount: str = "10.00", payee_iban: str = PAYEE_IBAN, **kwargs: Any
) -> PaymentRequest:
    return payments.request_payment(
        actor=voucher.holder,
        voucher_code=voucher.code,
        payee_name=kwargs.pop("payee_name", "Bakkerij Jansen"),
        payee_iban=payee_iban,
        amount=amount,
        description=kwargs.pop("description", "Taart voor het buurtfeest"),
        document=kwargs.pop("document", None) or io.BytesIO(PDF_BYTES),
        idempotency_key=kwargs.pop("idempotency_key", None) or f"test-{uuid.uuid4().hex}",
    )
