"""English message ids, a complete Dutch catalogue, and both languages on screen."""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import MunicipalityFactory

from .pofile import read_po

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "buurtbudget"
CATALOGUES = sorted(PACKAGE.glob("**/locale/nl/LC_MESSAGES/*.po"))


def test_the_project_catalogue_is_among_those_checked() -> None:
    assert PACKAGE / "locale" / "nl" / "LC_MESSAGES" / "django.po" in CATALOGUES


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_message_has_a_dutch_translation_and_none_is_fuzzy(po: Path) -> None:
    entries = read_po(po)
    assert entries
    untranslated = [e.msgid for e in entries if not all(e.msgstr)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == [], f"{po}: no Dutch text for {untranslated}"
    assert fuzzy == [], f"{po}: fuzzy entries {fuzzy}"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_compiled_catalogue_matches_its_source(po: Path, tmp_path: Path) -> None:
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (gettext) is not installed")
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `buurtbudget compilemessages`"
    fresh = tmp_path / "fresh.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)
    with mo.open("rb") as committed, fresh.open("rb") as compiled:
        # Compare what gettext reads, not the bytes: msgfmt versions lay files out differently.
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(compiled)._catalog, (
            f"{mo} is out of date: run `buurtbudget compilemessages`"
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [
        (
            "en",
            ["Skip to content", "Municipalities", "Log in", "Create account"],
            ["Naar de inhoud", "Gemeenten"],
        ),
        (
            "nl",
            ["Naar de inhoud", "Gemeenten", "Inloggen", "Account maken"],
            ["Skip to content", "Municipalities"],
        ),
    ],
)
def test_the_home_page_speaks_the_chosen_language(
    client: Client, language: str, shown: list[str], not_shown: list[str]
) -> None:
    MunicipalityFactory(name="Zaanstad", slug="zaanstad")
    client.post("/i18n/setlang/", {"language": language, "next": "/"})

    html = client.get("/").content.decode()

    for text in shown:
        assert text in html
    for text in not_shown:
        assert text not in html
