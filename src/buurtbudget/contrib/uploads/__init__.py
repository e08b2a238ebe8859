"""Check an uploaded document by its content, not its name: PDF, JPEG or PNG, within a size limit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

# (magic bytes at offset 0, kind, canonical extension, content type)
_SIGNATURES: tuple[tuple[bytes, str, str, str], ...] = (
    (b"%PDF-", "pdf", "pdf", "application/pdf"),
    (b"\xff\xd8\xff", "jpeg", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "png", "image/png"),
)


class UploadRejected(ValueError):
    """The file is refused; str(error) is a message for the person who uploaded it, in the active language."""


@dataclass(frozen=True)
class CheckedDocument:
    kind: str
    extension: str
    content_type: str
    size: int


def sniff(head: bytes) -> tuple[str, str, str] | None:
    """(kind, extension, content type) from the first bytes, or None when the type is not allowed."""
    for magic, kind, extension, content_type in _SIGNATURES:
        if head.startswith(magic):
            return kind, extension, content_type
    return None


def check_document(
    stream: IO[bytes], *, size: int | None = None, max_bytes: int = MAX_DOCUMENT_BYTES
) -> CheckedDocument:
    """Check size and type (from the content). Leaves the stream at position 0."""
    if size is None:
        stream.seek(0, 2)
        size = stream.tell()
    if size <= 0:
        raise UploadRejected(_("The file is empty."))
    if size > max_bytes:
        limit_mb = max_bytes // (1024 * 1024)
        raise UploadRejected(_("The file is too large (at most %(megabytes)s MB).") % {"megabytes": limit_mb})
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    found = sniff(head)
    if found is None:
        raise UploadRejected(_("This file is not a PDF, JPEG or PNG (checked by its content, not its name)."))
    kind, extension, content_type = found
    return CheckedDocument(kind=kind, extension=extension, content_type=content_type, size=size)
