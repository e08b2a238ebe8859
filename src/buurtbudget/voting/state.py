"""Where a voter is between the voting pages, in a signed cookie instead of a database session.

The pages work without JavaScript: code → ballot → review → confirm → receipt, each a plain GET or POST
that can be reloaded. What the server must remember in between (which code, the voter's area, the choices so
far, and afterwards the receipt) is signed with the site's key (django.core.signing, HMAC-SHA256) and kept
by the browser in one HttpOnly, SameSite=Lax cookie limited to the round's voting pages. So voting never
writes a session row, and confirming a vote reads nothing but the ballot's own tables.

The cookie holds the code's keyed hashes (codes.VoterKey), never the code itself; it expires after an hour,
and casting the vote replaces it by the receipt.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from buurtbudget.rounds.models import Round

from .codes import VoterKey

COOKIE = "bb_stem"
SALT = "buurtbudget.voting.state"
MAX_AGE = 60 * 60  # an hour from typing the code to confirming the vote


@dataclass(frozen=True)
class VoteState:
    """A voter who typed a valid code, and what they chose so far (None before the ballot step)."""

    round_id: int
    where: str  # "<gemeente>/<round>" of the URLs: the cookie's path, checked without the database
    key: VoterKey
    area_id: int
    assisted: bool = False
    has_voted: bool = False
    choices: dict[str, list[int]] | None = None


@dataclass(frozen=True)
class Receipt:
    """What the receipt page shows after the vote was stored."""

    round_id: int
    receipt: str
    changed: bool
    assisted: bool


def where(the_round: Round) -> str:
    return f"{the_round.municipality.slug}/{the_round.slug}"


@lru_cache(maxsize=1024)
def _url(name: str, where: str) -> str:
    """A voting URL of the round; cached, as every voting response needs one (one script prefix per site)."""
    gemeente, slug = where.split("/")
    return reverse(name, kwargs={"gemeente": gemeente, "slug": slug})


def _path(where: str) -> str:
    return _url("core:voting_start", where)


def receipt_url(where: str) -> str:
    return _url("core:voting_receipt", where)


def sign_vote(state: VoteState) -> str:
    data: dict[str, Any] = {
        "r": state.round_id,
        "w": state.where,
        "h": state.key.code_hash,
        "t": state.key.token,
        "a": state.area_id,
        "s": int(state.assisted),
        "v": int(state.has_voted),
    }
    if state.choices is not None:
        data["c"] = [state.choices["plans"], state.choices.get("points") or []]
    return signing.dumps(data, salt=SALT, compress=False)


def _load(request: HttpRequest) -> dict[str, Any] | None:
    value = request.COOKIES.get(COOKIE)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # also when expired
        return None
    return data if isinstance(data, dict) else None


def vote_state(request: HttpRequest, the_round: Round) -> VoteState | None:
    """The signed state of this round's voter, or None (no cookie, tampered, expired, another round)."""
    found = pending_vote(request, where(the_round))
    return found if found is not None and found.round_id == the_round.pk else None


def pending_vote(request: HttpRequest, where: str) -> VoteState | None:
    """The signed state of the voter on the pages of `where` ("<gemeente>/<round>" from the URL)."""
    data = _load(request)
    if data is None or data.get("w") != where or "h" not in data:
        return None
    choices = None
    if "c" in data:
        plans, points = data["c"]
        choices = {"plans": [int(i) for i in plans], "points": [int(n) for n in points]}
    return VoteState(
        round_id=int(data["r"]),
        where=where,
        key=VoterKey(code_hash=str(data["h"]), token=str(data["t"])),
        area_id=int(data["a"]),
        assisted=bool(data.get("s")),
        has_voted=bool(data.get("v")),
        choices=choices,
    )


def receipt(request: HttpRequest, the_round: Round) -> Receipt | None:
    data = _load(request)
    if data is None or data.get("r") != the_round.pk or "n" not in data:
        return None
    return Receipt(
        round_id=the_round.pk, receipt=str(data["n"]), changed=bool(data["x"]), assisted=bool(data["s"])
    )


def _set(response: HttpResponse, where: str, value: str) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=MAX_AGE,
        path=_path(where),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def remember_vote(response: HttpResponse, state: VoteState) -> None:
    _set(response, state.where, sign_vote(state))


def remember_receipt(response: HttpResponse, where: str, result: Receipt) -> None:
    data = {"r": result.round_id, "n": result.receipt, "x": int(result.changed), "s": int(result.assisted)}
    _set(response, where, signing.dumps(data, salt=SALT, compress=False))
