"""Shared fixtures for the counting tests: the real elections in ../shared/pabulib and pabutools' answers.

pabutools' results are computed during the run (never stored in the repository); tests are grouped per file
(xdist_group) so that each worker parses a file with pabutools once.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from buurtbudget.counting import Election, read_pabulib

REPO_ROOT = Path(__file__).resolve().parents[2]
PABULIB_DIR = REPO_ROOT.parent / "shared" / "pabulib"
FILES = sorted(PABULIB_DIR.glob("*.pb")) if PABULIB_DIR.is_dir() else []


def vote_type(path: Path) -> str:
    with open(path, encoding="utf-8-sig") as handle:
        for line in handle:
            key, _, value = line.strip().partition(";")
            if key == "vote_type":
                return value.strip()
            if key.strip().upper() == "PROJECTS":
                break
    raise ValueError(f"{path} has no vote_type")


def file_params(paths: list[Path]) -> list[object]:
    return [pytest.param(path, id=path.stem, marks=pytest.mark.xdist_group(path.stem)) for path in paths]


@lru_cache(maxsize=4)
def election(path: Path) -> Election:
    return read_pabulib(path)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "shared_files: needs the elections in ../shared/pabulib")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if FILES:
        return
    skip = pytest.mark.skip(reason=f"the shared elections are missing ({PABULIB_DIR})")
    for item in items:
        if "shared_files" in item.keywords:
            item.add_marker(skip)
