import datetime as dt
import io

import pytest
from django.utils import translation

from buurtbudget.accounts.models import Role
from buurtbudget.audit.models import AuditEvent
from buurtbudget.contrib import camt, sepa
from buurtbudget.contrib.uploads import MAX_DOCUMENT_BYTES
from buurtbudget.ledger.models import AccountKind, JournalEntry, LedgerAccount
from buurtbudget.ledger.selectors import verify_balances
from buurtbudget.payments import selectors
from buurtbudget.payments import services as payments
from buurtbudget.payments.models import MatchStatus, PaymentKind, PaymentRequest, PaymentStatus, SepaBatch
from buurtbudget.vouchers.models import VoucherStatus
from tests.factories.core import UserFactory
from tests.factories.payments import (
    PDF_BYTES,
    PayingOrganisationFactory,
    funded_voucher,
    payment_request,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    voucher = funded_voucher(amount_cents=100_000)
    organisation = PayingOrganisationFactory(municipality=voucher.municipality)
    payer = staff(organisation, Role.PAYER)
    treasurer = staff(organisation, Role.TREASURER)
    return voucher, organisation, payer, treasurer


def _account(organisation, kind):
    return LedgerAccount.objects.get(
        municipality=organisation.municipality, kind=kind, owner_key=organisation.owner_key
    )


def test_request_books_nothing_and_is_audited(setup):
    voucher, organisation, _payer, _treasurer = setup
    entries = JournalEntry.objects.count()
    payment = payment_request(voucher, amount="12,34")
    assert payment.status == PaymentStatus.SUBMITTED
    assert payment.amount_cents == 1234
    assert payment.paying_organisation == organisation
    assert payment.document_type == "application/pdf"
    assert payment.document.read().startswith(b"%PDF-")
    assert JournalEntry.objects.count() == entries
    assert selectors.voucher_balance_cents(voucher) == 100_000
    assert AuditEvent.objects.filter(action="payments.request.submit", object_id=str(payment.pk)).exists()


def test_retried_request_with_same_key_creates_one(setup):
    voucher, *_ = setup
    first = payment_request(voucher, idempotency_key="form-123")
    again = payment_request(voucher, idempotency_key="form-123")
    assert first.pk == again.pk
    assert PaymentRequest.objects.count() == 1


def _bad(voucher, **overrides):
    values = {
        "actor": voucher.holder,
        "voucher_code": voucher.code,
        "payee_name": "Bakkerij",
        "payee_iban": "NL20INGB0001234567",
        "amount": "10.00",
        "description": "Taart",
        "document": io.BytesIO(PDF_BYTES),
        "idempotency_key": "k-bad",
    }
    values.update(overrides)
    return values


class _Huge(io.BytesIO):
    size = MAX_DOCUMENT_BYTES + 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"payee_iban": "NL91ABNA0417164301"}, "IBAN klopt niet"),
        ({"payee_iban": "NL15ABNA041716430X"}, "IBAN klopt niet"),
        ({"payee_iban": ""}, "Vul een IBAN in"),
        ({"amount": "10.001"}, "hoogstens 2 cijfers"),
        ({"amount": "-5,00"}, "niet negatief"),
        ({"amount": "0"}, "meer dan"),
        ({"amount": "tien euro"}, "Vul een bedrag in"),
        ({"amount": "1000.01"}, "hoger dan het saldo"),
        ({"voucher_code": "ABCDEFGHJKMNP"}, "vouchercode kennen we niet"),
        ({"voucher_code": "x"}, "vouchercode kennen we niet"),
        ({"document": io.BytesIO(b"MZ\x90\x00 this is an exe named factuur.pdf")}, "geen PDF, JPEG of PNG"),
        ({"document": io.BytesIO(b"<html><body>factuur</body></html>")}, "geen PDF, JPEG of PNG"),
        ({"document": _Huge(PDF_BYTES)}, "te groot"),
        ({"document": None}, "Voeg de factuur"),
        ({"payee_name": "  "}, "naam van de ontvanger"),
        ({"description": ""}, "omschrijving"),
    ],
)
def test_bad_input_gives_clear_message_and_changes_nothing(setup, overrides, message):
    voucher, *_ = setup
    entries, events = JournalEntry.objects.count(), AuditEvent.objects.count()
    with pytest.raises(payments.PaymentError, match=message) as error:
        payments.request_payment(**_bad(voucher, **overrides))
    assert " / " not in str(error.value)  # one language: Dutch, the site's default
    assert PaymentRequest.objects.count() == 0
    assert JournalEntry.objects.count() == entries
    assert AuditEvent.objects.count() == events


