"""Creating and changing municipalities (tenants). Each write is one durable, audited transaction."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from buurtbudget.audit import services as audit

from .contrast import background_colour_is_readable, primary_colour_is_readable
from .models import RESERVED_SLUGS, Municipality

EDITABLE_FIELDS = [
    "name",
    "slug",
    "primary_colour",
    "accent_colour",
    "contact_email",
    "contact_phone",
    "website",
    "address",
    "is_active",
]
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _validate(municipality: Municipality) -> None:
    """Field checks plus the rules a model field cannot express; raises ValidationError keyed by field."""
    errors: dict[str, list[str]] = {}
    if municipality.slug in RESERVED_SLUGS:
        errors.setdefault("slug", []).append(_("This web address name is reserved; choose another."))
    for name in ("primary_colour", "accent_colour"):
        value = getattr(municipality, name)
        if not _HEX.match(value):
            errors.setdefault(name, []).append(_("Use a colour code like #1a2b3c."))
    if "primary_colour" not in errors and not primary_colour_is_readable(municipality.primary_colour):
        errors.setdefault("primary_colour", []).append(
            _(
                "This primary colour gives too little contrast (at least 4.5:1 with its text colour and with "
                "white) and makes text and links hard to read."
            )
        )
    if "accent_colour" not in errors and not background_colour_is_readable(municipality.accent_colour):
        errors.setdefault("accent_colour", []).append(
            _("This accent colour gives too little contrast (at least 4.5:1) with the text on it.")
        )
    try:
        municipality.full_clean(exclude=["logo"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def create_municipality(
    *,
    actor: Any,
    name: str,
    slug: str,
    primary_colour: str = "#01689b",
    accent_colour: str = "#e17000",
    contact_email: str = "",
    contact_phone: str = "",
    website: str = "",
    address: str = "",
) -> Municipality:
    municipality = Municipality(
        name=name.strip(),
        slug=slug.strip().lower(),
        primary_colour=primary_colour.lower(),
        accent_colour=accent_colour.lower(),
        contact_email=contact_email.strip(),
        contact_phone=contact_phone.strip(),
        website=website.strip(),
        address=address.strip(),
    )
    _validate(municipality)
    with transaction.atomic(durable=True):
        municipality.save()
        audit.record(
            actor=actor,
            action="tenancy.municipality_created",
            municipality=municipality,
            obj=municipality,
            after=audit.snapshot(municipality, EDITABLE_FIELDS),
        )
    return municipality


def update_municipality(*, actor: Any, municipality: Municipality, **changes: Any) -> Municipality:
    """Change the given fields; a field not in EDITABLE_FIELDS is a programming error."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable municipality fields: {sorted(unknown)}")
    with transaction.atomic(durable=True):
        locked = Municipality.objects.select_for_update().get(pk=municipality.pk)
        before = audit.snapshot(locked, list(changes))
        for name, value in changes.items():
            if isinstance(value, str):
                value = value.strip()
                if name in ("slug", "primary_colour", "accent_colour"):
                    value = value.lower()
            setattr(locked, name, value)
        _validate(locked)
        after = audit.snapshot(locked, list(changes))
        changed = [name for name in changes if before[name] != after[name]]
        if changed:
            locked.save(update_fields=changed)
            audit.record(
                actor=actor,
                action="tenancy.municipality_updated",
                municipality=locked,
                obj=locked,
                before={name: before[name] for name in changed},
                after={name: after[name] for name in changed},
            )
    return locked
