"""The register extract, letters with stemcodes (one PDF, in the background, with progress), blocking and reissuing."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import PermissionDenied

from buurtbudget.rounds.models import Phase
from buurtbudget.voting import letters, services
from buurtbudget.voting.codes import code_hash, normalise
from buurtbudget.voting.models import CodeStatus, LetterJob, RegisterEntry, VoterCode
from tests.factories.rounds import RoundFactory, resident

pytestmark = pytest.mark.django_db

HEADER = "naam;adres;postcode;huisnummer;woonplaats;geboortedatum;geheim\n"


@pytest.fixture
def round_(noord):  # type: ignore[no-untyped-def]
    return RoundFactory(
        municipality=noord.municipality,
        area=noord.district,
        phase=Phase.FEASIBILITY,
        voting_opens_on=dt.date(2026, 6, 1),
    )


def csv(*rows: str) -> io.BytesIO:
    return io.BytesIO((HEADER + "\n".join(rows) + "\n").encode())


def test_the_register_is_read_with_the_area_of_every_address(noord, round_) -> None:  # type: ignore[no-untyped-def]
    plan, added = services.import_register(
        actor=noord.officer,
        round=round_,
        file=csv(
            "J. de Vries;Kerkstraat 1;1031 ab;1;Amsterdam;1980-01-02;nee",
            "A. Yilmaz;Dorpsweg 9;1032AA;9;Amsterdam;02-03-2001;",
            "B. Geheim;Dorpsweg 11;1032AA;11;Amsterdam;1970-01-01;ja",
        ),
    )
    assert plan.ok and added == 3
    areas = dict(RegisterEntry.objects.values_list("name", "area__name"))
    assert areas == {"J. de Vries": "Noord-Oost", "A. Yilmaz": "Noord-West", "B. Geheim": "Noord-West"}
    # Reading the same file again adds nobody twice.
    _plan, again = services.import_register(
        actor=noord.officer,
        round=round_,
        file=csv("J. de Vries;Kerkstraat 1;1031AB;1;Amsterdam;1980-01-02;nee"),
    )
    assert again == 0 and RegisterEntry.objects.count() == 3


def test_one_wrong_row_and_nothing_is_read(noord, round_) -> None:  # type: ignore[no-untyped-def]
    plan, added = services.import_register(
        actor=noord.officer,
        round=round_,
        file=csv(
            "J. de Vries;Kerkstraat 1;1031AB;1;Amsterdam;1980-01-02;nee",
            "Ver Weg;Elders 1;9999ZZ;1;Groningen;1980-01-02;nee",
            ";Zonder naam;1031AB;x;;gisteren;misschien",
        ),
    )
    assert added == 0 and not RegisterEntry.objects.exists()
    errors = {e.line: e.message for e in plan.errors}
    assert errors[3] == "The address 9999ZZ 1 is not in Noord."
    assert "The name is missing." in errors[4] and "house number 'x'" in errors[4]
    assert "birth date 'gisteren'" in errors[4] and "'ja' or 'nee'" in errors[4]


def test_only_district_staff_read_the_register(noord, round_) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        services.import_register(actor=resident(), round=round_, file=csv())


def test_letters_go_to_residents_aged_12_and_over_who_are_not_confidential(
    noord, round_, monkeypatch, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    printed: list[letters.Letter] = []
    progress: list[int] = []
    real = letters.render_letters

    def spy(**kwargs):  # type: ignore[no-untyped-def]
        printed.extend(kwargs["letters"])
        report = kwargs.pop("progress")
        return real(progress=lambda n: (progress.append(n), report(n)), **kwargs)

    monkeypatch.setattr(letters, "render_letters", spy)
    services.import_register(
        actor=noord.officer,
        round=round_,
        file=csv(
            "Oud Genoeg;Kerkstraat 1;1031AB;1;Amsterdam;2014-06-01;nee",  # 12 on the first day of voting
            "Te Jong;Kerkstraat 3;1031AB;3;Amsterdam;2014-06-02;nee",
            "Geheim Adres;Kerkstraat 5;1031AB;5;Amsterdam;1970-01-01;ja",
            "Volwassen;Dorpsweg 9;1032AA;9;Amsterdam;1950-12-31;nee",
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = services.request_letters(
            actor=noord.officer, round=round_, vote_url="https://example.org/amsterdam/stemmen/x/"
        )
    job.refresh_from_db()
    assert (job.status, job.total, job.done, job.percent) == ("done", 2, 2, 100)
    coded = set(VoterCode.objects.values_list("entry__name", flat=True))
    assert coded == {"Oud Genoeg", "Volwassen"}

    content = job.file.read()
    assert content.startswith(b"%PDF") and progress == [2]
    assert [letter.name for letter in printed] == ["Oud Genoeg", "Volwassen"]
    # Only the hash is stored; the code on the letter is the only key.
    for letter in printed:
        assert re.fullmatch(
            r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]", letter.code
        )
        assert VoterCode.objects.get(code_hash=code_hash(normalise(letter.code))).entry.name == letter.name
        assert normalise(letter.code) not in str(list(VoterCode.objects.values()))
    html = letters.letters_html(round=round_, letters=printed[:1], vote_url="https://example.org/stem/")
    assert "Oud Genoeg" in html and "Kerkstraat 1" in html and printed[0].code in html
    assert "https://example.org/stem/" in html
    assert "Zo stemt u" in html and "Typ uw stemcode." in html  # Dutch first
    assert "Type your stemcode." in html  # then English
    assert 'lang="en"' in html

    with pytest.raises(services.VotingError, match="already has a code"):
        services.request_letters(actor=noord.officer, round=round_, vote_url="https://example.org/")


def test_a_lost_code_is_blocked_and_reissued_but_never_after_voting(
    noord, round_, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    services.import_register(
        actor=noord.officer,
        round=round_,
        file=csv("Kwijt Brief;Kerkstraat 1;1031AB;1;Amsterdam;1980-01-01;nee"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.request_letters(actor=noord.officer, round=round_, vote_url="https://example.org/")
    entry = RegisterEntry.objects.get()
    old = VoterCode.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.block_and_reissue(
            actor=noord.officer, entry=entry, reason="Brief kwijt", vote_url="https://example.org/"
        )
    job.refresh_from_db()
    assert job.status == "done" and job.total == 1
    old.refresh_from_db()
    assert old.status == CodeStatus.BLOCKED and old.blocked_reason == "Brief kwijt"
    assert VoterCode.objects.filter(entry=entry, status=CodeStatus.ACTIVE).count() == 1

    VoterCode.objects.filter(status=CodeStatus.ACTIVE).update(used_on=dt.date(2026, 6, 2))
    with pytest.raises(services.VotingError, match="already voted"):
        services.block_and_reissue(
            actor=noord.officer, entry=entry, reason="Nog eens", vote_url="https://example.org/"
        )
    assert VoterCode.objects.filter(entry=entry, status=CodeStatus.ACTIVE).count() == 1
    assert LetterJob.objects.count() == 2


def test_a_failed_letter_run_stores_no_codes(
    noord, round_, monkeypatch, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    services.import_register(
        actor=noord.officer,
        round=round_,
        file=csv("Pech Gehad;Kerkstraat 1;1031AB;1;Amsterdam;1980-01-01;nee"),
    )

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr("buurtbudget.voting.letters.render_letters", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_letters(actor=noord.officer, round=round_, vote_url="https://example.org/")
    job = LetterJob.objects.get()
    assert job.status == "failed" and "disk full" in job.error
    assert not VoterCode.objects.exists()
