"""A hypothesis state machine over the money operations, checking the ledger's invariants after every step.

Operations: fund, reserve overhead, issue, expire, cancel, close, reverse, and the payments: request (invoice
or cash), approve, reject, settle or return cash, export (SEPA) and reconcile (a camt.053 statement for an
exported batch, sometimes with a line missing or a wrong amount). Refusals are expected and must leave the
invariants intact. Money leaves the municipality's budgets only into paid_out accounts (`money_out()`).

Total steps: LEDGER_STATEFUL_STEPS (default 10,000 when CI is set, else 1,000); the test keeps running machines until that many steps
ran, in machines of LEDGER_STATEFUL_STEP_COUNT steps (default 50).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import uuid

import pytest
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from buurtbudget.accounts.models import Role
from buurtbudget.contrib import camt
from buurtbudget.ledger import services as ledger
from buurtbudget.ledger.models import AccountKind, JournalEntry, LedgerAccount, Posting
from buurtbudget.payments import services as payments
from buurtbudget.payments.models import PaymentRequest, SepaBatch
from buurtbudget.schemes import services as schemes
from buurtbudget.statemachine.services import TransitionNotAllowed
from buurtbudget.vouchers import services as vouchers
from buurtbudget.vouchers.models import Voucher, VoucherStatus
from tests.factories import MunicipalityFactory, UserFactory
from tests.factories.money import SchemeFactory
from tests.factories.payments import PAYEE_IBAN, PDF_BYTES, PayingOrganisationFactory, staff

TOTAL_STEPS = int(os.environ.get("LEDGER_STATEFUL_STEPS", "10000" if os.environ.get("CI") else "1000"))
STEP_COUNT = int(os.environ.get("LEDGER_STATEFUL_STEP_COUNT", "50"))
STEPS_RUN = {"n": 0}

cents = st.integers(min_value=1, max_value=3_000_000)
voucher_cents = st.integers(min_value=25_000, max_value=1_000_000)
payment_cents = st.integers(min_value=1, max_value=400_000)
EXPECTED = (ledger.LedgerError, TransitionNotAllowed, payments.PaymentError)


def k() -> str:
    return uuid.uuid4().hex


def euros(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.gemeente = MunicipalityFactory(slug=f"g-{k()[:12]}")
        self.holder = UserFactory()
        self.schemes = [SchemeFactory(municipality=self.gemeente, slug=f"s-{i}") for i in range(2)]
        for scheme in self.schemes:
            schemes.ensure_accounts(scheme=scheme)
        self.vouchers: list[Voucher] = []
        self.entries: list[JournalEntry] = []
        self.retry_keys: list[tuple[str, int, int]] = []  # (key, scheme index, amount)
        self.organisation = PayingOrganisationFactory(municipality=self.gemeente)
        self.payer = staff(self.organisation, Role.PAYER)
        self.treasurer = staff(self.organisation, Role.TREASURER)
        self.payments: list[PaymentRequest] = []
        self.batches: list[SepaBatch] = []

    def teardown(self) -> None:
        self.overhead_within_cap()
        STEPS_RUN["n"] += self.steps

    steps = 0

    def _step(self) -> None:
        self.steps += 1

    # ---- rules -------------------------------------------------------------------------------------------

    @rule(i=st.integers(0, 1), amount=cents, retry=st.booleans())
    def fund(self, i: int, amount: int, retry: bool) -> None:
        self._step()
        if retry and self.retry_keys:
            key, i, amount = self.retry_keys[-1]
        else:
            key = k()
            self.retry_keys.append((key, i, amount))
        try:
            entry = schemes.fund_scheme(
                actor=None, scheme=self.schemes[i], amount_cents=amount, idempotency_key=key
            )
        except EXPECTED:
            return
        if entry not in self.entries:
            self.entries.append(entry)

    @rule(i=st.integers(0, 1), category=st.sampled_from(schemes.OVERHEAD_CATEGORIES), amount=cents)
    def reserve_overhead(self, i: int, category: str, amount: int) -> None:
        self._step()
        try:
            entry = schemes.reserve_overhead(
                actor=None,
                scheme=self.schemes[i],
                category=category,
                amount_cents=amount,
                idempotency_key=k(),
            )
        except EXPECTED:
            return
        self.entries.append(entry)

    @rule(i=st.integers(0, 1), amount=voucher_cents, days=st.integers(-1, 30))
    def issue(self, i: int, amount: int, days: int) -> None:
        self._step()
        try:
            voucher = vouchers.issue_voucher(
                actor=None,
                scheme=self.schemes[i],
                holder=self.holder,
                amount_cents=amount,
                valid_until=timezone.localdate() + dt.timedelta(days=max(days, 0)),
                conditions="",
                idempotency_key=k(),
            )
        except EXPECTED:
            return
        if days < 0:  # make it already expired
            Voucher.objects.filter(pk=voucher.pk).update(
                valid_until=timezone.localdate() - dt.timedelta(days=1)
            )
            voucher.refresh_from_db()
        self.vouchers.append(voucher)

    @precondition(lambda self: self.vouchers)
    @rule(data=st.data())
    def expire(self, data: st.DataObject) -> None:
        self._step()
        voucher = data.draw(st.sampled_from(self.vouchers))
        try:
            vouchers.expire_voucher(voucher=voucher, actor=None)
        except EXPECTED:
            pass

    @precondition(lambda self: self.vouchers)
    @rule(data=st.data(), reason=st.sampled_from(["", "plan vervalt"]))
    def cancel(self, data: st.DataObject, reason: str) -> None:
        self._step()
        voucher = data.draw(st.sampled_from(self.vouchers))
        try:
            vouchers.cancel_voucher(voucher=voucher, actor=None, reason=reason)
        except EXPECTED:
            pass

    @precondition(lambda self: self.vouchers)
    @rule(data=st.data())
    def close(self, data: st.DataObject) -> None:
        self._step()
        voucher = data.draw(st.sampled_from(self.vouchers))
        try:
            vouchers.close_voucher(voucher=voucher, actor=None)
        except EXPECTED:
            pass

    @precondition(lambda self: self.entries)
    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        self._step()
        entry = data.draw(st.sampled_from(self.entries))
        try:
            ledger.reverse(entry=entry, actor=None, reason="vergissing", idempotency_key=k())
        except EXPECTED:
            pass

    @precondition(lambda self: self.vouchers)
    @rule(data=st.data(), amount=payment_cents, cash=st.booleans(), retry=st.booleans())
    def request(self, data: st.DataObject, amount: int, cash: bool, retry: bool) -> None:
        self._step()
        voucher = data.draw(st.sampled_from(self.vouchers))
        key = self.payments[-1].idempotency_key if retry and self.payments else k()
        try:
            if cash:
                payment = payments.withdraw_cash(
                    actor=self.holder,
                    voucher_code=voucher.code,
                    amount=euros(amount),
                    description="Boodschappen buurtfeest",
                    idempotency_key=key,
                )
            else:
                payment = payments.request_payment(
                    actor=self.holder,
                    voucher_code=voucher.code,
                    payee_name="Bakkerij Jansen",
                    payee_iban=PAYEE_IBAN,
                    amount=euros(amount),
                    description="Taart voor het buurtfeest",
                    document=io.BytesIO(PDF_BYTES),
                    idempotency_key=key,
                )
        except EXPECTED:
            return
        if payment not in self.payments:
            self.payments.append(payment)

    @precondition(lambda self: self.payments)
    @rule(data=st.data())
    def approve(self, data: st.DataObject) -> None:
        self._step()
        payment = data.draw(st.sampled_from(self.payments))
        try:
            payments.approve_payment(actor=self.payer, payment_request=payment)
        except EXPECTED:
            pass

    @precondition(lambda self: self.payments)
    @rule(data=st.data())
    def reject(self, data: st.DataObject) -> None:
        self._step()
        payment = data.draw(st.sampled_from(self.payments))
        try:
            payments.reject_payment(actor=self.payer, payment_request=payment, reason="Bon ontbreekt")
        except EXPECTED:
            pass

    @precondition(lambda self: self.payments)
    @rule(data=st.data(), spent=st.integers(0, 400_000), back=st.booleans())
    def cash(self, data: st.DataObject, spent: int, back: bool) -> None:
        """Settle a cash advance with receipts (spent may exceed it: refused), or return it whole."""
        self._step()
        payment = data.draw(st.sampled_from(self.payments))
        try:
            if back:
                payments.return_cash(actor=self.payer, payment_request=payment)
            else:
                payments.settle_cash(
                    actor=self.holder,
                    payment_request=payment,
                    spent=euros(spent) if spent else "0",
                    receipts=io.BytesIO(PDF_BYTES),
                )
        except EXPECTED:
            pass

    @precondition(lambda self: self.payments)
    @rule()
    def export(self) -> None:
        self._step()
        try:
            batch = payments.export_sepa(actor=self.treasurer, paying_organisation=self.organisation)
        except EXPECTED:
            return
        if batch is not None:
            self.batches.append(batch)

    @precondition(lambda self: self.batches)
    @rule(data=st.data(), mode=st.sampled_from(["all", "all", "drop_first", "wrong_amount", "unknown"]))
    def reconcile(self, data: st.DataObject, mode: str) -> None:
        """The bank statement for an exported batch (possibly again: the payments then mismatch)."""
        self._step()
        batch = data.draw(st.sampled_from(self.batches))
        lines = [
            camt.StatementLine(
                end_to_end_id=e2e, amount_cents=cents, currency="EUR", credit=False, booking_date=None
            )
            for e2e, cents in PaymentRequest.objects.filter(batch=batch)
            .order_by("pk")
            .values_list("end_to_end_id", "amount_cents")
        ]
        if mode == "drop_first":
            lines = lines[1:]
        elif mode == "wrong_amount" and lines:
            first = lines[0]
            lines[0] = camt.StatementLine(
                end_to_end_id=first.end_to_end_id,
                amount_cents=first.amount_cents + 1,
                currency="EUR",
                credit=False,
                booking_date=None,
            )
        elif mode == "unknown":
            lines.append(
                camt.StatementLine(
                    end_to_end_id=f"X-{k()[:8]}",
                    amount_cents=100,
                    currency="EUR",
                    credit=False,
                    booking_date=None,
                )
            )
        content = camt.write_camt053(
            account_iban=self.organisation.iban, lines=lines, message_id=f"STMT-{k()[:20]}"
        )
        try:
            payments.import_statement(
                actor=self.treasurer, paying_organisation=self.organisation, content=content
            )
        except EXPECTED:
            pass

    # ---- invariants --------------------------------------------------------------------------------------

    def money_out(self, accounts: list[LedgerAccount]) -> int:
        """Money that left the municipality's budgets (paid out); payments add their accounts here."""
        return sum(a.balance_cents for a in accounts if a.kind == AccountKind.PAID_OUT)

    @invariant()
    def ledger_is_consistent(self) -> None:
        """One invariant with three queries (speed matters: CI runs 10,000 steps):
        all postings sum to 0; every cached balance equals its postings' sum; no forbidden negative balance;
        money funded = balances + money paid out; vouchers hold 0..amount and nothing once closed."""
        accounts = list(LedgerAccount.objects.filter(municipality=self.gemeente))
        posted = dict(
            Posting.objects.filter(account__municipality=self.gemeente)
            .values("account")
            .annotate(s=Sum("amount_cents"))
            .values_list("account", "s")
        )
        assert sum(posted.values()) == 0
        for account in accounts:
            assert account.balance_cents == posted.get(account.pk, 0), account
            assert account.may_go_negative or account.balance_cents >= 0, account
        funded = -sum(a.balance_cents for a in accounts if a.kind == AccountKind.SOURCE_BUDGET)
        held = sum(
            a.balance_cents
            for a in accounts
            if a.kind not in (AccountKind.SOURCE_BUDGET, AccountKind.PAID_OUT)
        )
        assert funded == held + self.money_out(accounts)
        if self.vouchers:
            balances = {a.owner_key: a.balance_cents for a in accounts if a.kind == AccountKind.VOUCHER}
            for pk, status, amount in Voucher.objects.filter(municipality=self.gemeente).values_list(
                "pk", "status", "amount_cents"
            ):
                balance = balances[f"voucher:{pk}"]
                assert 0 <= balance <= amount
                if status == VoucherStatus.CLOSED:
                    assert balance == 0

    def overhead_within_cap(self) -> None:
        """Checked once per machine (teardown): it aggregates over all postings of the schemes."""
        funding_reversed = JournalEntry.objects.filter(
            municipality=self.gemeente, kind=schemes.FUND, reverses__isnull=False
        ).exists()
        for scheme in self.schemes:
            funded, reserved = schemes.overhead_totals(scheme=scheme)
            assert reserved >= 0
            # Reversing funding may lower the base afterwards; at reservation time the cap always held.
            if not funding_reversed:
                assert reserved * 100 <= scheme.rule("overhead_cap_percent") * funded


@pytest.mark.django_db
def test_ledger_state_machine() -> None:
    STEPS_RUN["n"] = 0
    rounds = 0
    while STEPS_RUN["n"] < TOTAL_STEPS:
        remaining = TOTAL_STEPS - STEPS_RUN["n"]
        run_state_machine_as_test(
            LedgerMachine,
            settings=settings(
                max_examples=max(1, remaining // STEP_COUNT + 1),
                stateful_step_count=STEP_COUNT,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
        rounds += 1
        assert rounds < 100, "the state machine keeps stopping early"
    print(f"ledger state machine: {STEPS_RUN['n']} steps in {rounds} round(s)")
