"""Writing payments. Every function runs in one durable transaction with its audit event; money moves only
through `ledger.services.book`. Bad input raises `PaymentError` (a message for people) and changes nothing.

Ledger flows (from → to):
- approve invoice:   voucher → payable (of the paying organisation)
- approve cash:      voucher → cash advance (of the holder, per voucher)
- settle cash:       cash advance → paid out (spent) and cash advance → voucher (the rest)
- return cash:       cash advance → voucher
- export SEPA batch: payable → bank in transit (one entry per batch, equal to the file's control sum)
- statement line:    bank in transit → paid out (per matched line)
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from decimal import Decimal
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from buurtbudget.audit import services as audit
from buurtbudget.contrib import camt, sepa
from buurtbudget.contrib.uploads import UploadRejected, check_document
from buurtbudget.ledger import services as ledger
from buurtbudget.ledger.models import AccountKind, LedgerAccount
from buurtbudget.statemachine.services import TransitionNotAllowed, apply_transition
from buurtbudget.tenancy.models import Municipality
from buurtbudget.vouchers import selectors as voucher_selectors
from buurtbudget.vouchers import services as voucher_services
from buurtbudget.vouchers.codes import InvalidVoucherCode, normalise_code
from buurtbudget.vouchers.models import Voucher, VoucherStatus

from . import selectors
from .amounts import AmountError, format_euros, parse_euros
from .machine import PAYMENT_MACHINE
from .models import (
    LineReason,
    MatchStatus,
    PayingOrganisation,
    PaymentKind,
    PaymentRequest,
    PaymentStatus,
    SepaBatch,
    StatementImport,
    StatementLine,
    VoucherPayer,
)

USABLE_VOUCHER_STATES = frozenset({VoucherStatus.ISSUED, VoucherStatus.PARTLY_REDEEMED})


class PaymentError(Exception):
    """Refused; str(error) is a message for people (in the active language). Nothing was changed."""


# ---------------------------------------------------------------------------------------------- validation


def validate_iban(value: str) -> str:
    """The compact IBAN, checked with schwifty including the national (BBAN) checks."""
    text = "".join((value or "").split()).upper()
    if not text:
        raise PaymentError(_("Enter an IBAN."))
    try:
        return str(IBAN(text, validate_bban=True).compact)
    except SchwiftyException:
        raise PaymentError(_("This IBAN is not valid; please check the number.")) from None


def validate_amount(value: str | Decimal | int) -> int:
    try:
        return parse_euros(value)
    except AmountError as error:
        raise PaymentError(str(error)) from None


# Per text field: (message when empty, message when too long); translated when raised.
_TEXT_MESSAGES = {
    "name": (
        gettext_noop("Enter a name."),
        gettext_noop("The name is too long (at most %(max)d characters)."),
    ),
    "payee_name": (
        gettext_noop("Enter the payee's name."),
        gettext_noop("The payee's name is too long (at most %(max)d characters)."),
    ),
    "description": (
        gettext_noop("Enter a description."),
        gettext_noop("The description is too long (at most %(max)d characters)."),
    ),
}


def _required_text(value: str, *, max_length: int, field: str) -> str:
    empty, too_long = _TEXT_MESSAGES[field]
    text = " ".join((value or "").split())
    if not text:
        raise PaymentError(_(empty))
    if len(text) > max_length:
        raise PaymentError(_(too_long) % {"max": max_length})
    return text


def _checked_document(document: Any) -> tuple[ContentFile[bytes], str]:
    if document is None:
        raise PaymentError(_("Attach the invoice or receipt."))
    stream: IO[bytes] = document
    try:
        checked = check_document(stream, size=getattr(document, "size", None))
    except UploadRejected as error:
        raise PaymentError(str(error)) from None
    content = stream.read()
    stream.seek(0)
    return ContentFile(content, name=f"document.{checked.extension}"), checked.content_type


def _voucher_for_holder(*, actor: Any, voucher_code: str) -> Voucher:
    unknown = PaymentError(_("We do not know this voucher code."))
    try:
        code = normalise_code(voucher_code)
    except InvalidVoucherCode:
        raise unknown from None
    voucher = Voucher.objects.select_related("scheme", "municipality").filter(code=code).first()
    # Someone else's voucher looks exactly like an unknown one.
    if voucher is None or actor is None or voucher.holder_id != actor.pk:
        raise unknown
    _check_usable(voucher)
    return voucher


def _check_usable(voucher: Voucher) -> None:
    if voucher.status == VoucherStatus.EXPIRED or voucher.valid_until < timezone.localdate():
        raise PaymentError(
            _("This voucher expired on %(date)s.") % {"date": voucher.valid_until.strftime("%d-%m-%Y")}
        )
    if voucher.status not in USABLE_VOUCHER_STATES:
        raise PaymentError(
            _("This voucher can no longer be used for payments (status: %(status)s).")
            % {"status": voucher.get_status_display()}
        )


def _check_balance(voucher: Voucher, amount_cents: int) -> None:
    balance = selectors.voucher_balance_cents(voucher)
    if amount_cents > balance:
        raise _more_than_balance(amount_cents, balance)


def _more_than_balance(amount_cents: int, balance_cents: int) -> PaymentError:
    return PaymentError(
        _("The amount (%(amount)s) is more than the voucher's balance (%(balance)s).")
        % {"amount": format_euros(amount_cents), "balance": format_euros(balance_cents)}
    )


def _payer_of(voucher: Voucher) -> PayingOrganisation:
    organisation = selectors.voucher_payer(voucher)
    if organisation is None:
        raise PaymentError(
            _("No paying organisation has been set for this voucher yet; please contact the municipality.")
        )
    return organisation


def _existing_request(*, idempotency_key: str, actor: Any) -> PaymentRequest | None:
    existing = PaymentRequest.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None and existing.requested_by_id != getattr(actor, "pk", None):
        raise PaymentError(_("This request was already used."))
    return existing


def _key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not key or len(key) > 200:
        raise PaymentError(_("The form expired; please try again."))
    return key


# ----------------------------------------------------------------------------------------- ledger accounts


def _voucher_account(voucher: Voucher) -> LedgerAccount:
    return voucher_selectors.voucher_account(voucher)


def _org_account(organisation: PayingOrganisation, kind: str, label: str) -> LedgerAccount:
    return ledger.account_for(
        municipality=organisation.municipality,
        kind=kind,
        owner_key=organisation.owner_key,
        name=f"{label} {organisation.name}",
    )


def _cash_advance_account(voucher: Voucher) -> LedgerAccount:
    return ledger.account_for(
        municipality=voucher.municipality,
        kind=AccountKind.CASH_ADVANCE,
        owner_key=voucher_selectors.cash_advance_owner_key(voucher),
        name=f"Kasvoorschot voucher {voucher.display_code}",
        scheme=voucher.scheme,
    )


def _book(**kwargs: Any) -> None:
    try:
        ledger.book(**kwargs)
    except ledger.LedgerError as error:
        raise PaymentError(str(error)) from error


# ------------------------------------------------------------------------------------ paying organisations


ORGANISATION_NAME_MAX_LENGTH: int = PayingOrganisation._meta.get_field("name").max_length  # type: ignore[assignment]
ORGANISATION_FIELDS = ["name", "iban", "bic", "is_default"]


def _checked_organisation(*, name: str, iban: str, bic: str) -> tuple[str, str, str]:
    name = _required_text(name, max_length=ORGANISATION_NAME_MAX_LENGTH, field="name")
    compact = validate_iban(iban)
    bic = "".join((bic or "").split()).upper()
    if bic and len(bic) not in (8, 11):
        raise PaymentError(_("A BIC has 8 or 11 characters."))
    return name, compact, bic


def _organisation_conflict(
    *, municipality: Municipality, name: str, is_default: bool, exclude_pk: int | None
) -> PaymentError | None:
    """Why (municipality, name, is_default) clashes with another paying organisation, or None."""
    others = PayingOrganisation.objects.filter(municipality=municipality)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if is_default and others.filter(is_default=True).exists():
        return PaymentError(_("There already is a default paying organisation."))
    if others.filter(name=name).exists():
        return PaymentError(_("A paying organisation with this name already exists."))
    return None


def _save_organisation(organisation: PayingOrganisation, *, exclude_pk: int | None) -> None:
    """Save under a savepoint: a simultaneous add or edit that passed the same checks hits the database's
    unique rules; that becomes the same refusal instead of a server error."""
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        conflict = _organisation_conflict(
            municipality=organisation.municipality,
            name=organisation.name,
            is_default=organisation.is_default,
            exclude_pk=exclude_pk,
        )
        if conflict is None:
            raise
        raise conflict from None


def create_paying_organisation(
    *, actor: Any, municipality: Municipality, name: str, iban: str, bic: str = "", is_default: bool = False
) -> PayingOrganisation:
    name, compact, bic = _checked_organisation(name=name, iban=iban, bic=bic)
    with transaction.atomic(durable=True):
        conflict = _organisation_conflict(
            municipality=municipality, name=name, is_default=is_default, exclude_pk=None
        )
        if conflict is not None:
            raise conflict
        organisation = PayingOrganisation(
            municipality=municipality, name=name, iban=compact, bic=bic, is_default=is_default
        )
        _save_organisation(organisation, exclude_pk=None)
        audit.record(
            actor=actor,
            action="payments.organisation.create",
            municipality=municipality,
            obj=organisation,
            after=audit.snapshot(organisation, ORGANISATION_FIELDS),
        )
        return organisation


def update_paying_organisation(
    *,
    actor: Any,
    organisation: PayingOrganisation,
    name: str,
    iban: str,
    bic: str = "",
    is_default: bool = False,
) -> PayingOrganisation:
    """Change the name, IBAN, BIC or default flag (at most one default per municipality, as on create).
    The audit event holds the values before and after."""
    name, compact, bic = _checked_organisation(name=name, iban=iban, bic=bic)
    with transaction.atomic(durable=True):
        locked = (
            PayingOrganisation.objects.select_for_update()
            .select_related("municipality")
            .get(pk=organisation.pk)
        )
        conflict = _organisation_conflict(
            municipality=locked.municipality, name=name, is_default=is_default, exclude_pk=locked.pk
        )
        if conflict is not None:
            raise conflict
        before = audit.snapshot(locked, ORGANISATION_FIELDS)
        locked.name, locked.iban, locked.bic, locked.is_default = name, compact, bic, is_default
        after = audit.snapshot(locked, ORGANISATION_FIELDS)
        if after == before:
            return locked
        _save_organisation(locked, exclude_pk=locked.pk)
        audit.record(
            actor=actor,
            action="payments.organisation.update",
            municipality=locked.municipality,
            obj=locked,
            before=before,
            after=after,
        )
        return locked


def assign_voucher_payer(
    *, actor: Any, voucher: Voucher, paying_organisation: PayingOrganisation
) -> VoucherPayer:
    if paying_organisation.municipality_id != voucher.municipality_id:
        raise PaymentError(_("The paying organisation belongs to another municipality."))
    with transaction.atomic(durable=True):
        link, _created = VoucherPayer.objects.update_or_create(
            voucher=voucher, defaults={"paying_organisation": paying_organisation}
        )
        audit.record(
            actor=actor,
            action="payments.voucher_payer.assign",
            municipality=voucher.municipality,
            obj=link,
            after={"voucher": voucher.pk, "paying_organisation": paying_organisation.pk},
        )
        return link


# ------------------------------------------------------------------------------------------------ requests


def request_payment(
    *,
    actor: Any,
    voucher_code: str,
    payee_name: str,
    payee_iban: str,
    amount: str | Decimal | int,
    description: str,
    document: Any,
    idempotency_key: str,
) -> PaymentRequest:
    """The holder asks to pay an invoice or receipt from the voucher. Books nothing: approval books."""
    key = _key(idempotency_key)
    existing = _existing_request(idempotency_key=key, actor=actor)
    if existing is not None:
        return existing
    voucher = _voucher_for_holder(actor=actor, voucher_code=voucher_code)
    name = _required_text(payee_name, max_length=70, field="payee_name")
    iban = validate_iban(payee_iban)
    amount_cents = validate_amount(amount)
    text = _required_text(description, max_length=140, field="description")
    content, content_type = _checked_document(document)
    _check_balance(voucher, amount_cents)
    organisation = _payer_of(voucher)
    return _create_request(
        actor=actor,
        voucher=voucher,
        organisation=organisation,
        key=key,
        kind=PaymentKind.INVOICE,
        payee_name=name,
        payee_iban=iban,
        amount_cents=amount_cents,
        description=text,
        document=content,
        document_type=content_type,
    )


def withdraw_cash(
    *, actor: Any, voucher_code: str, amount: str | Decimal | int, description: str, idempotency_key: str
) -> PaymentRequest:
    """The holder asks for cash, at most the scheme's cap per withdrawal; approval pays it out as an advance."""
    key = _key(idempotency_key)
    existing = _existing_request(idempotency_key=key, actor=actor)
    if existing is not None:
        return existing
    voucher = _voucher_for_holder(actor=actor, voucher_code=voucher_code)
    amount_cents = validate_amount(amount)
    cap = int(voucher.scheme.rule("cash_withdrawal_cap_cents") or 0)
    if amount_cents > cap:
        raise PaymentError(
            _("You can withdraw at most %(cap)s in cash at a time.") % {"cap": format_euros(cap)}
        )
    text = _required_text(description, max_length=140, field="description")
    _check_balance(voucher, amount_cents)
    organisation = _payer_of(voucher)
    holder = voucher.holder
    return _create_request(
        actor=actor,
        voucher=voucher,
        organisation=organisation,
        key=key,
        kind=PaymentKind.CASH,
        payee_name=(holder.get_full_name() or "Houder")[:70],
        payee_iban="",
        amount_cents=amount_cents,
        description=text,
        document=None,
        document_type="",
    )


