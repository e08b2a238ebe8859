"""Residents sign up, verify their e-mail, log in and reset their password; log-in attempts are rate limited."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from buurtbudget.accounts.models import User
from tests.factories import UserFactory
from tests.factories.core import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "Nieuw@Example.org",
    "password1": DEFAULT_PASSWORD,
    "password2": DEFAULT_PASSWORD,
    "name": "Fatima de Vries",
    "postcode": "1066 ab",
    "house_number": "12",
    "birth_year": "1990",
}


def verified_user(**kwargs):
    user = UserFactory(**kwargs)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/[^\s]+)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_up_creates_an_unverified_user_and_mails_a_dutch_verification_link(client):
    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="nieuw@example.org")
    assert user.name == "Fatima de Vries"
    assert user.postcode == "1066AB"
    assert user.preferred_language == "nl"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nieuw@example.org"]
    assert "Bevestig je e-mailadres" in mail.outbox[0].subject


def test_a_visitor_who_chose_english_gets_the_verification_mail_in_english(client):
    client.cookies["django_language"] = "en"

    client.post(reverse("account_signup"), SIGNUP)

    assert "Please Confirm Your Email Address" in mail.outbox[0].subject
    assert User.objects.get(email="nieuw@example.org").preferred_language == "en"


def test_sign_up_with_a_bad_postcode_shows_a_clear_message_and_creates_nobody(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "postcode": "12345"})

    assert response.status_code == 200
    assert "Vul een postcode in als 1234 AB" in response.content.decode()
    assert 'aria-describedby="id_postcode_helptext id_postcode_error"' in response.content.decode()
    assert not User.objects.filter(email="nieuw@example.org").exists()
    assert mail.outbox == []


def test_log_in_before_verification_is_sent_to_the_verification_page(client):
    client.post(reverse("account_signup"), SIGNUP)
    client.logout()

    response = client.post(reverse("account_login"), {"login": SIGNUP["email"], "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_confirming_the_e_mail_logs_the_resident_in(client):
    client.post(reverse("account_signup"), SIGNUP)
    confirm_url = link_in(mail.outbox[0])

    assert client.get(confirm_url).status_code == 200
    response = client.post(confirm_url)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="nieuw@example.org").verified
    dashboard = client.get(reverse("accounts:dashboard"))
    assert dashboard.status_code == 200
    assert "Mijn overzicht" in dashboard.content.decode()


def test_a_verified_resident_logs_in_with_e_mail_and_password(client):
    verified_user(email="bewoner@example.org")

    response = client.post(
        reverse("account_login"), {"login": "bewoner@example.org", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")


def test_password_reset_mails_a_link_that_sets_a_new_password(client):
    user = verified_user(email="vergeten@example.org")

    client.post(reverse("account_reset_password"), {"email": "vergeten@example.org"})

    assert len(mail.outbox) == 1
    reset_url = link_in(mail.outbox[0])
    form_page = client.get(reset_url, follow=True)
    assert form_page.status_code == 200
    form_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_url
    new_password = "Nieuw-wachtwoord-2026!"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_the_sixth_failed_log_in_within_five_minutes_is_refused_even_with_the_right_password(client):
    verified_user(email="doelwit@example.org")
    wrong = {"login": "doelwit@example.org", "password": "fout-wachtwoord"}
    for _attempt in range(5):
        response = client.post(reverse("account_login"), wrong)
        assert "Te veel inlogpogingen" not in response.content.decode()

    response = client.post(reverse("account_login"), {**wrong, "password": DEFAULT_PASSWORD})

    assert response.status_code in (200, 429)
    assert "Te veel inlogpogingen. Probeer het later nogmaals." in response.content.decode()
    assert "_auth_user_id" not in client.session
