import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import translation

from buurtbudget.audit.models import AuditEvent
from buurtbudget.ledger import services as ledger
from buurtbudget.ledger.models import AccountKind, JournalEntry, LedgerAccount, Posting
from buurtbudget.ledger.selectors import posted_balance, trial_balance, verify_balances
from tests.factories import MunicipalityFactory
from tests.factories.money import account, key

pytestmark = pytest.mark.django_db


@pytest.fixture
def gemeente():
    return MunicipalityFactory()


@pytest.fixture
def source(gemeente):
    return account(gemeente, kind=AccountKind.SOURCE_BUDGET, owner_key="", may_go_negative=True)


@pytest.fixture
def target(gemeente):
    return account(gemeente, kind=AccountKind.SCHEME_BUDGET)


def book(gemeente, postings, k=None, **kw):
    return ledger.book_entry(
        municipality=gemeente,
        kind="test",
        description="test",
        idempotency_key=k or key(),
        postings=postings,
        **kw,
    )


@pytest.mark.parametrize(
    "amounts, message",
    [
        ([100], "minstens twee"),
        ([100, -99], "niet in evenwicht"),
        ([0, 0], "0 kan niet"),
        ([1.5, -1.5], "hele centen"),
        ([True, -1], "hele centen"),
    ],
)
def test_book_refuses_invalid_entries(gemeente, source, target, amounts, message):
    accounts = [source, target]
    with pytest.raises(ledger.UnbalancedEntry, match=message):
        book(gemeente, list(zip(accounts, amounts, strict=False)))
    assert not JournalEntry.objects.exists() and not Posting.objects.exists()


def test_book_refuses_accounts_of_another_municipality(gemeente, source):
    other = account(MunicipalityFactory())
    with pytest.raises(ledger.LedgerError, match="dezelfde gemeente"):
        book(gemeente, [(source, -5), (other, 5)])


def test_book_moves_money_and_audits(gemeente, source, target):
    entry = book(gemeente, [(source, -1000), (target, 1000)])
    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.balance_cents, target.balance_cents) == (-1000, 1000)
    assert entry.postings.count() == 2
    assert AuditEvent.objects.filter(action="ledger.book", object_id=str(entry.pk)).exists()
    assert sum(r.balance_cents for r in trial_balance(municipality=gemeente)) == 0


def test_same_key_books_once_and_returns_first_entry(gemeente, source, target):
    k = key()
    first = book(gemeente, [(source, -1000), (target, 1000)], k)
    again = book(gemeente, [(source, -1000), (target, 1000)], k)
    assert again.pk == first.pk
    target.refresh_from_db()
    assert target.balance_cents == 1000 and JournalEntry.objects.count() == 1


def test_same_key_with_other_payload_is_refused(gemeente, source, target):
    k = key()
    book(gemeente, [(source, -1000), (target, 1000)], k)
    with pytest.raises(ledger.IdempotencyConflict):
        book(gemeente, [(source, -2000), (target, 2000)], k)
    target.refresh_from_db()
    assert target.balance_cents == 1000


def test_insufficient_funds_books_nothing(gemeente, source, target):
    payable = account(gemeente)
    book(gemeente, [(source, -500), (target, 500)])
    events = AuditEvent.objects.count()
    with pytest.raises(ledger.InsufficientFunds, match="niet genoeg geld") as caught:
        book(gemeente, [(target, -501), (payable, 501)])
    assert caught.value.shortfall_cents == 1
    target.refresh_from_db()
    payable.refresh_from_db()
    assert (target.balance_cents, payable.balance_cents) == (500, 0)
    assert JournalEntry.objects.count() == 1 and AuditEvent.objects.count() == events


def test_a_refused_booking_is_explained_in_the_reader_s_language_only(gemeente, source, target):
    payable = account(gemeente)
    book(gemeente, [(source, -500), (target, 500)])
    with pytest.raises(ledger.InsufficientFunds) as dutch:
        book(gemeente, [(target, -501), (payable, 501)])
    with translation.override("en"), pytest.raises(ledger.InsufficientFunds) as english:
        book(gemeente, [(target, -501), (payable, 501)])
    assert str(dutch.value) == f"Er is niet genoeg geld op {target}: saldo € 5,00, nodig € 5,01."
    assert str(english.value) == f"Not enough money in {target}: balance € 5,00, needed € 5,01."


def test_insufficient_funds_inside_callers_transaction_rolls_back_only_the_booking(gemeente, source, target):
    with transaction.atomic():
        book_ok = ledger.book(
            municipality=gemeente,
            kind="t",
            description="ok",
            idempotency_key=key(),
            postings=[(source, -10), (target, 10)],
        )
        with pytest.raises(ledger.InsufficientFunds):
            ledger.book(
                municipality=gemeente,
                kind="t",
                description="too much",
                idempotency_key=key(),
                postings=[(target, -11), (source, 11)],
            )
    assert JournalEntry.objects.get() == book_ok


def test_reversal_restores_balances_and_happens_once(gemeente, source, target):
    entry = book(gemeente, [(source, -700), (target, 700)])
    k = key()
    reversal = ledger.reverse_entry(entry=entry, actor=None, reason="vergissing", idempotency_key=k)
    assert reversal.reverses == entry and reversal.kind == entry.kind
    assert ledger.reverse_entry(entry=entry, actor=None, reason="vergissing", idempotency_key=k) == reversal
    with pytest.raises(ledger.AlreadyReversed):
        ledger.reverse_entry(entry=entry, actor=None, reason="nog eens", idempotency_key=key())
    with pytest.raises(ledger.LedgerError):
        ledger.reverse_entry(entry=reversal, actor=None, reason="terug", idempotency_key=key())
    with pytest.raises(ledger.LedgerError, match="reden"):
        ledger.reverse_entry(entry=entry, actor=None, reason=" ", idempotency_key=key())
    for a in (source, target):
        a.refresh_from_db()
        assert a.balance_cents == 0 == posted_balance(a)


def test_reversal_refused_when_money_already_spent(gemeente, source, target):
    entry = book(gemeente, [(source, -700), (target, 700)])
    book(gemeente, [(target, -700), (account(gemeente), 700)])
    with pytest.raises(ledger.InsufficientFunds):
        ledger.reverse_entry(entry=entry, actor=None, reason="te laat", idempotency_key=key())


def test_balances_equal_sums_of_postings_and_verify_command(gemeente, source, target, capsys):
    for n in range(1, 6):
        book(gemeente, [(source, -n * 100), (target, n * 100)])
    assert verify_balances() == []
    call_command("ledger", "verify")
    assert "Grootboek klopt" in capsys.readouterr().out  # Dutch, the site's language
    # Tamper with the cache (bypassing the services): verify reports it and fails.
    LedgerAccount.objects.filter(pk=target.pk).update(balance_cents=1)
    [difference] = verify_balances(municipality=gemeente)
    assert (difference.cached_cents, difference.posted_cents) == (1, 1500)
    with pytest.raises(CommandError):
        call_command("ledger", "verify")
    assert ledger.rebuild_balances(actor=None) == 1
    assert verify_balances() == []


def test_non_negative_account_is_enforced_by_database_constraint(gemeente, target):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.filter(pk=target.pk).update(balance_cents=-1)