def _create_request(
    *,
    actor: Any,
    voucher: Voucher,
    organisation: PayingOrganisation,
    key: str,
    kind: str,
    payee_name: str,
    payee_iban: str,
    amount_cents: int,
    description: str,
    document: ContentFile[bytes] | None,
    document_type: str,
) -> PaymentRequest:
    try:
        with transaction.atomic(durable=True):
            payment = PaymentRequest(
                municipality=voucher.municipality,
                voucher=voucher,
                paying_organisation=organisation,
                requested_by=actor,
                kind=kind,
                payee_name=payee_name,
                payee_iban=payee_iban,
                amount_cents=amount_cents,
                description=description,
                document_type=document_type,
                idempotency_key=key,
            )
            if document is not None:
                payment.document.save(document.name or "document", document, save=False)
            payment.save()
            audit.record(
                actor=actor,
                action=f"payments.request.{'withdraw_cash' if kind == PaymentKind.CASH else 'submit'}",
                municipality=voucher.municipality,
                obj=payment,
                after=audit.snapshot(
                    payment, ["voucher", "kind", "payee_name", "payee_iban", "amount_cents", "description"]
                ),
            )
            return payment
    except IntegrityError:
        # A retry with the same key raced us and won: that one is the request.
        existing = _existing_request(idempotency_key=key, actor=actor)
        if existing is None:
            raise
        return existing


