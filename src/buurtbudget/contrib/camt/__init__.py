"""Read bank statements (camt.053.001.02) into plain lines; write one for tests and demos.

Each transaction of each entry becomes a `StatementLine` with its EndToEndId, amount in cents, currency,
credit/debit and booking date. Namespaces are matched by local name, so later camt.053 versions read too.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

NS_053_001_02 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
MAX_STATEMENT_BYTES = 20 * 1024 * 1024


class StatementError(ValueError):
    """The statement cannot be read; str(error) is a message for a person, in the active language."""


@dataclass(frozen=True)
class StatementLine:
    end_to_end_id: str
    amount_cents: int
    currency: str
    credit: bool  # True: money in (CRDT); False: money out (DBIT)
    booking_date: datetime.date | None
    counterparty_name: str = ""
    remittance: str = ""
    entry_reference: str = ""


@dataclass(frozen=True)
class Statement:
    message_id: str
    account_iban: str
    lines: tuple[StatementLine, ...]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(el: ET.Element | None, *path: str) -> ET.Element | None:
    for name in path:
        if el is None:
            return None
        el = next((c for c in el if _local(c.tag) == name), None)
    return el


def _children(el: ET.Element, name: str) -> Iterator[ET.Element]:
    return (c for c in el if _local(c.tag) == name)


def _text(el: ET.Element | None, *path: str) -> str:
    found = _child(el, *path) if path else el
    return (found.text or "").strip() if found is not None else ""


def _cents(text: str) -> int:
    try:
        value = Decimal(text) * 100
    except InvalidOperation:
        raise StatementError(_("Invalid amount in the statement: '%(amount)s'.") % {"amount": text}) from None
    if value != value.to_integral_value() or value < 0:
        raise StatementError(_("Invalid amount in the statement: '%(amount)s'.") % {"amount": text})
    return int(value)


def _date(el: ET.Element | None) -> datetime.date | None:
    text = _text(el, "Dt") or _text(el, "DtTm")[:10]
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise StatementError(_("Invalid date in the statement: '%(date)s'.") % {"date": text}) from None


def parse_camt053(content: bytes) -> Statement:
    if len(content) > MAX_STATEMENT_BYTES:
        raise StatementError(_("The statement is too large."))
    if b"<!DOCTYPE" in content[:2048] or b"<!ENTITY" in content:
        raise StatementError(_("The statement contains disallowed XML."))
    try:
        root = ET.fromstring(content)
    except ET.ParseError:
        raise StatementError(_("This is not a readable XML file.")) from None
    report = _child(root, "BkToCstmrStmt")
    if _local(root.tag) != "Document" or report is None or "camt.053" not in root.tag:
        raise StatementError(_("This is not a camt.053 statement."))
    message_id = _text(report, "GrpHdr", "MsgId")
    iban = ""
    lines: list[StatementLine] = []
    for stmt in _children(report, "Stmt"):
        iban = iban or _text(stmt, "Acct", "Id", "IBAN")
        for entry in _children(stmt, "Ntry"):
            lines.extend(_entry_lines(entry))
    return Statement(message_id=message_id, account_iban=iban, lines=tuple(lines))


def _entry_lines(entry: ET.Element) -> list[StatementLine]:
    amount_el = _child(entry, "Amt")
    entry_cents = _cents(_text(amount_el))
    currency = amount_el.get("Ccy", "") if amount_el is not None else ""
    credit = _text(entry, "CdtDbtInd") == "CRDT"
    booking_date = _date(_child(entry, "BookgDt"))
    reference = _text(entry, "NtryRef") or _text(entry, "AcctSvcrRef")
    details = [tx for dtls in _children(entry, "NtryDtls") for tx in _children(dtls, "TxDtls")]
    if not details:
        return [
            StatementLine(
                end_to_end_id="",
                amount_cents=entry_cents,
                currency=currency,
                credit=credit,
                booking_date=booking_date,
                entry_reference=reference,
            )
        ]
    lines = []
    for tx in details:
        tx_amount = _child(tx, "AmtDtls", "TxAmt", "Amt")
        if tx_amount is None:
            tx_amount = _child(tx, "Amt")
        cents = _cents(_text(tx_amount)) if tx_amount is not None else entry_cents
        party = _child(tx, "RltdPties", "Cdtr" if not credit else "Dbtr")
        lines.append(
            StatementLine(
                end_to_end_id=_text(tx, "Refs", "EndToEndId"),
                amount_cents=cents,
                currency=tx_amount.get("Ccy", currency) if tx_amount is not None else currency,
                credit=credit,
                booking_date=booking_date,
                counterparty_name=_text(party, "Nm"),
                remittance=_text(tx, "RmtInf", "Ustrd"),
                entry_reference=reference,
            )
        )
    return lines


def write_camt053(
    *,
    account_iban: str,
    lines: Sequence[StatementLine],
    message_id: str = "STMT-TEST-1",
    created: datetime.datetime | None = None,
) -> bytes:
    """A minimal but schema-shaped camt.053.001.02 with one entry per line (for tests and demos)."""
    created = created or datetime.datetime(2026, 1, 1, 12, 0, 0)
    ET.register_namespace("", NS_053_001_02)

    def sub(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{NS_053_001_02}}}{name}", attrs)
        if text is not None:
            el.text = text
        return el

    doc = ET.Element(f"{{{NS_053_001_02}}}Document")
    report = sub(doc, "BkToCstmrStmt")
    header = sub(report, "GrpHdr")
    sub(header, "MsgId", message_id)
    sub(header, "CreDtTm", created.strftime("%Y-%m-%dT%H:%M:%S"))
    stmt = sub(report, "Stmt")
    sub(stmt, "Id", message_id)
    sub(stmt, "CreDtTm", created.strftime("%Y-%m-%dT%H:%M:%S"))
    sub(sub(sub(stmt, "Acct"), "Id"), "IBAN", account_iban)
    for number, line in enumerate(lines, start=1):
        amount = f"{Decimal(line.amount_cents) / 100:.2f}"
        entry = sub(stmt, "Ntry")
        sub(entry, "NtryRef", line.entry_reference or str(number))
        sub(entry, "Amt", amount, Ccy=line.currency or "EUR")
        sub(entry, "CdtDbtInd", "CRDT" if line.credit else "DBIT")
        sub(entry, "Sts", "BOOK")
        day = (line.booking_date or created.date()).isoformat()
        sub(sub(entry, "BookgDt"), "Dt", day)
        sub(sub(entry, "ValDt"), "Dt", day)
        sub(sub(sub(entry, "BkTxCd"), "Prtry"), "Cd", "NTRF")
        tx = sub(sub(entry, "NtryDtls"), "TxDtls")
        refs = sub(tx, "Refs")
        if line.end_to_end_id:
            sub(refs, "EndToEndId", line.end_to_end_id)
        sub(sub(sub(tx, "AmtDtls"), "TxAmt"), "Amt", amount, Ccy=line.currency or "EUR")
        if line.counterparty_name:
            sub(sub(sub(tx, "RltdPties"), "Dbtr" if line.credit else "Cdtr"), "Nm", line.counterparty_name)
        if line.remittance:
            sub(sub(tx, "RmtInf"), "Ustrd", line.remittance)
    body: bytes = ET.tostring(doc, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>' + body
