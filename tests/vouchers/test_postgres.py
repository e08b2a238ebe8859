"""Concurrent voucher issuing and overhead reservations on PostgreSQL never exceed the scheme's money or cap."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from buurtbudget.ledger import services as ledger
from buurtbudget.ledger.selectors import unbalanced_entries, verify_balances
from buurtbudget.schemes import services as schemes
from buurtbudget.vouchers.models import Voucher
from tests.factories import UserFactory
from tests.factories.money import funded_scheme, issued_voucher, key

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_concurrently(fn, n, workers=8):
    barrier = threading.Barrier(workers)

    def run(i):
        try:
            if i < workers:
                barrier.wait()
            return fn(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, range(n)))


def test_concurrent_issuing_never_overdraws_the_scheme():
    scheme = funded_scheme(amount_cents=1_000_000)  # room for exactly 40 vouchers of 25,000
    holder = UserFactory()

    def issue(_i):
        try:
            issued_voucher(scheme, amount_cents=25_000, holder=holder)
            return True
        except ledger.InsufficientFunds:
            return False

    results = run_concurrently(issue, 55)
    assert results.count(True) == 40 == Voucher.objects.count()
    assert schemes.scheme_account(scheme=scheme).balance_cents == 0
    assert verify_balances() == [] and unbalanced_entries() == []


def test_concurrent_overhead_reservations_stay_within_the_cap():
    scheme = funded_scheme(amount_cents=1_000_000)  # cap: 100,000

    def reserve(i):
        try:
            schemes.reserve_overhead(
                actor=None,
                scheme=scheme,
                category=schemes.OVERHEAD_CATEGORIES[i % 3],
                amount_cents=7_000,
                idempotency_key=key(),
            )
            return True
        except schemes.CapExceeded:
            return False

    results = run_concurrently(reserve, 30)
    assert results.count(True) == 100_000 // 7_000 == 14
    assert schemes.overhead_totals(scheme=scheme) == (1_000_000, 98_000)