def test_a_refusal_reads_in_dutch_or_in_english_never_both(setup):
    voucher, *_ = setup
    with pytest.raises(payments.PaymentError) as dutch:
        payments.request_payment(**_bad(voucher, amount="1000.01"))
    with translation.override("en"), pytest.raises(payments.PaymentError) as english:
        payments.request_payment(**_bad(voucher, amount="1000.01"))
    assert str(dutch.value) == "Het bedrag (€ 1.000,01) is hoger dan het saldo van de voucher (€ 1.000,00)."
    assert str(english.value) == "The amount (€ 1.000,01) is more than the voucher's balance (€ 1.000,00)."


def test_someone_elses_voucher_looks_unknown(setup):
    voucher, *_ = setup
    with pytest.raises(payments.PaymentError, match="kennen we niet"):
        payments.request_payment(**_bad(voucher, actor=UserFactory()))


def test_expired_voucher_is_refused():
    voucher = funded_voucher(valid_until=dt.date(2020, 1, 1))
    PayingOrganisationFactory(municipality=voucher.municipality)
    with pytest.raises(payments.PaymentError, match="verlopen"):
        payments.request_payment(**_bad(voucher))
    assert PaymentRequest.objects.count() == 0


def test_cancelled_voucher_is_refused(setup):
    voucher, *_ = setup
    voucher.status = VoucherStatus.CANCELLED
    voucher.save()
    with pytest.raises(payments.PaymentError, match="niet meer"):
        payments.request_payment(**_bad(voucher))


def test_approve_books_voucher_to_payable_once(setup):
    voucher, organisation, payer, _ = setup
    payment = payment_request(voucher, amount="250.00")
    payments.approve_payment(actor=payer, payment_request=payment)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED
    assert payment.decided_by == payer
    assert selectors.voucher_balance_cents(voucher) == 75_000
    assert _account(organisation, AccountKind.PAYABLE).balance_cents == 25_000
    assert JournalEntry.objects.filter(idempotency_key=f"payment-approve-{payment.pk}").count() == 1
    with pytest.raises(payments.PaymentError, match="niet meer"):
        payments.approve_payment(actor=payer, payment_request=payment)
    assert selectors.voucher_balance_cents(voucher) == 75_000
    assert verify_balances() == []


def test_approval_above_remaining_balance_is_refused_and_books_nothing(setup):
    voucher, _organisation, payer, _ = setup
    first = payment_request(voucher, amount="600")
    second = payment_request(voucher, amount="600")
    payments.approve_payment(actor=payer, payment_request=first)
    entries = JournalEntry.objects.count()
    with pytest.raises(payments.PaymentError, match="hoger dan het saldo"):
        payments.approve_payment(actor=payer, payment_request=second)
    second.refresh_from_db()
    assert second.status == PaymentStatus.SUBMITTED
    assert JournalEntry.objects.count() == entries
    assert selectors.voucher_balance_cents(voucher) == 40_000


def test_only_payers_of_the_organisation_approve(setup):
    voucher, organisation, _payer, _ = setup
    payment = payment_request(voucher)
    other = PayingOrganisationFactory(municipality=voucher.municipality, is_default=False)
    for actor in (voucher.holder, staff(other, Role.PAYER), UserFactory()):
        with pytest.raises(payments.PaymentError, match="niet doen"):
            payments.approve_payment(actor=actor, payment_request=payment)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUBMITTED


def test_reject_needs_a_reason(setup):
    voucher, _organisation, payer, _ = setup
    payment = payment_request(voucher)
    with pytest.raises(payments.PaymentError, match="reden"):
        payments.reject_payment(actor=payer, payment_request=payment, reason="  ")
    payments.reject_payment(actor=payer, payment_request=payment, reason="Geen factuur maar een offerte")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED
    assert payment.rejection_reason == "Geen factuur maar een offerte"
    assert selectors.voucher_balance_cents(voucher) == 100_000


def test_cash_withdrawal_cap_and_settlement(setup):
    voucher, organisation, payer, _ = setup
    with pytest.raises(payments.PaymentError, match="hoogstens € 250,00"):
        payments.withdraw_cash(
            actor=voucher.holder,
            voucher_code=voucher.code,
            amount="250.01",
            description="Boodschappen",
            idempotency_key="c0",
        )
    cash = payments.withdraw_cash(
        actor=voucher.holder,
        voucher_code=voucher.code,
        amount="250",
        description="Boodschappen",
        idempotency_key="c1",
    )
    assert cash.kind == PaymentKind.CASH
    payments.approve_payment(actor=payer, payment_request=cash)
    advance = LedgerAccount.objects.get(kind=AccountKind.CASH_ADVANCE)
    assert advance.balance_cents == 25_000
    assert selectors.voucher_balance_cents(voucher) == 75_000
    with pytest.raises(payments.PaymentError, match="niet meer verantwoorden"):
        payments.settle_cash(
            actor=voucher.holder, payment_request=cash, spent="250.01", receipts=io.BytesIO(PDF_BYTES)
        )
    with pytest.raises(payments.PaymentError, match="geen PDF"):
        payments.settle_cash(
            actor=voucher.holder, payment_request=cash, spent="200", receipts=io.BytesIO(b"GIF89a")
        )
    payments.settle_cash(
        actor=voucher.holder, payment_request=cash, spent="200", receipts=io.BytesIO(PDF_BYTES)
    )
    cash.refresh_from_db()
    assert cash.status == PaymentStatus.SETTLED
    assert cash.spent_cents == 20_000
    advance.refresh_from_db()
    assert advance.balance_cents == 0
    assert _account(organisation, AccountKind.PAID_OUT).balance_cents == 20_000
    assert selectors.voucher_balance_cents(voucher) == 80_000
    assert verify_balances() == []