def _transition(payment: PaymentRequest, name: str, actor: Any, reason: str = "") -> PaymentRequest:
    try:
        return apply_transition(
            machine=PAYMENT_MACHINE, instance=payment, name=name, actor=actor, reason=reason
        )
    except TransitionNotAllowed as error:
        raise PaymentError(str(error)) from None


def approve_payment(*, actor: Any, payment_request: PaymentRequest) -> PaymentRequest:
    """The paying organisation approves: books voucher → payable (invoice) or → cash advance (cash).

    The voucher's balance is checked again by the ledger, under its lock: above the balance, nothing changes.
    """
    with transaction.atomic(durable=True):
        payment = _transition(payment_request, "approve", actor)
        # Lock the voucher row (after the request's, before the ledger accounts: one order for everyone) so
        # that its status, set by record_redemption, is read fresh under concurrent approvals.
        voucher = (
            Voucher.objects.select_for_update(of=("self",))
            .select_related("municipality", "scheme")
            .get(pk=payment.voucher_id)
        )
        if voucher.status not in USABLE_VOUCHER_STATES:
            raise PaymentError(_("This voucher can no longer be used for payments."))
        if payment.kind == PaymentKind.CASH:
            target = _cash_advance_account(voucher)
        else:
            target = _org_account(payment.paying_organisation, AccountKind.PAYABLE, "Te betalen")
        try:
            ledger.book(
                municipality=voucher.municipality,
                kind="payment.approve",
                description=f"{payment}: {payment.payee_name} – {payment.description}",
                idempotency_key=f"payment-approve-{payment.pk}",
                postings=[(_voucher_account(voucher), -payment.amount_cents), (target, payment.amount_cents)],
                actor=actor,
            )
        except ledger.InsufficientFunds:
            raise _more_than_balance(payment.amount_cents, selectors.voucher_balance_cents(voucher)) from None
        except ledger.LedgerError as error:
            raise PaymentError(str(error)) from error
        voucher_services.record_redemption(voucher=voucher, actor=actor)
        payment.decided_by = actor
        payment.decided_at = timezone.now()
        payment.save(update_fields=["decided_by", "decided_at"])
        payment_request.status = payment.status
        return payment


