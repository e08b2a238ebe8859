"""Read-only API: a user's vouchers (as holder, or paid by their paying organisation) and public scheme totals."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from buurtbudget.ledger.selectors import scheme_money_overview
from buurtbudget.schemes import selectors as scheme_selectors
from buurtbudget.tenancy import selectors as tenancy_selectors
from buurtbudget.vouchers.models import Voucher

from . import selectors


class VoucherSerializer(serializers.ModelSerializer[Voucher]):
    code = serializers.CharField(source="display_code", read_only=True)
    scheme = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated]
    balance_cents = serializers.IntegerField(source="balance", read_only=True)

    class Meta:
        model = Voucher
        fields = ["code", "scheme", "amount_cents", "balance_cents", "valid_until", "status"]


class VoucherList(generics.ListAPIView[Voucher]):
    """The signed-in user's vouchers as holder, and the vouchers their paying organisation pays."""

    serializer_class = VoucherSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> QuerySet[Voucher]:
        return selectors.vouchers_for_api(self.request.user)


class SchemeTotalsSerializer(serializers.Serializer[dict[str, Any]]):
    slug = serializers.CharField()
    name = serializers.CharField()
    funded_cents = serializers.IntegerField()
    awarded_cents = serializers.IntegerField()
    paid_cents = serializers.IntegerField()
    returned_cents = serializers.IntegerField()


class SchemeTotalsList(generics.GenericAPIView[Any]):
    """Public totals per scheme of one municipality, from the ledger (no personal data)."""

    serializer_class = SchemeTotalsSerializer
    permission_classes = [AllowAny]
    pagination_class = None

    @extend_schema(responses=SchemeTotalsSerializer(many=True))
    def get(self, request: Request, gemeente: str) -> Response:
        municipality = get_object_or_404(tenancy_selectors.active_municipalities(), slug=gemeente)
        rows = []
        for scheme in scheme_selectors.schemes_of(municipality=municipality):
            overview = scheme_money_overview(scheme=scheme)
            rows.append(
                {
                    "slug": scheme.slug,
                    "name": scheme.name,
                    "funded_cents": overview.funded_cents,
                    "awarded_cents": overview.awarded_cents,
                    "paid_cents": overview.paid_cents,
                    "returned_cents": overview.returned_cents,
                }
            )
        return Response(self.get_serializer(rows, many=True).data)
