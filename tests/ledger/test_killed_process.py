"""A process that dies in the middle of booking leaves nothing behind: no entry, no posting, no balance change."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection

from buurtbudget.ledger import services as ledger
from buurtbudget.ledger.models import AccountKind, JournalEntry, LedgerAccount, Posting
from buurtbudget.ledger.selectors import unbalanced_entries, verify_balances
from tests.factories import MunicipalityFactory
from tests.factories.money import account

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[2]

# Books inside an open transaction, says so, then waits to be killed before it can commit.
BOOK_THEN_HANG = textwrap.dedent(
    """
    import sys, time, django
    django.setup()
    from django.db import transaction
    from buurtbudget.ledger import services as ledger
    from buurtbudget.ledger.models import LedgerAccount
    source, voucher = (LedgerAccount.objects.get(pk=int(pk)) for pk in sys.argv[1:3])
    with transaction.atomic():
        ledger.book(
            municipality=source.municipality, kind="payment", description="half-way",
            idempotency_key="killed-half-way", postings=[(source, -2_500), (voucher, 2_500)],
        )
        print("booked, not committed", flush=True)
        time.sleep(60)
    """
)


def test_a_process_killed_before_commit_books_nothing() -> None:
    gemeente = MunicipalityFactory()
    source = account(gemeente, kind=AccountKind.SOURCE_BUDGET, owner_key="", may_go_negative=True)
    voucher = account(gemeente, kind=AccountKind.VOUCHER)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "buurtbudget.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    child = subprocess.Popen(
        [sys.executable, "-c", BOOK_THEN_HANG, str(source.pk), str(voucher.pk)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline().strip()
        assert line == "booked, not committed", child.stderr.read() if child.stderr else ""
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()

    # The dead transaction is rolled back and its row locks are gone: the same booking goes through now.
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '10s'")
    ledger.book_entry(
        municipality=gemeente,
        kind="payment",
        description="after the crash",
        idempotency_key="after-the-crash",
        postings=[(source, -100), (voucher, 100)],
    )
    assert child.returncode == -signal.SIGKILL
    assert not JournalEntry.objects.filter(idempotency_key="killed-half-way").exists()
    assert Posting.objects.filter(account__in=[source, voucher]).count() == 2  # only the later booking
    assert LedgerAccount.objects.get(pk=voucher.pk).balance_cents == 100
    assert verify_balances() == [] and unbalanced_entries() == []