def reject_payment(*, actor: Any, payment_request: PaymentRequest, reason: str) -> PaymentRequest:
    reason = " ".join((reason or "").split())
    if not reason:
        raise PaymentError(_("A reason is required."))
    with transaction.atomic(durable=True):
        payment = _transition(payment_request, "reject", actor, reason=reason)
        payment.rejection_reason = reason[:1000]
        payment.decided_by = actor
        payment.decided_at = timezone.now()
        payment.save(update_fields=["rejection_reason", "decided_by", "decided_at"])
        return payment


def _may_handle_cash(actor: Any, payment: PaymentRequest) -> bool:
    return bool(
        actor is not None
        and (payment.requested_by_id == actor.pk or actor.has_perm("payments.approve", payment))
    )


def settle_cash(
    *, actor: Any, payment_request: PaymentRequest, spent: str | Decimal | int, receipts: Any
) -> PaymentRequest:
    """Account for a cash advance with receipts: spent → paid out, the rest back to the voucher."""
    if not _may_handle_cash(actor, payment_request):
        raise PaymentError(_("You are not allowed to do this."))
    spent_cents = 0 if str(spent).strip() in {"0", "0,00", "0.00"} else validate_amount(spent)
    if spent_cents > payment_request.amount_cents:
        raise PaymentError(
            _("You cannot account for more than you withdrew (%(amount)s).")
            % {"amount": format_euros(payment_request.amount_cents)}
        )
    content, content_type = _checked_document(receipts) if spent_cents else (None, "")
    with transaction.atomic(durable=True):
        payment = _transition(payment_request, "settle", actor)
        voucher = Voucher.objects.select_related("municipality", "scheme").get(pk=payment.voucher_id)
        advance = _cash_advance_account(voucher)
        postings = [(advance, -payment.amount_cents)]
        if spent_cents:
            paid_out = _org_account(payment.paying_organisation, AccountKind.PAID_OUT, "Uitbetaald")
            postings.append((paid_out, spent_cents))
        rest = payment.amount_cents - spent_cents
        if rest:
            postings.append((_voucher_account(voucher), rest))
        _book(
            municipality=voucher.municipality,
            kind="payment.cash_settle",
            description=f"{payment}: verantwoord {format_euros(spent_cents)}",
            idempotency_key=f"payment-settle-{payment.pk}",
            postings=postings,
            actor=actor,
        )
        payment.spent_cents = spent_cents
        fields = ["spent_cents"]
        if content is not None:
            payment.settlement_document.save(content.name or "bon", content, save=False)
            fields.append("settlement_document")
        payment.save(update_fields=fields)
        audit.record(
            actor=actor,
            action="payments.request.cash_settled",
            municipality=voucher.municipality,
            obj=payment,
            details={"spent_cents": spent_cents, "returned_cents": rest, "receipts_type": content_type},
        )
        return payment


