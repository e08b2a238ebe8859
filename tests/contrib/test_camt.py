import datetime

import pytest
from django.utils import translation

from buurtbudget.contrib.camt import StatementError, StatementLine, parse_camt053, write_camt053


def test_round_trip() -> None:
    lines = [
        StatementLine(
            end_to_end_id="BB-PR-1",
            amount_cents=12345,
            currency="EUR",
            credit=False,
            booking_date=datetime.date(2026, 2, 4),
            counterparty_name="Bakkerij",
            remittance="Factuur 1",
        ),
        StatementLine(
            end_to_end_id="",
            amount_cents=999,
            currency="EUR",
            credit=True,
            booking_date=datetime.date(2026, 2, 5),
        ),
    ]
    content = write_camt053(account_iban="NL91ABNA0417164300", lines=lines, message_id="STMT-1")
    statement = parse_camt053(content)
    assert statement.message_id == "STMT-1"
    assert statement.account_iban == "NL91ABNA0417164300"
    first, second = statement.lines
    assert (first.end_to_end_id, first.amount_cents, first.currency, first.credit) == (
        "BB-PR-1",
        12345,
        "EUR",
        False,
    )
    assert first.booking_date == datetime.date(2026, 2, 4)
    assert first.counterparty_name == "Bakkerij"
    assert first.remittance == "Factuur 1"
    assert (second.end_to_end_id, second.amount_cents, second.credit) == ("", 999, True)


def test_batch_entry_with_several_transactions() -> None:
    content = b"""<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>S2</MsgId><CreDtTm>2026-01-01T00:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S2</Id><Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">30.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-01-02</Dt></BookgDt>
<NtryDtls>
<TxDtls><Refs><EndToEndId>E1</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy="EUR">10.00</Amt></TxAmt></AmtDtls></TxDtls>
<TxDtls><Refs><EndToEndId>E2</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy="EUR">20.00</Amt></TxAmt></AmtDtls></TxDtls>
</NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>"""
    statement = parse_camt053(content)
    assert [(x.end_to_end_id, x.amount_cents) for x in statement.lines] == [("E1", 1000), ("E2", 2000)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not xml at all", "Dit is geen leesbaar XML-bestand."),
        (b"%PDF-1.4", "Dit is geen leesbaar XML-bestand."),
        (
            b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">'
            b"<CstmrCdtTrfInitn/></Document>",
            "Dit is geen camt.053-afschrift.",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Document/>',
            "Het afschrift bevat niet-toegestane XML.",
        ),
        (
            b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
            b'<Stmt><Ntry><Amt Ccy="EUR">1.234</Amt><CdtDbtInd>DBIT</CdtDbtInd></Ntry></Stmt></BkToCstmrStmt>'
            b"</Document>",
            "Ongeldig bedrag in het afschrift: '1.234'.",
        ),
    ],
)
def test_unreadable_statements_are_refused(content: bytes, message: str) -> None:
    with pytest.raises(StatementError) as error:
        parse_camt053(content)
    assert str(error.value) == message  # one language: Dutch, the site's default


def test_a_refusal_reads_in_dutch_by_default_and_in_english_when_chosen() -> None:
    with pytest.raises(StatementError) as dutch:
        parse_camt053(b"not xml at all")
    with translation.override("en"), pytest.raises(StatementError) as english:
        parse_camt053(b"not xml at all")
    assert str(dutch.value) == "Dit is geen leesbaar XML-bestand."
    assert str(english.value) == "This is not a readable XML file."
