"""The holder's payment page shows two forms with the same field names; their element ids stay unique."""

import io
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from buurtbudget.payments.models import PaymentKind, PaymentRequest
from tests.factories.payments import PDF_BYTES, PayingOrganisationFactory, funded_voucher

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_2fa(settings):
    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = False


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.label_targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids[values["id"]] += 1
        if tag == "label" and values.get("for"):
            self.label_targets.append(values["for"])


def _ids_of(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


def assert_unique_ids(html: str) -> None:
    """No id twice on the page, and every label points at an element that exists."""
    parsed = _ids_of(html)
    duplicates = sorted(i for i, n in parsed.ids.items() if n > 1)
    assert duplicates == []
    assert [t for t in parsed.label_targets if t not in parsed.ids] == []


def test_the_payment_page_has_no_duplicate_ids_and_both_forms_still_submit(client):
    voucher = funded_voucher(amount_cents=50_000)
    PayingOrganisationFactory(municipality=voucher.municipality)
    client.force_login(voucher.holder)
    url = reverse("accounts:payment_request", kwargs={"code": voucher.code})

    html = client.get(url).content.decode()
    assert_unique_ids(html)
    assert 'id="id_payment_amount"' in html and 'id="id_cash_amount"' in html

    document = io.BytesIO(PDF_BYTES)
    document.name = "factuur.pdf"
    invoice = {
        "payee_name": "Bakkerij Jansen",
        "payee_iban": "NL20INGB0001234567",
        "amount": "12,50",
        "description": "Taart",
        "idempotency_key": "inv-1",
        "document": document,
    }
    assert client.post(url, invoice).status_code == 302
    cash_url = reverse("accounts:cash_withdrawal", kwargs={"code": voucher.code})
    cash = {"amount": "50", "description": "Kas", "idempotency_key": "cash-1"}
    assert client.post(cash_url, cash).status_code == 302
    kinds = sorted(PaymentRequest.objects.values_list("kind", "amount_cents"))
    assert kinds == sorted([(PaymentKind.INVOICE, 1250), (PaymentKind.CASH, 5000)])

    # Pages shown again with errors keep the ids unique too.
    refused = client.post(url, {**invoice, "amount": "-1", "idempotency_key": "inv-2", "document": ""})
    assert refused.status_code == 400
    assert_unique_ids(refused.content.decode())
    refused = client.post(cash_url, {**cash, "amount": "-1", "idempotency_key": "cash-2"})
    assert refused.status_code == 400
    assert_unique_ids(refused.content.decode())
