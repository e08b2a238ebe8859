import pytest


@pytest.fixture(autouse=True)
def _no_two_factor_prompt(settings):  # type: ignore[no-untyped-def]
    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = False