def test_cash_returned(setup):
    voucher, _organisation, payer, _ = setup
    cash = payments.withdraw_cash(
        actor=voucher.holder, voucher_code=voucher.code, amount="100", description="Kas", idempotency_key="c2"
    )
    payments.approve_payment(actor=payer, payment_request=cash)
    with pytest.raises(payments.PaymentError, match="niet doen"):
        payments.return_cash(actor=voucher.holder, payment_request=cash)
    payments.return_cash(actor=payer, payment_request=cash)
    cash.refresh_from_db()
    assert cash.status == PaymentStatus.RETURNED
    assert selectors.voucher_balance_cents(voucher) == 100_000


def _approved(voucher, payer, amounts):
    result = []
    for amount in amounts:
        payment = payment_request(voucher, amount=amount)
        payments.approve_payment(actor=payer, payment_request=payment)
        result.append(payment)
    return result


def test_sepa_export_validates_and_matches_the_ledger(setup):
    voucher, organisation, payer, treasurer = setup
    _approved(voucher, payer, ["12.34", "100", "0.01"])
    payment_request(voucher, amount="5")  # submitted, not approved: stays out
    with pytest.raises(payments.PaymentError, match="niet doen"):
        payments.export_sepa(actor=payer, paying_organisation=organisation)
    batch = payments.export_sepa(actor=treasurer, paying_organisation=organisation)
    assert batch is not None
    content = batch.content.encode()
    sepa.validate_pain001(content)
    message_id, control_sum, lines = sepa.read_summary(content)
    assert message_id == batch.message_id
    assert control_sum == batch.control_sum_cents == 1234 + 10_000 + 1
    booked = sum(p.amount_cents for p in batch.journal_entry.postings.all() if p.amount_cents > 0)
    assert booked == control_sum
    exported = PaymentRequest.objects.filter(batch=batch)
    assert {(p.end_to_end_id, p.amount_cents) for p in exported} == set(lines)
    assert all(p.status == PaymentStatus.EXPORTED for p in exported)
    assert _account(organisation, AccountKind.PAYABLE).balance_cents == 0
    assert _account(organisation, AccountKind.BANK_IN_TRANSIT).balance_cents == control_sum
    # Idempotent: nothing new, nothing created.
    entries = JournalEntry.objects.count()
    assert payments.export_sepa(actor=treasurer, paying_organisation=organisation) is None
    assert SepaBatch.objects.count() == 1
    assert JournalEntry.objects.count() == entries


def test_statement_reconciles_every_line_and_flags_the_planted_one(setup):
    voucher, organisation, payer, treasurer = setup
    _approved(voucher, payer, ["12.34", "100", "7.50"])
    batch = payments.export_sepa(actor=treasurer, paying_organisation=organisation)
    exported = list(PaymentRequest.objects.filter(batch=batch).order_by("pk"))
    lines = [
        camt.StatementLine(
            end_to_end_id=p.end_to_end_id,
            amount_cents=p.amount_cents,
            currency="EUR",
            credit=False,
            booking_date=dt.date(2026, 3, 2),
            counterparty_name=p.payee_name,
        )
        for p in exported
    ]
    lines.append(
        camt.StatementLine(
            end_to_end_id="SOMEONE-ELSE-1",
            amount_cents=4200,
            currency="EUR",
            credit=False,
            booking_date=dt.date(2026, 3, 2),
        )
    )
    content = camt.write_camt053(account_iban=organisation.iban, lines=lines, message_id="STMT-42")
    record, created = payments.import_statement(
        actor=treasurer, paying_organisation=organisation, content=content
    )
    assert created
    statuses = list(record.lines.order_by("position").values_list("match_status", flat=True))
    assert statuses == [MatchStatus.MATCHED] * 3 + [MatchStatus.UNKNOWN]
    assert list(selectors.lines_to_handle(organisation)) == [record.lines.get(position=4)]
    assert all(p.status == PaymentStatus.PAID for p in PaymentRequest.objects.filter(batch=batch))
    assert _account(organisation, AccountKind.BANK_IN_TRANSIT).balance_cents == 0
    assert _account(organisation, AccountKind.PAID_OUT).balance_cents == batch.control_sum_cents
    # Importing the same file again books nothing.
    entries = JournalEntry.objects.count()
    again, created_again = payments.import_statement(
        actor=treasurer, paying_organisation=organisation, content=content
    )
    assert (again.pk, created_again) == (record.pk, False)
    assert JournalEntry.objects.count() == entries
    assert verify_balances() == []