def return_cash(*, actor: Any, payment_request: PaymentRequest) -> PaymentRequest:
    """The whole advance came back: cash advance → voucher."""
    if actor is None or not actor.has_perm("payments.approve", payment_request):
        raise PaymentError(_("You are not allowed to do this."))
    with transaction.atomic(durable=True):
        payment = _transition(payment_request, "return_cash", actor)
        voucher = Voucher.objects.select_related("municipality", "scheme").get(pk=payment.voucher_id)
        _book(
            municipality=voucher.municipality,
            kind="payment.cash_return",
            description=f"{payment}: contant teruggestort",
            idempotency_key=f"payment-return-{payment.pk}",
            postings=[
                (_cash_advance_account(voucher), -payment.amount_cents),
                (_voucher_account(voucher), payment.amount_cents),
            ],
            actor=actor,
        )
        return payment


# ---------------------------------------------------------------------------------------- SEPA and bank


def end_to_end_id(payment: PaymentRequest) -> str:
    return f"BB-{payment.municipality_id}-PR-{payment.pk}"


def export_sepa(
    *, actor: Any, paying_organisation: PayingOrganisation, execution_date: datetime.date | None = None
) -> SepaBatch | None:
    """All approved, not yet exported invoices of the organisation → one pain.001 batch; books payable →
    bank in transit. With nothing new to export it creates nothing and returns None."""
    if actor is None or not actor.has_perm("payments.export", paying_organisation):
        raise PaymentError(_("You are not allowed to do this."))
    with transaction.atomic(durable=True):
        # One export per organisation at a time; a second one waits and then finds nothing left.
        organisation = PayingOrganisation.objects.select_for_update().get(pk=paying_organisation.pk)
        payments = list(
            PaymentRequest.objects.select_for_update()
            .filter(paying_organisation=organisation, status=PaymentStatus.APPROVED, kind=PaymentKind.INVOICE)
            .order_by("pk")
        )
        if not payments:
            return None
        message_id = f"BB-{organisation.pk}-{uuid.uuid4().hex[:20]}"
        transfers = [
            sepa.Transfer(
                end_to_end_id=end_to_end_id(p),
                name=p.payee_name,
                iban=p.payee_iban,
                amount_cents=p.amount_cents,
                description=p.description,
            )
            for p in payments
        ]
        try:
            built = sepa.build_credit_transfer(
                debtor=sepa.Debtor(name=organisation.name, iban=organisation.iban, bic=organisation.bic),
                transfers=transfers,
                message_id=message_id,
                execution_date=execution_date or timezone.localdate(),
            )
        except sepa.SepaError as error:
            raise PaymentError(str(error)) from error
        entry = ledger.book(
            municipality=organisation.municipality,
            kind="payment.export",
            description=f"SEPA-batch {message_id}",
            idempotency_key=f"payment-export-{message_id}",
            postings=[
                (_org_account(organisation, AccountKind.PAYABLE, "Te betalen"), -built.control_sum_cents),
                (
                    _org_account(organisation, AccountKind.BANK_IN_TRANSIT, "Onderweg naar bank"),
                    built.control_sum_cents,
                ),
            ],
            actor=actor,
        )
        batch = SepaBatch.objects.create(
            municipality=organisation.municipality,
            paying_organisation=organisation,
            message_id=message_id,
            created_by=actor,
            execution_date=execution_date or timezone.localdate(),
            content=built.content.decode("utf-8"),
            control_sum_cents=built.control_sum_cents,
            number_of_transactions=built.number_of_transactions,
            journal_entry=entry,
        )
        for payment, transfer in zip(payments, transfers, strict=True):
            locked = _transition(payment, "export", actor)
            locked.batch = batch
            locked.end_to_end_id = transfer.end_to_end_id
            locked.save(update_fields=["batch", "end_to_end_id"])
        audit.record(
            actor=actor,
            action="payments.batch.create",
            municipality=organisation.municipality,
            obj=batch,
            details={
                "message_id": message_id,
                "control_sum_cents": built.control_sum_cents,
                "requests": [p.pk for p in payments],
            },
        )
        return batch


