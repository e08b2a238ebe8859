"""Dutch first; a visitor can switch to English."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_default_language_is_dutch(client: Client) -> None:
    response = client.get("/")
    assert '<html lang="nl"' in response.content.decode()
    assert response["Content-Language"] == "nl"


def test_an_english_browser_still_gets_dutch_unless_asked(client: Client) -> None:
    # Accept-Language is honoured by Django; Dutch stays the default for everyone else.
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de")
    assert '<html lang="nl"' in response.content.decode()


def test_setlang_switches_to_english_and_it_sticks(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"

    page = client.get("/")
    assert '<html lang="en"' in page.content.decode()
    assert page["Content-Language"] == "en"

    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    assert '<html lang="nl"' in client.get("/").content.decode()
