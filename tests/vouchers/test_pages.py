import pytest
from django.urls import reverse

from buurtbudget.accounts.models import Role
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.factories.money import issued_voucher

pytestmark = pytest.mark.django_db


@pytest.fixture
def voucher():
    holder = UserFactory(name="Jantje Geheimnaam", email="jantje@example.org", postcode="1066AB")
    return issued_voucher(amount_cents=123_456, holder=holder, conditions="Alleen voor de speeltuin")


def test_verification_page_shows_validity_and_amounts_but_no_personal_data(client, voucher):
    url = reverse("vouchers:verify", kwargs={"code": voucher.display_code.lower()})
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Geldig" in html and "1.234,56" in html and voucher.scheme.name in html
    assert voucher.municipality.name in html
    for private in ("Jantje", "Geheimnaam", "jantje@example.org", "1066", "speeltuin"):
        assert private not in html


def test_verification_page_explains_a_typo(client, voucher):
    typo = ("2" if voucher.code[0] != "2" else "3") + voucher.code[1:]
    response = client.get(reverse("vouchers:verify", kwargs={"code": typo}))
    assert response.status_code == 404 and "klopt niet" in response.content.decode()


def test_verification_page_speaks_the_visitor_s_language_only(client, voucher, settings):
    typo = ("2" if voucher.code[0] != "2" else "3") + voucher.code[1:]
    url = reverse("vouchers:verify", kwargs={"code": typo})
    dutch = client.get(url).content.decode()
    assert "Deze code klopt niet; controleer de tekens." in dutch
    assert "This code is not valid" not in dutch
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "This code is not valid; please check the characters." in english
    assert "Deze code klopt niet" not in english
    valid = client.get(reverse("vouchers:verify", kwargs={"code": voucher.display_code})).content.decode()
    assert "Valid" in valid and "Geldig" not in valid


def test_holder_sees_voucher_page_and_pdf(client, voucher):
    client.force_login(voucher.holder)
    page = client.get(reverse("vouchers:detail", kwargs={"code": voucher.display_code}))
    assert page.status_code == 200 and "1.234,56" in page.content.decode()
    response = client.get(reverse("vouchers:pdf", kwargs={"code": voucher.display_code}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    assert voucher.display_code.encode() in content or voucher.display_code.encode("utf-16-be") in content


def test_others_cannot_open_a_voucher_but_the_budget_manager_can(client, voucher, settings):
    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = False
    client.force_login(UserFactory())
    assert client.get(reverse("vouchers:detail", kwargs={"code": voucher.display_code})).status_code == 404
    assert client.get(reverse("vouchers:pdf", kwargs={"code": voucher.display_code})).status_code == 404
    manager = RoleAssignmentFactory(role=Role.BUDGET_MANAGER, municipality=voucher.municipality).user
    client.force_login(manager)
    assert client.get(reverse("vouchers:detail", kwargs={"code": voucher.display_code})).status_code == 200


def test_verification_is_rate_limited_per_ip(client, voucher):
    from django.core.cache import cache

    from buurtbudget.vouchers import ratelimit

    cache.clear()
    url = reverse("vouchers:verify", kwargs={"code": voucher.display_code})
    for _ in range(ratelimit.LIMIT):
        assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 200
    blocked = client.get(url, REMOTE_ADDR="203.0.113.7")
    assert blocked.status_code == 429
    text = blocked.content.decode()
    assert "Te veel controles vanaf dit adres. Probeer het over tien minuten opnieuw." in text
    assert "Too many lookups" not in text
    assert voucher.display_code not in text.replace(url, "") and "bb-definition-list" not in text
    other = client.get(url, REMOTE_ADDR="198.51.100.1")
    assert other.status_code == 200
    cache.clear()


def test_the_printed_voucher_is_in_one_language(voucher):
    from django.template.loader import render_to_string
    from django.utils import translation

    from buurtbudget.vouchers.selectors import public_summary

    context = {"voucher": voucher, "summary": public_summary(voucher), "verification_url": "", "qr": ""}
    dutch = render_to_string("vouchers/voucher_pdf.html", context)
    with translation.override("en"):
        english = render_to_string("vouchers/voucher_pdf.html", context)
    assert '<html lang="nl">' in dutch and '<html lang="en">' in english
    assert "Houder" in dutch and "Controleer deze voucher met de QR-code" in dutch
    assert "Holder" not in dutch and " / " not in dutch
    assert "Holder" in english and "Verify this voucher with the QR code" in english
    assert "Houder" not in english and "Controleer" not in english