def import_statement(
    *, actor: Any, paying_organisation: PayingOrganisation, content: bytes, file_name: str = ""
) -> tuple[StatementImport, bool]:
    """Read a camt.053 statement of the organisation's account. Each line whose EndToEndId, amount and
    currency match an exported request books bank in transit → paid out and marks it paid; the other lines
    are kept as unknown or mismatch for a person. The same file imports once: (import, created)."""
    if actor is None or not actor.has_perm("payments.export", paying_organisation):
        raise PaymentError(_("You are not allowed to do this."))
    digest = hashlib.sha256(content).hexdigest()
    existing = StatementImport.objects.filter(content_hash=digest).first()
    if existing is not None:
        return existing, False
    try:
        statement = camt.parse_camt053(content)
    except camt.StatementError as error:
        raise PaymentError(str(error)) from None
    if statement.account_iban and statement.account_iban.replace(" ", "").upper() != paying_organisation.iban:
        raise PaymentError(
            _("This statement is of another account (%(iban)s).") % {"iban": statement.account_iban}
        )
    try:
        with transaction.atomic(durable=True):
            organisation = PayingOrganisation.objects.select_for_update().get(pk=paying_organisation.pk)
            record = StatementImport.objects.create(
                municipality=organisation.municipality,
                paying_organisation=organisation,
                content_hash=digest,
                message_id=statement.message_id[:200],
                file_name=(file_name or "")[:200],
                imported_by=actor,
            )
            counts = {status: 0 for status in MatchStatus.values}
            for position, line in enumerate(statement.lines, start=1):
                status, reason, details, payment = _match_line(
                    actor=actor, organisation=organisation, line=line
                )
                counts[status] += 1
                StatementLine.objects.create(
                    statement=record,
                    position=position,
                    end_to_end_id=line.end_to_end_id[:35],
                    amount_cents=line.amount_cents,
                    currency=line.currency[:3],
                    credit=line.credit,
                    booking_date=line.booking_date,
                    counterparty_name=line.counterparty_name[:140],
                    remittance=line.remittance[:140],
                    match_status=status,
                    reason=reason,
                    reason_details=details,
                    payment_request=payment,
                )
            audit.record(
                actor=actor,
                action="payments.statement.import",
                municipality=organisation.municipality,
                obj=record,
                details={"hash": digest, "lines": len(statement.lines), **counts},
            )
            return record, True
    except IntegrityError:
        existing = StatementImport.objects.filter(content_hash=digest).first()
        if existing is None:
            raise
        return existing, False


