"""Ledger benchmark: concurrent payment-like bookings and `ledger verify` over 1,000,000 postings.

    python bench/bench_ledger.py [--threads 8] [--bookings 2000] [--postings 1000000]

Uses DATABASE_URL when it points at PostgreSQL, else creates (and drops afterwards) a throwaway database
`bb_bench_ledger` on postgres://postgres@127.0.0.1:5432. Prints a table. Baselines are measured in the same
run: 1 thread for bookings, a plain SELECT SUM over all postings for verify.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
BENCH_DB = "bb_bench_ledger"


def prepare_database() -> bool:
    """Point DATABASE_URL at a PostgreSQL database; returns True when we created a throwaway one."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return False
    import psycopg

    with psycopg.connect(f"{DEFAULT_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = f"{DEFAULT_SERVER}/{BENCH_DB}"
    return True


def drop_database() -> None:
    import psycopg

    with psycopg.connect(f"{DEFAULT_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--bookings", type=int, default=2000, help="bookings per concurrency level")
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument(
        "--load-with-triggers",
        action="store_true",
        help="keep the deferred balance triggers on while bulk-loading",
    )
    parser.add_argument("--skip-bookings", action="store_true")
    args = parser.parse_args()

    created = prepare_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buurtbudget.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    try:
        call_command("migrate", verbosity=0, skip_checks=True)
        rows = []
        if not args.skip_bookings:
            rows += bench_bookings(args.threads, args.bookings, connections)
        rows += bench_verify(args.postings, connection, args.load_with_triggers)
        print()
        print(f"{'measurement':<58} {'value':>14}  baseline / ratio")
        print("-" * 100)
        for name, value, note in rows:
            print(f"{name:<58} {value:>14}  {note}")
    finally:
        connections.close_all()
        if created:
            drop_database()


def bench_bookings(threads: int, bookings: int, connections) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    from buurtbudget.ledger import services as ledger
    from buurtbudget.ledger.models import AccountKind
    from buurtbudget.tenancy.models import Municipality

    gemeente, _ = Municipality.objects.get_or_create(slug="bench", defaults={"name": "Benchgemeente"})

    def run(n_threads: int, shared_voucher: bool) -> float:
        tag = uuid.uuid4().hex[:8]
        source = ledger.account_for(
            municipality=gemeente, kind=AccountKind.SOURCE_BUDGET, may_go_negative=True
        )
        vouchers = [
            ledger.account_for(municipality=gemeente, kind=AccountKind.VOUCHER, owner_key=f"{tag}-{i}")
            for i in range(1 if shared_voucher else n_threads)
        ]
        payable = ledger.account_for(
            municipality=gemeente, kind=AccountKind.PAYABLE, owner_key=f"{tag}-payee", may_go_negative=False
        )
        for v in vouchers:
            ledger.book_entry(
                municipality=gemeente,
                kind="bench.fund",
                description="fund",
                idempotency_key=f"{tag}-{v.pk}",
                postings=[(source, -bookings * 100), (v, bookings * 100)],
            )
        per_thread = bookings // n_threads

        def worker(t: int) -> None:
            try:
                voucher = vouchers[0 if shared_voucher else t]
                # Payees differ per thread so that only the voucher account is contended when shared.
                payee = ledger.account_for(
                    municipality=gemeente, kind=AccountKind.PAYABLE, owner_key=f"{tag}-payee-{t}"
                )
                for i in range(per_thread):
                    ledger.book_entry(
                        municipality=gemeente,
                        kind="bench.pay",
                        description="betaling",
                        idempotency_key=f"{tag}-{t}-{i}",
                        postings=[(voucher, -100), (payee, 100)],
                    )
            finally:
                connections.close_all()

        del payable
        started = time.perf_counter()
        pool = [threading.Thread(target=worker, args=(t,)) for t in range(n_threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        elapsed = time.perf_counter() - started
        return per_thread * n_threads / elapsed

    base = run(1, shared_voucher=True)
    separate = run(threads, shared_voucher=False)
    shared = run(threads, shared_voucher=True)
    return [
        ("bookings/s, 1 thread (voucher -> payable)", f"{base:,.0f}", "baseline"),
        (f"bookings/s, {threads} threads, one voucher each", f"{separate:,.0f}", f"x{separate / base:.2f}"),
        (
            f"bookings/s, {threads} threads, all on ONE voucher (row lock)",
            f"{shared:,.0f}",
            f"x{shared / base:.2f}",
        ),
    ]


def bench_verify(n_postings: int, connection, triggers: bool) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """Bulk-load n_postings balanced postings with SQL (triggers stay on), then time verify vs SELECT SUM."""
    from buurtbudget.ledger.models import AccountKind, LedgerAccount
    from buurtbudget.ledger.selectors import unbalanced_entries, verify_balances
    from buurtbudget.tenancy.models import Municipality

    gemeente, _ = Municipality.objects.get_or_create(slug="bench-verify", defaults={"name": "Benchverify"})
    n_accounts = 1000
    accounts = LedgerAccount.objects.bulk_create(
        [
            LedgerAccount(
                municipality=gemeente,
                kind=AccountKind.PAYABLE,
                owner_key=f"v{i}",
                name=f"a{i}",
                may_go_negative=True,
            )
            for i in range(n_accounts)
        ]
    )
    first_id = accounts[0].pk
    n_entries = n_postings // 2
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if not triggers:
            # Bulk load only: skip the per-row deferred balance triggers (superuser). Entries are balanced by
            # construction and verified below; every normal booking runs with the triggers on.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            """
            INSERT INTO ledger_journalentry (municipality_id, kind, created_at, description, idempotency_key,
                                             payload_hash)
            SELECT %s, 'bench.bulk', now(), 'bulk', 'bulk-' || g, '' FROM generate_series(1, %s) g
            """,
            [gemeente.pk, n_entries],
        )
        cursor.execute(
            """
            INSERT INTO ledger_posting (entry_id, account_id, amount_cents)
            SELECT e.id, %s + ((e.id * 7) %% %s), -((e.id %% 5000) + 1)
              FROM ledger_journalentry e WHERE e.kind = 'bench.bulk'
            UNION ALL
            SELECT e.id, %s + ((e.id * 13 + 1) %% %s), (e.id %% 5000) + 1
              FROM ledger_journalentry e WHERE e.kind = 'bench.bulk'
            """,
            [first_id, n_accounts, first_id, n_accounts],
        )
        # Fresh statistics, so the deferred balance triggers (planned at COMMIT) use the entry_id index.
        cursor.execute("ANALYZE ledger_posting")
        cursor.execute("ANALYZE ledger_journalentry")
        cursor.execute(
            """
            UPDATE ledger_ledgeraccount a SET balance_cents = s.total
              FROM (SELECT account_id, SUM(amount_cents) total FROM ledger_posting GROUP BY account_id) s
             WHERE s.account_id = a.id AND a.municipality_id = %s
            """,
            [gemeente.pk],
        )
    load = time.perf_counter() - started  # includes the deferred balance triggers firing at COMMIT
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ledger_posting")
        cursor.execute("SELECT COUNT(*) FROM ledger_posting")
        total_postings = cursor.fetchone()[0]
        started = time.perf_counter()
        cursor.execute("SELECT SUM(amount_cents) FROM ledger_posting")
        cursor.fetchone()
        baseline = time.perf_counter() - started
    started = time.perf_counter()
    differences = verify_balances()
    verify_time = time.perf_counter() - started
    started = time.perf_counter()
    unbalanced = unbalanced_entries()
    unbalanced_time = time.perf_counter() - started
    assert differences == [] and unbalanced == [], (differences[:3], unbalanced[:3])
    return [
        (
            f"bulk load {n_postings:,} postings (SQL, triggers {'on' if triggers else 'off'})",
            f"{load:.2f} s",
            f"{n_postings / load:,.0f} postings/s",
        ),
        (f"SELECT SUM over {total_postings:,} postings", f"{baseline:.3f} s", "baseline"),
        (
            "ledger verify: balances (rebuild + compare)",
            f"{verify_time:.3f} s",
            f"x{verify_time / baseline:.1f}",
        ),
        (
            "ledger verify: unbalanced entries",
            f"{unbalanced_time:.3f} s",
            f"x{unbalanced_time / baseline:.1f}",
        ),
    ]


if __name__ == "__main__":
    main()
