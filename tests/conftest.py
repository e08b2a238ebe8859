"""Shared fixtures. Browser fixtures live in tests/browser/conftest.py."""

from pathlib import Path

import pytest
from django.db import connection

REPO_ROOT = Path(__file__).resolve().parent.parent
PABULIB_DIR = REPO_ROOT.parent / "shared" / "pabulib"


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
