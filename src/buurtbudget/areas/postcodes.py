"""Dutch postcodes: "1066 ab" → "1066AB", and what counts as a valid one."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_POSTCODE = re.compile(r"^[1-9][0-9]{3}[A-Z]{2}$")


def normalise_postcode(value: str) -> str:
    return "".join(value.split()).upper()


def is_valid_postcode(value: str) -> bool:
    """Four digits (the first not 0) and two letters, already normalised."""
    return bool(_POSTCODE.match(value))


def clean_postcode_range(
    *,
    postcode_from: str,
    postcode_to: str,
    house_number_from: int | None,
    house_number_to: int | None,
) -> tuple[str, str]:
    """Normalised (from, to) postcodes; raises ValidationError keyed by field (messages in the active language)."""
    errors: dict[str, str] = {}
    pc_from = normalise_postcode(postcode_from)
    pc_to = normalise_postcode(postcode_to) or pc_from
    message = _("A postcode is 4 digits (not starting with 0) and 2 letters, like 1066AB.")
    if not is_valid_postcode(pc_from):
        errors["postcode_from"] = message
    if not is_valid_postcode(pc_to):
        errors["postcode_to"] = message
    if not errors and pc_from > pc_to:
        errors["postcode_to"] = _("The last postcode comes before the first.")
    for name, number in (("house_number_from", house_number_from), ("house_number_to", house_number_to)):
        if number is not None and number < 1:
            errors[name] = _("A house number is 1 or more.")
    if (
        "house_number_from" not in errors
        and "house_number_to" not in errors
        and house_number_from is not None
        and house_number_to is not None
        and house_number_from > house_number_to
    ):
        errors["house_number_to"] = _("The last house number comes before the first.")
    if errors:
        raise ValidationError(errors)
    return pc_from, pc_to
