"""Concurrent requests on PostgreSQL: separate connections, real row locks."""

import io
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from buurtbudget.ledger.models import JournalEntry
from buurtbudget.ledger.selectors import verify_balances
from buurtbudget.payments import selectors
from buurtbudget.payments import services as payments
from buurtbudget.payments.models import PaymentRequest, PaymentStatus
from tests.factories.payments import PAYEE_IBAN, PDF_BYTES, PayingOrganisationFactory, funded_voucher, staff

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 20  # at most this many connections at once


def _in_thread(function, *args):
    try:
        return function(*args)
    finally:
        connection.close()


def test_100_concurrent_requests_book_exactly_those_that_fit():
    voucher = funded_voucher(amount_cents=100_000)
    organisation = PayingOrganisationFactory(municipality=voucher.municipality)
    payer = staff(organisation)
    amounts = [1_000 + 37 * i for i in range(100)]  # together far more than the € 1.000 on the voucher

    def submit_and_approve(amount_cents: int) -> tuple[int, bool]:
        try:
            request = payments.request_payment(
                actor=voucher.holder,
                voucher_code=voucher.code,
                payee_name="Leverancier",
                payee_iban=PAYEE_IBAN,
                amount=f"{amount_cents // 100}.{amount_cents % 100:02d}",
                description="Materiaal",
                document=io.BytesIO(PDF_BYTES),
                idempotency_key=f"conc-{uuid.uuid4().hex}",
            )
            payments.approve_payment(actor=payer, payment_request=request)
        except payments.PaymentError:
            return amount_cents, False
        return amount_cents, True

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(lambda a: _in_thread(submit_and_approve, a), amounts))

    booked = [a for a, ok in results if ok]
    refused = [a for a, ok in results if not ok]
    balance = selectors.voucher_balance_cents(voucher)
    assert booked, "some requests must fit"
    assert refused, "not all requests can fit"
    assert balance >= 0
    assert balance == 100_000 - sum(booked)
    # Balances only go down, so a refused request did not fit even at the end.
    assert all(a > balance for a in refused)
    approved = PaymentRequest.objects.filter(status=PaymentStatus.APPROVED)
    assert sorted(approved.values_list("amount_cents", flat=True)) == sorted(booked)
    assert JournalEntry.objects.filter(kind="payment.approve").count() == len(booked)
    assert verify_balances() == []


def test_retries_with_one_key_submit_and_book_once():
    voucher = funded_voucher(amount_cents=100_000)
    organisation = PayingOrganisationFactory(municipality=voucher.municipality)
    payer = staff(organisation)

    def submit(_i: int) -> int:
        return payments.request_payment(
            actor=voucher.holder,
            voucher_code=voucher.code,
            payee_name="Leverancier",
            payee_iban=PAYEE_IBAN,
            amount="99.99",
            description="Eén keer",
            document=io.BytesIO(PDF_BYTES),
            idempotency_key="the-same-key",
        ).pk

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        ids = set(pool.map(lambda i: _in_thread(submit, i), range(40)))
    assert len(ids) == 1
    request = PaymentRequest.objects.get()

    def approve(_i: int) -> bool:
        try:
            payments.approve_payment(actor=payer, payment_request=PaymentRequest.objects.get(pk=request.pk))
        except payments.PaymentError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(lambda i: _in_thread(approve, i), range(40)))
    assert outcomes.count(True) == 1
    assert selectors.voucher_balance_cents(voucher) == 100_000 - 9_999
    assert JournalEntry.objects.filter(idempotency_key=f"payment-approve-{request.pk}").count() == 1
    assert verify_balances() == []