def test_statement_mismatches_are_listed_not_booked(setup):
    voucher, organisation, payer, treasurer = setup
    first, second = _approved(voucher, payer, ["10", "20"])
    payments.export_sepa(actor=treasurer, paying_organisation=organisation)
    first.refresh_from_db()
    second.refresh_from_db()
    lines = [
        camt.StatementLine(
            end_to_end_id=first.end_to_end_id,
            amount_cents=999,
            currency="EUR",
            credit=False,
            booking_date=None,
        ),
        camt.StatementLine(
            end_to_end_id=second.end_to_end_id,
            amount_cents=2000,
            currency="EUR",
            credit=False,
            booking_date=None,
        ),
        camt.StatementLine(
            end_to_end_id=second.end_to_end_id,
            amount_cents=2000,
            currency="EUR",
            credit=False,
            booking_date=None,
        ),
        camt.StatementLine(
            end_to_end_id="", amount_cents=5000, currency="EUR", credit=True, booking_date=None
        ),
    ]
    content = camt.write_camt053(account_iban=organisation.iban, lines=lines)
    record, _ = payments.import_statement(actor=treasurer, paying_organisation=organisation, content=content)
    statuses = list(record.lines.order_by("position").values_list("match_status", flat=True))
    assert statuses == [MatchStatus.MISMATCH, MatchStatus.MATCHED, MatchStatus.MISMATCH, MatchStatus.UNKNOWN]
    first.refresh_from_db()
    assert first.status == PaymentStatus.EXPORTED
    assert _account(organisation, AccountKind.BANK_IN_TRANSIT).balance_cents == 1000

    # Why each line was not matched reads in the reader's language, whatever the importer's was (Dutch here).
    stored = list(record.lines.order_by("position"))
    with translation.override("en"):
        assert [line.reason_text for line in stored] == [
            "Amount differs: statement € 9,99 EUR, request € 10,00.",
            "",
            "The request has status 'Paid', not 'Sent to the bank'.",
            "Not a payment from a batch.",
        ]
    with translation.override("nl"):
        assert [line.reason_text for line in stored] == [
            "Bedrag klopt niet: afschrift € 9,99 EUR, verzoek € 10,00.",
            "",
            "Het verzoek heeft status 'Betaald', niet 'Naar de bank'.",
            "Geen betaling uit een batch.",
        ]


def test_statement_of_another_account_or_garbage_is_refused(setup):
    _voucher, organisation, _payer, treasurer = setup
    other = camt.write_camt053(account_iban="NL20INGB0001234567", lines=[])
    with pytest.raises(payments.PaymentError, match="andere rekening"):
        payments.import_statement(actor=treasurer, paying_organisation=organisation, content=other)
    with pytest.raises(payments.PaymentError, match="XML"):
        payments.import_statement(actor=treasurer, paying_organisation=organisation, content=PDF_BYTES)


def test_a_person_handles_a_flagged_line(setup):
    _voucher, organisation, payer, treasurer = setup
    line = camt.StatementLine(
        end_to_end_id="X-1", amount_cents=100, currency="EUR", credit=False, booking_date=None
    )
    content = camt.write_camt053(account_iban=organisation.iban, lines=[line])
    record, _ = payments.import_statement(actor=treasurer, paying_organisation=organisation, content=content)
    flagged = record.lines.get()
    with pytest.raises(payments.PaymentError, match="Schrijf op"):
        payments.handle_statement_line(actor=treasurer, line=flagged, note=" ")
    with pytest.raises(payments.PaymentError, match="niet doen"):
        payments.handle_statement_line(actor=payer, line=flagged, note="Bekeken")
    payments.handle_statement_line(actor=treasurer, line=flagged, note="Bankkosten, geboekt bij de gemeente")
    assert list(selectors.lines_to_handle(organisation)) == []
    assert AuditEvent.objects.filter(action="payments.statement_line.handle").count() == 1
    with pytest.raises(payments.PaymentError, match="al afgehandeld"):
        payments.handle_statement_line(actor=treasurer, line=flagged, note="Nog eens")
