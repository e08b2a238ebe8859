"""The letters: one A4 page per resident, address in the envelope window, the code, how to vote (NL and EN)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from buurtbudget.rounds.models import Round

CHUNK = 50


@dataclass(frozen=True)
class Letter:
    name: str
    address: str
    postcode: str
    place: str
    code: str


def letters_html(*, round: Round, letters: Sequence[Letter], vote_url: str) -> str:
    with translation.override("nl"):
        return render_to_string(
            "voting/letters_pdf.html", {"round": round, "letters": letters, "vote_url": vote_url}
        )


def render_letters(
    *, round: Round, letters: Sequence[Letter], vote_url: str, progress: Callable[[int], None]
) -> bytes:
    """Render all letters into one PDF, calling `progress(done)` after each chunk."""
    documents = []
    for start in range(0, len(letters), CHUNK):
        chunk = letters[start : start + CHUNK]
        html = letters_html(round=round, letters=chunk, vote_url=vote_url)
        documents.append(HTML(string=html).render())
        progress(start + len(chunk))
    pages = [page for document in documents for page in document.pages]
    pdf = documents[0].copy(pages).write_pdf()
    assert pdf is not None
    return bytes(pdf)
