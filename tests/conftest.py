"""Shared fixtures. Browser fixtures live in tests/browser/conftest.py."""

from pathlib import Path

import pytest
from django.db import connection

REPO_ROOT = Path(__file__).resolve().parent.parent
PABULIB_DIR = REPO_ROOT.parent / "shared" / "pabulib"


@pytest.fixture(autouse=True)
def default_language():  # type: ignore[no-untyped-def]
    """Every test starts in the site's default language (Dutch): a request handled in English earlier in the
    same worker leaves English active in the thread, which made message checks depend on test order."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tests marked `postgres` need PostgreSQL; on SQLite (local runs) they are skipped with a reason.
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL); CI always runs them")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
