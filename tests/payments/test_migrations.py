"""Lines imported before reasons were stored get the reason their own data shows (migration payments 0005)."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from buurtbudget.accounts.models import Role
from buurtbudget.contrib import camt
from buurtbudget.payments import services as payments
from buurtbudget.payments.models import LineReason, MatchStatus, StatementLine
from tests.factories.payments import PayingOrganisationFactory, funded_voucher, payment_request, staff

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "buurtbudget.payments.migrations.0005_statement_line_reason_in_readers_language"
)


def _line(end_to_end_id: str, cents: int, *, credit: bool = False) -> camt.StatementLine:
    return camt.StatementLine(
        end_to_end_id=end_to_end_id, amount_cents=cents, currency="EUR", credit=credit, booking_date=None
    )


def test_earlier_lines_get_their_reason_and_a_status_refusal_keeps_its_note() -> None:
    voucher = funded_voucher(amount_cents=100_000)
    organisation = PayingOrganisationFactory(municipality=voucher.municipality)
    payer, treasurer = staff(organisation, Role.PAYER), staff(organisation, Role.TREASURER)
    request = payment_request(voucher, amount="10")
    payments.approve_payment(actor=payer, payment_request=request)
    payments.export_sepa(actor=treasurer, paying_organisation=organisation)
    request.refresh_from_db()
    content = camt.write_camt053(
        account_iban=organisation.iban,
        lines=[
            _line(request.end_to_end_id, 999),
            _line(request.end_to_end_id, 1000),
            _line(request.end_to_end_id, 1000),
            _line("ONBEKEND-1", 500),
            _line("", 700, credit=True),
            # Refused for the status (paid by then), while its amount differs too.
            _line(request.end_to_end_id, 999),
        ],
    )
    record, _ = payments.import_statement(actor=treasurer, paying_organisation=organisation, content=content)
    # As lines were stored before: the reason only as Dutch text.
    notes = [
        "Bedrag klopt niet.",
        "",
        "Het verzoek heeft status 'Betaald'.",
        "Onbekend.",
        "Geen batch.",
        "Het verzoek heeft status 'Betaald'.",
    ]
    for line, note in zip(record.lines.order_by("position"), notes, strict=True):
        StatementLine.objects.filter(pk=line.pk).update(reason="", reason_details={}, note=note)

    migration.reasons_of_earlier_lines(apps, None)

    lines = list(record.lines.order_by("position"))
    assert [line.match_status for line in lines] == [
        MatchStatus.MISMATCH,
        MatchStatus.MATCHED,
        MatchStatus.MISMATCH,
        MatchStatus.UNKNOWN,
        MatchStatus.UNKNOWN,
        MatchStatus.MISMATCH,
    ]
    assert [line.reason for line in lines] == [
        LineReason.AMOUNT_DIFFERS,
        "",
        "",
        LineReason.UNKNOWN_END_TO_END_ID,
        LineReason.NOT_FROM_A_BATCH,
        "",
    ]
    with translation.override("en"):
        assert [line.reason_text for line in lines] == [
            "Amount differs: statement € 9,99 EUR, request € 10,00.",
            "",
            "Het verzoek heeft status 'Betaald'.",  # the status at import is not kept: the old text stays
            "Unknown EndToEndId.",
            "Not a payment from a batch.",
            "Het verzoek heeft status 'Betaald'.",
        ]
