import io

import pytest
from django.urls import reverse

from buurtbudget.accounts.models import Role
from buurtbudget.contrib import camt, sepa
from buurtbudget.payments import services as payments
from buurtbudget.payments.models import MatchStatus, PaymentRequest, PaymentStatus, SepaBatch, StatementImport
from tests.factories.core import UserFactory
from tests.factories.payments import (
    PDF_BYTES,
    PayingOrganisationFactory,
    funded_voucher,
    payment_request,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_2fa(settings):
    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = False


@pytest.fixture
def world():
    voucher = funded_voucher(amount_cents=50_000)
    organisation = PayingOrganisationFactory(municipality=voucher.municipality)
    return voucher, organisation


def _form_url(voucher):
    return reverse("accounts:payment_request", kwargs={"code": voucher.code})


def _post_data(**overrides):
    data = {
        "payee_name": "Bakkerij Jansen",
        "payee_iban": "NL20 INGB 0001 2345 67",
        "amount": "12,50",
        "description": "Taart",
        "idempotency_key": "abc",
        "document": io.BytesIO(PDF_BYTES),
    }
    data["document"].name = "factuur.pdf"
    data.update(overrides)
    return data


def test_holder_submits_a_request(client, world):
    voucher, organisation = world
    client.force_login(voucher.holder)
    page = client.get(_form_url(voucher))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "€ 500,00" in html
    response = client.post(_form_url(voucher), _post_data())
    assert response.status_code == 302
    payment = PaymentRequest.objects.get()
    assert (payment.amount_cents, payment.payee_iban, payment.paying_organisation) == (
        1250,
        "NL20INGB0001234567",
        organisation,
    )
    # Submitting the same form twice (double click, retry) creates one request.
    client.post(_form_url(voucher), _post_data())
    assert PaymentRequest.objects.count() == 1
    assert "Taart" in client.get(_form_url(voucher)).content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"payee_iban": "NL91ABNA0417164301"}, "Dit IBAN klopt niet"),
        ({"amount": "1,005"}, "hoogstens 2 cijfers"),
        ({"amount": "-1"}, "niet negatief"),
        ({"amount": "600"}, "hoger dan het saldo"),
    ],
)
def test_bad_input_shows_message_and_creates_nothing(client, world, overrides, message):
    voucher, _ = world
    client.force_login(voucher.holder)
    response = client.post(_form_url(voucher), _post_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert PaymentRequest.objects.count() == 0


def test_the_holder_reads_a_refusal_in_their_own_language_only(client, world, settings):
    voucher, _ = world
    client.force_login(voucher.holder)
    dutch = client.post(_form_url(voucher), _post_data(amount="1,005")).content.decode()
    assert "Gebruik hoogstens 2 cijfers achter de komma." in dutch and "Use at most 2 decimals" not in dutch
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.post(_form_url(voucher), _post_data(amount="1,005")).content.decode()
    assert "Use at most 2 decimals." in english and "Gebruik hoogstens" not in english
    assert PaymentRequest.objects.count() == 0


def test_disguised_upload_is_refused(client, world):
    voucher, _ = world
    client.force_login(voucher.holder)
    fake = io.BytesIO(b"<html><script>alert(1)</script></html>")
    fake.name = "factuur.pdf"
    response = client.post(_form_url(voucher), _post_data(document=fake))
    assert response.status_code == 400
    page = response.content.decode()
    assert "geen PDF, JPEG of PNG" in page and "This file is not a PDF" not in page  # Dutch only
    assert PaymentRequest.objects.count() == 0


def test_other_people_and_unknown_codes_get_404(client, world):
    voucher, _ = world
    client.force_login(UserFactory())
    assert client.get(_form_url(voucher)).status_code == 404
    assert client.get(reverse("accounts:payment_request", kwargs={"code": "NOPE"})).status_code == 404
    client.logout()
    assert client.get(_form_url(voucher)).status_code == 302


def test_cash_withdrawal_and_settlement_pages(client, world):
    voucher, organisation = world
    client.force_login(voucher.holder)
    url = reverse("accounts:cash_withdrawal", kwargs={"code": voucher.code})
    response = client.post(url, {"amount": "300", "description": "Kas", "idempotency_key": "c1"})
    assert response.status_code == 400
    assert "hoogstens € 250,00" in response.content.decode()
    assert (
        client.post(url, {"amount": "50", "description": "Kas", "idempotency_key": "c2"}).status_code == 302
    )
    cash = PaymentRequest.objects.get()
    payments.approve_payment(actor=staff(organisation), payment_request=cash)
    settle = reverse("accounts:cash_settlement", kwargs={"pk": cash.pk})
    assert client.get(settle).status_code == 200
    receipts = io.BytesIO(PDF_BYTES)
    receipts.name = "bon.pdf"
    assert client.post(settle, {"spent": "40", "receipts": receipts}).status_code == 302
    cash.refresh_from_db()
    assert cash.status == PaymentStatus.SETTLED


def test_payer_queue_approve_and_reject(client, world):
    voucher, organisation = world
    first = payment_request(voucher, amount="10")
    second = payment_request(voucher, amount="20")
    payer = staff(organisation)
    client.force_login(payer)
    queue = reverse("core:payments_queue", kwargs={"gemeente": voucher.municipality.slug})
    html = client.get(queue).content.decode()
    assert str(first) in html and str(second) in html
    kwargs = {"gemeente": voucher.municipality.slug, "pk": first.pk}
    document = client.get(reverse("core:payments_document", kwargs=kwargs))
    assert document.status_code == 200 and document.content.startswith(b"%PDF-")
    assert document["Content-Disposition"].startswith("attachment")
    client.post(reverse("core:payments_approve", kwargs=kwargs))
    reject = reverse("core:payments_reject", kwargs={"gemeente": voucher.municipality.slug, "pk": second.pk})
    response = client.post(reject, {"reason": ""}, follow=True)
    assert "Geef een reden op" in response.content.decode()
    client.post(reject, {"reason": "Dubbel ingediend"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (PaymentStatus.APPROVED, PaymentStatus.REJECTED)


def test_staff_pages_need_the_role(client, world):
    voucher, _ = world
    slug = voucher.municipality.slug
    client.force_login(voucher.holder)
    for name in ("core:payments_queue", "core:payments_batches", "core:payments_statements"):
        assert client.get(reverse(name, kwargs={"gemeente": slug})).status_code == 403


def test_treasurer_exports_and_imports(client, world):
    voucher, organisation = world
    payer = staff(organisation)
    for amount in ("10", "20.05"):
        payments.approve_payment(actor=payer, payment_request=payment_request(voucher, amount=amount))
    treasurer = staff(organisation, Role.TREASURER)
    client.force_login(treasurer)
    slug = voucher.municipality.slug
    batches = reverse("core:payments_batches", kwargs={"gemeente": slug})
    assert "€ 30,05" in client.get(batches).content.decode()
    client.post(batches, {"organisation": organisation.pk})
    client.post(batches, {"organisation": organisation.pk})  # nothing new: no second batch
    batch = SepaBatch.objects.get()
    download = client.get(reverse("core:payments_batch_download", kwargs={"gemeente": slug, "pk": batch.pk}))
    sepa.validate_pain001(download.content)
    _msg, control_sum, lines = sepa.read_summary(download.content)
    assert control_sum == 3005
    statement = camt.write_camt053(
        account_iban=organisation.iban,
        lines=[
            *(
                camt.StatementLine(
                    end_to_end_id=e, amount_cents=c, currency="EUR", credit=False, booking_date=None
                )
                for e, c in lines
            ),
            camt.StatementLine(
                end_to_end_id="XYZ-UNKNOWN", amount_cents=777, currency="EUR", credit=False, booking_date=None
            ),
        ],
    )
    upload = io.BytesIO(statement)
    upload.name = "afschrift.xml"
    url = reverse("core:payments_statements", kwargs={"gemeente": slug})
    assert client.post(url, {"organisation": organisation.pk, "statement": upload}).status_code == 302
    upload.seek(0)
    again = client.post(url, {"organisation": organisation.pk, "statement": upload}, follow=True)
    assert "al ingelezen" in again.content.decode()
    assert StatementImport.objects.count() == 1
    assert "XYZ-UNKNOWN" in again.content.decode()
    assert "Onbekende EndToEndId." in again.content.decode()  # why, in the reader's language
    assert PaymentRequest.objects.filter(status=PaymentStatus.PAID).count() == 2
    assert StatementImport.objects.get().lines.filter(match_status=MatchStatus.UNKNOWN).count() == 1
    unknown = StatementImport.objects.get().lines.get(match_status=MatchStatus.UNKNOWN)
    handle = reverse("core:payments_handle_line", kwargs={"gemeente": slug, "pk": unknown.pk})
    page = client.post(handle, {"note": "Teruggeboekt door de bank"}, follow=True)
    assert "afgehandeld" in page.content.decode()
    assert "XYZ-UNKNOWN" not in page.content.decode()
    garbage = io.BytesIO(b"%PDF-1.4 not a statement")
    garbage.name = "afschrift.xml"
    response = client.post(url, {"organisation": organisation.pk, "statement": garbage})
    assert response.status_code == 400
    assert "XML" in response.content.decode()
