"""Voucher codes a person can type: 12 random characters and one check character.

The alphabet has 31 characters (2-9 and A-Z without I, L, O), so 0/O and 1/I/L cannot be confused.
The check character makes sum(position * value) over all 13 characters divisible by 31 (positions 1..13).
Because 31 is prime and the weights are distinct and non-zero mod 31, every single wrong character and
every swap of two characters (adjacent or not) is detected.
"""

from __future__ import annotations

import secrets

from django.utils.translation import gettext as _

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MODULUS = len(ALPHABET)  # 31, a prime
DATA_LENGTH = 12
CODE_LENGTH = DATA_LENGTH + 1
_VALUE = {c: i for i, c in enumerate(ALPHABET)}

assert MODULUS == 31


class InvalidVoucherCode(ValueError):
    """The typed code is not a voucher code; the message says why (in the active language)."""


def check_character(data: str) -> str:
    total = sum((i + 1) * _VALUE[c] for i, c in enumerate(data))
    # Solve total + CODE_LENGTH * v ≡ 0 (mod 31) for v.
    inverse = pow(CODE_LENGTH, -1, MODULUS)
    return ALPHABET[(-total * inverse) % MODULUS]


def generate_code() -> str:
    """A new random code (without separators), from the operating system's secure random source."""
    data = "".join(secrets.choice(ALPHABET) for _position in range(DATA_LENGTH))
    return data + check_character(data)


def is_valid(code: str) -> bool:
    if len(code) != CODE_LENGTH or any(c not in _VALUE for c in code):
        return False
    return sum((i + 1) * _VALUE[c] for i, c in enumerate(code)) % MODULUS == 0


def normalise_code(text: str) -> str:
    """Accept lowercase, spaces and dashes; return the bare 13-character code or raise InvalidVoucherCode."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH:
        raise InvalidVoucherCode(_("A voucher code has %(length)d characters.") % {"length": CODE_LENGTH})
    wrong = sorted({c for c in code if c not in _VALUE})
    if wrong:
        chars = " ".join(wrong)
        raise InvalidVoucherCode(
            _("These characters do not occur in a voucher code: %(chars)s.") % {"chars": chars}
        )
    if not is_valid(code):
        raise InvalidVoucherCode(_("This code is not valid; please check the characters."))
    return code


def format_code(code: str) -> str:
    """'ABCDEFGHJKMNP' -> 'ABCD-EFGH-JKMN-P'."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
