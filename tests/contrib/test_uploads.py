import io

import pytest
from django.utils import translation

from buurtbudget.contrib.uploads import MAX_DOCUMENT_BYTES, UploadRejected, check_document

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.mark.parametrize(
    ("content", "kind", "content_type"),
    [(PDF, "pdf", "application/pdf"), (JPEG, "jpeg", "image/jpeg"), (PNG, "png", "image/png")],
)
def test_allowed_types_are_recognised_by_content(content: bytes, kind: str, content_type: str) -> None:
    checked = check_document(io.BytesIO(content))
    assert checked.kind == kind
    assert checked.content_type == content_type
    assert checked.size == len(content)


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64,  # a Windows .exe named factuur.pdf
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",  # HTML named .pdf
        b"GIF89a" + b"\x00" * 16,
        b" %PDF-1.4 with a leading space",
    ],
)
def test_disguised_files_are_refused(content: bytes) -> None:
    with pytest.raises(UploadRejected, match="geen PDF, JPEG of PNG"):
        check_document(io.BytesIO(content))


def test_oversized_file_is_refused() -> None:
    with pytest.raises(UploadRejected, match="te groot"):
        check_document(io.BytesIO(PDF), size=MAX_DOCUMENT_BYTES + 1)


def test_empty_file_is_refused() -> None:
    with pytest.raises(UploadRejected, match="leeg"):
        check_document(io.BytesIO(b""))


def test_stream_is_rewound() -> None:
    stream = io.BytesIO(PNG)
    check_document(stream)
    assert stream.tell() == 0


@pytest.mark.parametrize(
    ("content", "size", "dutch", "english"),
    [
        (b"", None, "Het bestand is leeg.", "The file is empty."),
        (
            PDF,
            MAX_DOCUMENT_BYTES + 1,
            "Het bestand is te groot (maximaal 10 MB).",
            "The file is too large (at most 10 MB).",
        ),
        (
            b"GIF89a" + b"\x00" * 16,
            None,
            "Dit bestand is geen PDF, JPEG of PNG (we kijken naar de inhoud, niet naar de naam).",
            "This file is not a PDF, JPEG or PNG (checked by its content, not its name).",
        ),
    ],
)
def test_a_refusal_reads_in_dutch_by_default_and_in_english_when_chosen(
    content: bytes, size: int | None, dutch: str, english: str
) -> None:
    with pytest.raises(UploadRejected) as in_dutch:
        check_document(io.BytesIO(content), size=size)
    with translation.override("en"), pytest.raises(UploadRejected) as in_english:
        check_document(io.BytesIO(content), size=size)
    assert str(in_dutch.value) == dutch
    assert str(in_english.value) == english
