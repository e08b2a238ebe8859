"""A municipality's colours reach the page; every page sends the security headers."""

import pytest
from django.test import Client

from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_the_theme_css_carries_the_municipality_colours(client: Client) -> None:
    MunicipalityFactory(slug="amsterdam", primary_colour="#c00000", accent_colour="#004699")

    response = client.get("/amsterdam/theme.css")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    css = response.content.decode()
    assert "--bb-color-primary: #c00000;" in css
    assert "--bb-color-accent: #004699;" in css
    # White text on the dark red header, never a colour that fails contrast.
    assert "--bb-color-primary-text: #ffffff;" in css


@pytest.mark.parametrize("path", ["/", "/amsterdam/", "/accounts/login/"])
def test_pages_send_csp_and_frame_options(client: Client, path: str) -> None:
    MunicipalityFactory(slug="amsterdam")

    response = client.get(path)

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_health_answers_ok(client: Client) -> None:
    response = client.get("/health/")
    assert response.json() == {"status": "ok"}
