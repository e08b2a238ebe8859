"""The database itself enforces the ledger's rules on PostgreSQL, also under concurrent requests."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import DatabaseError, connection, connections, transaction

from buurtbudget.ledger import services as ledger
from buurtbudget.ledger.models import AccountKind, JournalEntry, LedgerAccount, Posting
from buurtbudget.ledger.selectors import unbalanced_entries, verify_balances
from tests.factories import MunicipalityFactory
from tests.factories.money import account, key

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup():
    gemeente = MunicipalityFactory()
    source = account(gemeente, kind=AccountKind.SOURCE_BUDGET, owner_key="", may_go_negative=True)
    voucher = account(gemeente, kind=AccountKind.VOUCHER)
    entry = ledger.book_entry(
        municipality=gemeente,
        kind="t",
        description="fund",
        idempotency_key=key(),
        postings=[(source, -10_000), (voucher, 10_000)],
    )
    return gemeente, source, voucher, entry


def test_raw_update_and_delete_of_postings_and_entries_fail(setup):
    _gemeente, _source, _voucher, entry = setup
    posting = entry.postings.first()
    for sql, params in [
        ("UPDATE ledger_posting SET amount_cents = 1 WHERE id = %s", [posting.pk]),
        ("DELETE FROM ledger_posting WHERE id = %s", [posting.pk]),
        ("UPDATE ledger_journalentry SET description = 'x' WHERE id = %s", [entry.pk]),
        ("DELETE FROM ledger_journalentry WHERE id = %s", [entry.pk]),
    ]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert Posting.objects.filter(pk=posting.pk, amount_cents=posting.amount_cents).exists()


def _raw_entry(gemeente, postings):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_journalentry (municipality_id, kind, created_at, description, idempotency_key,"
            " payload_hash) VALUES (%s, 'raw', now(), 'raw', %s, '') RETURNING id",
            [gemeente.pk, key()],
        )
        entry_id = cursor.fetchone()[0]
        for account_id, amount in postings:
            cursor.execute(
                "INSERT INTO ledger_posting (entry_id, account_id, amount_cents) VALUES (%s, %s, %s)",
                [entry_id, account_id, amount],
            )
    return entry_id


@pytest.mark.parametrize("amounts", [[-5, 4], [-5], []])
def test_unbalanced_raw_entry_fails_at_commit(setup, amounts):
    gemeente, source, voucher, _entry = setup
    accounts = [source.pk, voucher.pk]
    with pytest.raises(DatabaseError, match="not balanced"):
        with transaction.atomic():
            _raw_entry(gemeente, list(zip(accounts, amounts, strict=False)))
            # Inside the transaction the insert itself succeeded: the check is deferred to COMMIT.
            assert JournalEntry.objects.filter(kind="raw").exists()
    assert not JournalEntry.objects.filter(kind="raw").exists()


def test_balanced_raw_entry_commits(setup):
    gemeente, source, voucher, _entry = setup
    with transaction.atomic():
        _raw_entry(gemeente, [(source.pk, -5), (voucher.pk, 5)])
    assert unbalanced_entries() == []
    # ...but bypassing the services leaves the cached balances behind, which verify reports.
    assert {d.account_id for d in verify_balances()} == {source.pk, voucher.pk}


def _in_thread(fn):
    def run(*args):
        try:
            return fn(*args)
        finally:
            connections.close_all()

    return run


def test_concurrent_bookings_never_overdraw(setup):
    gemeente, _source, voucher, _entry = setup  # voucher holds 10_000
    payable = account(gemeente, kind=AccountKind.PAYABLE)
    attempts = 60
    barrier = threading.Barrier(8)

    @_in_thread
    def pay(i):
        if i < 8:
            barrier.wait()
        try:
            ledger.book_entry(
                municipality=gemeente,
                kind="payment",
                description=f"betaling {i}",
                idempotency_key=f"pay-{i}",
                postings=[(voucher, -300), (payable, 300)],
            )
            return True
        except ledger.InsufficientFunds:
            return False

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(pay, range(attempts)))
    voucher.refresh_from_db()
    assert results.count(True) == 10_000 // 300 == 33
    assert voucher.balance_cents == 10_000 - 33 * 300 == 100
    assert JournalEntry.objects.filter(kind="payment").count() == 33
    assert verify_balances() == [] and unbalanced_entries() == []


def test_same_key_from_many_threads_books_once(setup):
    gemeente, _source, voucher, _entry = setup
    payable = account(gemeente, kind=AccountKind.PAYABLE)
    barrier = threading.Barrier(8)

    @_in_thread
    def pay(_i):
        barrier.wait()
        return ledger.book_entry(
            municipality=gemeente,
            kind="payment",
            description="retry",
            idempotency_key="same-key",
            postings=[(voucher, -1000), (payable, 1000)],
        ).pk

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(pay, range(8)))
    assert len(ids) == 1
    voucher.refresh_from_db()
    assert voucher.balance_cents == 9_000
    assert LedgerAccount.objects.get(pk=payable.pk).balance_cents == 1000
