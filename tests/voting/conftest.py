import pytest

from tests.factories.rounds import District, district


@pytest.fixture(autouse=True)
def _no_two_factor_prompt(settings):  # type: ignore[no-untyped-def]
    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = False


@pytest.fixture
def noord(db) -> District:  # type: ignore[no-untyped-def]
    return district()


@pytest.fixture(autouse=True)
def _english_messages():  # type: ignore[no-untyped-def]
    """Service messages are asserted in English (the message ids); pages are tested in Dutch."""
    from django.utils import translation

    with translation.override("en"):
        yield
