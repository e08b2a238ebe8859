"""Residents keep their profile up to date; the audit trail says which fields changed, never the values."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from buurtbudget.accounts import services
from buurtbudget.audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_profile_update_is_audited_with_field_names_only():
    user = UserFactory(postcode="", birth_year=None)

    services.update_profile(user=user, actor=user, changes={"postcode": "1066 ab", "birth_year": 1980})

    user.refresh_from_db()
    assert (user.postcode, user.birth_year) == ("1066AB", 1980)
    event = AuditEvent.objects.get(action="accounts.profile_updated")
    assert event.details == {"fields": ["birth_year", "postcode"]}
    assert "1066AB" not in str(event.before) + str(event.after) + str(event.details)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"postcode": "10666"}, "Vul een postcode in als 1234 AB."),
        ({"birth_year": 1850}, "Vul een geboortejaar in tussen 1900 en"),
    ],
)
def test_invalid_postcode_or_birth_year_gives_a_clear_message_and_changes_nothing(changes, message):
    user = UserFactory(postcode="1066AB", birth_year=1980)

    with pytest.raises(ValidationError) as error:
        services.update_profile(user=user, actor=user, changes=changes)

    assert message in str(error.value)
    user.refresh_from_db()
    assert (user.postcode, user.birth_year) == ("1066AB", 1980)
    assert not AuditEvent.objects.filter(action="accounts.profile_updated").exists()


def test_the_profile_page_shows_errors_next_to_the_field_and_keeps_the_old_values(client):
    user = UserFactory(postcode="1066AB", birth_year=1980)
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile"),
        {"name": "X", "postcode": "1066AB", "birth_year": "3000", "preferred_language": "nl"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_birth_year_error"' in html
    assert 'aria-invalid="true"' in html
    user.refresh_from_db()
    assert user.birth_year == 1980


def test_saving_the_profile_in_english_switches_the_site_to_english(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile"),
        {"name": "Jan", "postcode": "1066 AB", "house_number": "3", "preferred_language": "en"},
        follow=True,
    )

    assert "My overview" in response.content.decode() or response.wsgi_request.LANGUAGE_CODE == "en"
    user.refresh_from_db()
    assert (user.name, user.postcode, user.preferred_language) == ("Jan", "1066AB", "en")
