"""Reading payments: who pays a voucher, queues, batches and statements."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from buurtbudget.tenancy.models import Municipality
from buurtbudget.vouchers import selectors as voucher_selectors
from buurtbudget.vouchers.models import Voucher

from .models import (
    MatchStatus,
    PayingOrganisation,
    PaymentRequest,
    PaymentStatus,
    SepaBatch,
    StatementImport,
    StatementLine,
    VoucherPayer,
)


def voucher_payer(voucher: Any) -> PayingOrganisation | None:
    """The organisation that pays against `voucher`: its explicit assignment, else the default one."""
    link = VoucherPayer.objects.select_related("paying_organisation").filter(voucher_id=voucher.pk).first()
    if link is not None:
        organisation: PayingOrganisation = link.paying_organisation
        return organisation
    return PayingOrganisation.objects.filter(municipality_id=voucher.municipality_id, is_default=True).first()


def voucher_balance_cents(voucher: Any) -> int:
    """What is left on the voucher according to the ledger (0 when it has no account yet)."""
    return int(voucher_selectors.balance_cents(voucher))


def organisations_for(*, user: Any, municipality: Municipality, permission: str) -> list[PayingOrganisation]:
    """The paying organisations of `municipality` for which `user` holds `permission`."""
    organisations = PayingOrganisation.objects.filter(municipality=municipality).order_by("name")
    return [org for org in organisations if user.has_perm(permission, org)]


def requests_of_voucher(voucher: Any) -> QuerySet[PaymentRequest]:
    return PaymentRequest.objects.filter(voucher=voucher).order_by("-created_at", "-pk")


def payer_queue(*, organisations: list[PayingOrganisation]) -> QuerySet[PaymentRequest]:
    return (
        PaymentRequest.objects.filter(paying_organisation__in=organisations, status=PaymentStatus.SUBMITTED)
        .select_related("voucher", "requested_by", "paying_organisation")
        .order_by("created_at", "pk")
    )


def recent_decisions(*, organisations: list[PayingOrganisation], limit: int = 20) -> QuerySet[PaymentRequest]:
    return (
        PaymentRequest.objects.filter(paying_organisation__in=organisations)
        .exclude(status=PaymentStatus.SUBMITTED)
        .select_related("voucher", "paying_organisation")
        .order_by("-decided_at", "-pk")[:limit]
    )


def approved_for_export(organisation: PayingOrganisation) -> QuerySet[PaymentRequest]:
    return PaymentRequest.objects.filter(
        paying_organisation=organisation, status=PaymentStatus.APPROVED, kind="invoice"
    ).order_by("pk")


def batches_of(organisation: PayingOrganisation) -> QuerySet[SepaBatch]:
    return SepaBatch.objects.filter(paying_organisation=organisation).order_by("-created_at", "-pk")


def statements_of(organisation: PayingOrganisation) -> QuerySet[StatementImport]:
    return StatementImport.objects.filter(paying_organisation=organisation).order_by("-imported_at", "-pk")


def lines_to_handle(organisation: PayingOrganisation) -> QuerySet[StatementLine]:
    """Unknown or mismatching statement lines: a person has to look at these."""
    return (
        StatementLine.objects.filter(statement__paying_organisation=organisation)
        .exclude(match_status=MatchStatus.MATCHED)
        .filter(handled_at__isnull=True)
        .select_related("statement", "payment_request")
        .order_by("-statement__imported_at", "position")
    )


def paying_organisations_of(user: Any) -> list[PayingOrganisation]:
    """The paying organisations for which `user` approves payments (in municipalities where they hold a role)."""
    if user is None or not user.is_authenticated:
        return []
    organisations = (
        PayingOrganisation.objects.filter(municipality__role_assignments__user=user).distinct().order_by("pk")
    )
    return [org for org in organisations if user.has_perm("payments.approve", org)]


def vouchers_for_api(user: Any) -> QuerySet[Voucher]:
    """Vouchers `user` may read: those they hold, and those a paying organisation of theirs pays (its
    explicit assignments, and for a default organisation the municipality's vouchers without one); each with
    its ledger balance as `balance`."""
    from django.db.models import CharField, IntegerField, OuterRef, Q, Subquery, Value
    from django.db.models.functions import Cast, Coalesce, Concat

    from buurtbudget.ledger.models import AccountKind, LedgerAccount

    organisations = paying_organisations_of(user)
    visible = Q(holder_id=getattr(user, "pk", None))
    if organisations:
        visible |= Q(
            pk__in=VoucherPayer.objects.filter(paying_organisation__in=organisations).values("voucher_id")
        )
        defaults = [org.municipality_id for org in organisations if org.is_default]
        if defaults:
            visible |= Q(municipality_id__in=defaults) & ~Q(pk__in=VoucherPayer.objects.values("voucher_id"))
    balance = LedgerAccount.objects.filter(
        kind=AccountKind.VOUCHER,
        owner_key=Concat(Value("voucher:"), Cast(OuterRef("pk"), CharField())),
    ).values("balance_cents")[:1]
    return (
        Voucher.objects.filter(visible)
        .select_related("scheme")
        .annotate(balance=Coalesce(Subquery(balance, output_field=IntegerField()), Value(0)))
        .order_by("pk")
    )


def paying_organisations_in(municipality: Municipality) -> QuerySet[PayingOrganisation]:
    """All paying organisations of one municipality, by name (for the staff list)."""
    return PayingOrganisation.objects.filter(municipality=municipality).order_by("name")
