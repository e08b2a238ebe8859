"""Build a SEPA credit-transfer file (pain.001.001.03) with sepaxml, validated against its XSD.

Amounts are integer cents; the caller supplies its own message id and EndToEndIds.
"""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from sepaxml import SepaTransfer
from sepaxml.validation import ValidationError

SCHEMA = "pain.001.001.03"
NS = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"
_ID_PATTERN = re.compile(r"^[A-Za-z0-9/\-?:().,'+ ]{1,35}$")


class SepaError(ValueError):
    """The file could not be built; the message says why, in the active language."""


@dataclass(frozen=True)
class Debtor:
    name: str
    iban: str
    bic: str = ""


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str
    name: str
    iban: str
    amount_cents: int
    description: str
    bic: str = ""


@dataclass(frozen=True)
class SepaFile:
    message_id: str
    content: bytes
    control_sum_cents: int
    number_of_transactions: int


def build_credit_transfer(
    *,
    debtor: Debtor,
    transfers: Sequence[Transfer],
    message_id: str,
    execution_date: datetime.date,
    validate: bool = True,
) -> SepaFile:
    if not transfers:
        raise SepaError(_("No transfers to export."))
    if not _ID_PATTERN.match(message_id):
        raise SepaError(_("Invalid message id: '%(message_id)s'.") % {"message_id": message_id})
    seen: set[str] = set()
    for transfer in transfers:
        if not _ID_PATTERN.match(transfer.end_to_end_id):
            raise SepaError(
                _("Invalid EndToEndId: '%(end_to_end_id)s'.") % {"end_to_end_id": transfer.end_to_end_id}
            )
        if transfer.end_to_end_id in seen:
            raise SepaError(
                _("Duplicate EndToEndId: '%(end_to_end_id)s'.") % {"end_to_end_id": transfer.end_to_end_id}
            )
        seen.add(transfer.end_to_end_id)
        if not isinstance(transfer.amount_cents, int) or transfer.amount_cents <= 0:
            raise SepaError(_("Amount must be positive."))
    config: dict[str, object] = {
        "name": debtor.name,
        "IBAN": debtor.iban,
        "BIC": debtor.bic,
        "batch": True,
        "currency": "EUR",
    }
    sepa = SepaTransfer(config, schema=SCHEMA, clean=True)
    sepa.msg_id = message_id
    header_msg_id = sepa._xml.find("CstmrCdtTrfInitn/GrpHdr/MsgId")
    assert header_msg_id is not None
    header_msg_id.text = message_id
    for transfer in transfers:
        payment: dict[str, object] = {
            "name": transfer.name,
            "IBAN": transfer.iban,
            "amount": transfer.amount_cents,
            "execution_date": execution_date,
            "description": transfer.description or transfer.end_to_end_id,
            "endtoend_id": transfer.end_to_end_id,
        }
        if transfer.bic:
            payment["BIC"] = transfer.bic
        sepa.add_payment(payment)
    try:
        content: bytes = sepa.export(validate=validate)
    except ValidationError as error:
        # The validator's detail is technical and in English only; the sentence around it is translated.
        raise SepaError(_("The SEPA file is invalid: %(detail)s") % {"detail": error.__cause__}) from error
    return SepaFile(
        message_id=message_id,
        content=content,
        control_sum_cents=sum(t.amount_cents for t in transfers),
        number_of_transactions=len(transfers),
    )


def read_summary(content: bytes) -> tuple[str, int, list[tuple[str, int]]]:
    """(message id, control sum in cents, [(EndToEndId, cents)]) read back from a pain.001 file."""
    root = ET.fromstring(content)
    ns = {"p": NS}
    msg_id = root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", default="", namespaces=ns)
    ctrl = root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", default="0", namespaces=ns)
    lines = []
    for tx in root.iterfind(".//p:CdtTrfTxInf", ns):
        e2e = tx.findtext("p:PmtId/p:EndToEndId", default="", namespaces=ns)
        amount = tx.findtext("p:Amt/p:InstdAmt", default="0", namespaces=ns)
        lines.append((e2e, _cents(amount)))
    return msg_id, _cents(ctrl), lines


def validate_pain001(content: bytes) -> None:
    """Raise SepaError unless `content` validates against the bundled pain.001.001.03 XSD."""
    from sepaxml.validation import try_valid_xml

    try:
        try_valid_xml(content, SCHEMA)
    except ValidationError as error:
        raise SepaError(str(error.__cause__)) from error


def _cents(text: str) -> int:
    from decimal import Decimal

    value = Decimal(text.strip()) * 100
    if value != value.to_integral_value():
        raise SepaError(_("Amount with more than 2 decimals: %(amount)s") % {"amount": text})
    return int(value)
