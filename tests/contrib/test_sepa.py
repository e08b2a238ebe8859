import datetime

import pytest
from django.utils import translation

from buurtbudget.contrib.sepa import (
    Debtor,
    SepaError,
    Transfer,
    build_credit_transfer,
    read_summary,
    validate_pain001,
)

DEBTOR = Debtor(name="Gemeente Utrecht", iban="NL91ABNA0417164300", bic="ABNANL2A")


def _transfers() -> list[Transfer]:
    return [
        Transfer(
            end_to_end_id="BB-PR-1",
            name="Bakkerij Jansen",
            iban="NL02RABO0123456789",
            amount_cents=12345,
            description="Factuur 1",
        ),
        Transfer(
            end_to_end_id="BB-PR-2",
            name="Zaalhuur Één",
            iban="DE89370400440532013000",
            amount_cents=1,
            description="Huur zaal",
        ),
        Transfer(
            end_to_end_id="BB-PR-3",
            name="Drukkerij",
            iban="NL91ABNA0417164300",
            amount_cents=250000,
            description="",
        ),
    ]


def test_file_validates_against_xsd_and_carries_our_ids() -> None:
    result = build_credit_transfer(
        debtor=DEBTOR,
        transfers=_transfers(),
        message_id="BB-BATCH-7",
        execution_date=datetime.date(2026, 2, 3),
    )
    validate_pain001(result.content)
    msg_id, control_sum, lines = read_summary(result.content)
    assert msg_id == "BB-BATCH-7"
    assert control_sum == result.control_sum_cents == 12345 + 1 + 250000
    assert sorted(lines) == [("BB-PR-1", 12345), ("BB-PR-2", 1), ("BB-PR-3", 250000)]
    assert result.number_of_transactions == 3


def test_invalid_xml_is_reported() -> None:
    with pytest.raises(SepaError):
        validate_pain001(
            b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>'
        )


@pytest.mark.parametrize(
    ("transfers", "message"),
    [
        ([], "Geen betalingen om te versturen."),
        (
            [
                Transfer(
                    end_to_end_id="A", name="x", iban="NL91ABNA0417164300", amount_cents=0, description="d"
                )
            ],
            "Bedrag moet positief zijn.",
        ),
        (
            [
                Transfer(
                    end_to_end_id="bad id with é",
                    name="x",
                    iban="NL91ABNA0417164300",
                    amount_cents=5,
                    description="d",
                )
            ],
            "Ongeldige EndToEndId: 'bad id with é'.",
        ),
        (
            [
                Transfer(
                    end_to_end_id="A", name="x", iban="NL91ABNA0417164300", amount_cents=5, description="d"
                ),
                Transfer(
                    end_to_end_id="A", name="y", iban="NL91ABNA0417164300", amount_cents=6, description="d"
                ),
            ],
            "Dubbele EndToEndId: 'A'.",
        ),
    ],
)
def test_bad_input_is_refused(transfers: list[Transfer], message: str) -> None:
    with pytest.raises(SepaError) as error:
        build_credit_transfer(
            debtor=DEBTOR, transfers=transfers, message_id="M1", execution_date=datetime.date(2026, 1, 1)
        )
    assert str(error.value) == message  # one language: Dutch, the site's default


def test_a_bad_message_id_is_refused() -> None:
    with pytest.raises(SepaError) as error:
        build_credit_transfer(
            debtor=DEBTOR,
            transfers=_transfers(),
            message_id="é" * 3,
            execution_date=datetime.date(2026, 1, 1),
        )
    assert str(error.value) == "Ongeldig bericht-id: 'ééé'."


def test_a_refusal_reads_in_dutch_by_default_and_in_english_when_chosen() -> None:
    def build() -> None:
        build_credit_transfer(
            debtor=DEBTOR, transfers=[], message_id="M1", execution_date=datetime.date(2026, 1, 1)
        )

    with pytest.raises(SepaError) as dutch:
        build()
    with translation.override("en"), pytest.raises(SepaError) as english:
        build()
    assert str(dutch.value) == "Geen betalingen om te versturen."
    assert str(english.value) == "No transfers to export."
