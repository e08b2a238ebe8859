"""Stemcodes: 12 random characters from an alphabet without look-alikes (no 0/O, 1/I/L) and a check character.

The code format is the voucher code's (see vouchers/codes.py): a single wrong or swapped character is
detected before anything is looked up. The database only ever sees keyed hashes of a code.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from buurtbudget.vouchers.codes import ALPHABET, CODE_LENGTH, format_code, generate_code, is_valid

__all__ = [
    "CODE_LENGTH",
    "InvalidStemcode",
    "VoterKey",
    "code_hash",
    "ballot_token",
    "format_code",
    "generate_code",
    "normalise",
    "voter_key",
]


class InvalidStemcode(ValueError):
    """The typed text is not a stemcode; the message says why."""


def normalise(text: str) -> str:
    """Accept lowercase, spaces and dashes; return the bare 13-character code or raise InvalidStemcode."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH:
        raise InvalidStemcode(
            _("A stemcode has %(n)d characters. You typed %(typed)d.")
            % {"n": CODE_LENGTH, "typed": len(code)}
        )
    wrong = sorted({c for c in code if c not in ALPHABET})
    if wrong:
        raise InvalidStemcode(
            _("These characters do not occur in a stemcode: %(chars)s.") % {"chars": " ".join(wrong)}
        )
    if not is_valid(code):
        raise InvalidStemcode(_("This stemcode is not correct. Check every character on your letter."))
    return code


def _keyed(purpose: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{purpose}|{code}".encode(), hashlib.sha256).hexdigest()


def code_hash(code: str) -> str:
    """What the database stores to recognise a code."""
    return _keyed("stemcode", code)


def ballot_token(round_id: int, code: str) -> str:
    """Identifies the ballot of a code; cannot be derived from code_hash, only from the code itself."""
    return _keyed(f"ballot:{round_id}", code)


@dataclass(frozen=True)
class VoterKey:
    """What a code is known by in one round: its stored hash and its ballot's token (never the code)."""

    code_hash: str
    token: str


def voter_key(round_id: int, code: str) -> VoterKey:
    """The keys of a normalised code: two HMAC-SHA256s, microseconds. No slow password hasher is needed:
    a code holds 12 random characters out of 31 (59 bits) and wrong guesses are rate limited."""
    return VoterKey(code_hash=code_hash(code), token=ballot_token(round_id, code))
