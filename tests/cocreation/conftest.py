import pytest


@pytest.fixture(autouse=True)
def _no_two_factor_prompt(settings):  # type: ignore[no-untyped-def]
    # Two-factor set-up for staff is tested with the accounts app; here it would only redirect.
    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = False


@pytest.fixture
def english():  # type: ignore[no-untyped-def]
    # Service tests match the (English) message ids; the pages are tested in Dutch.
    from django.utils import translation

    with translation.override("en"):
        yield