def _match_line(
    *, actor: Any, organisation: PayingOrganisation, line: camt.StatementLine
) -> tuple[str, str, dict[str, Any], PaymentRequest | None]:
    """(match status, reason, what the reason's text needs, request); a matched line books it paid."""
    if line.credit or not line.end_to_end_id or line.end_to_end_id == "NOTPROVIDED":
        return MatchStatus.UNKNOWN, LineReason.NOT_FROM_A_BATCH, {}, None
    payment = (
        PaymentRequest.objects.select_for_update()
        .filter(paying_organisation=organisation, end_to_end_id=line.end_to_end_id)
        .first()
    )
    if payment is None:
        return MatchStatus.UNKNOWN, LineReason.UNKNOWN_END_TO_END_ID, {}, None
    if payment.status != PaymentStatus.EXPORTED:
        return MatchStatus.MISMATCH, LineReason.WRONG_STATUS, {"status": payment.status}, payment
    if line.currency != "EUR" or line.amount_cents != payment.amount_cents:
        amounts = {
            "line_cents": line.amount_cents,
            "currency": line.currency[:3],
            "request_cents": payment.amount_cents,
        }
        return MatchStatus.MISMATCH, LineReason.AMOUNT_DIFFERS, amounts, payment
    ledger.book(
        municipality=organisation.municipality,
        kind="payment.paid",
        description=f"{payment} betaald ({line.end_to_end_id})",
        idempotency_key=f"payment-paid-{payment.pk}",
        postings=[
            (
                _org_account(organisation, AccountKind.BANK_IN_TRANSIT, "Onderweg naar bank"),
                -payment.amount_cents,
            ),
            (_org_account(organisation, AccountKind.PAID_OUT, "Uitbetaald"), payment.amount_cents),
        ],
        actor=actor,
    )
    locked = _transition(payment, "mark_paid", actor)
    locked.paid_at = timezone.now()
    locked.save(update_fields=["paid_at"])
    return MatchStatus.MATCHED, "", {}, locked


def handle_statement_line(*, actor: Any, line: StatementLine, note: str) -> StatementLine:
    """A person looked into an unknown or mismatching line and records what they found or did."""
    note = " ".join((note or "").split())
    if not note:
        raise PaymentError(_("Describe what you did."))
    organisation = line.statement.paying_organisation
    if actor is None or not actor.has_perm("payments.export", organisation):
        raise PaymentError(_("You are not allowed to do this."))
    with transaction.atomic(durable=True):
        locked = StatementLine.objects.select_for_update().get(pk=line.pk)
        if locked.match_status == MatchStatus.MATCHED or locked.handled_at is not None:
            raise PaymentError(_("This line has already been handled."))
        locked.handled_by = actor
        locked.handled_at = timezone.now()
        locked.handling_note = note[:300]
        locked.save(update_fields=["handled_by", "handled_at", "handling_note"])
        audit.record(
            actor=actor,
            action="payments.statement_line.handle",
            municipality=organisation.municipality,
            obj=locked,
            after={"note": locked.handling_note},
            details={"end_to_end_id": locked.end_to_end_id, "amount_cents": locked.amount_cents},
        )
        return locked
