"""Changing the area tree and its postcodes. Each write is one durable, audited transaction."""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.text import slugify
from django.utils.translation import gettext as _

from buurtbudget.audit import services as audit
from buurtbudget.tenancy.models import Municipality

from . import importing
from .models import PARENT_LEVEL, Area, AreaLevel, PostcodeRange
from .postcodes import clean_postcode_range

AREA_FIELDS = ["name", "slug", "code", "description", "parent", "level", "path"]
RANGE_FIELDS = ["area", "postcode_from", "postcode_to", "house_number_from", "house_number_to"]
EDITABLE_AREA_FIELDS = frozenset({"name", "slug", "code", "description", "parent"})


def parent_problem(*, municipality: Municipality, level: str, parent: Area | None) -> str | None:
    """Why `parent` cannot hold an area of `level`, or None when it can."""
    if level not in AreaLevel.values:
        return _("Unknown level %(level)s.") % {"level": level}
    expected = PARENT_LEVEL[AreaLevel(level)]
    if parent is None:
        if expected is None:
            return None
        return _("A %(level)s always lies in a %(parent)s.") % {
            "level": AreaLevel(level).label,
            "parent": AreaLevel(expected).label,
        }
    if parent.municipality_id != municipality.pk:
        return _("The parent area belongs to another municipality.")
    if expected is None:
        return _("A district does not lie in another area.")
    if parent.level != expected:
        return _("A %(level)s lies in a %(parent)s, not in a %(actual)s.") % {
            "level": AreaLevel(level).label,
            "parent": AreaLevel(expected).label,
            "actual": AreaLevel(parent.level).label,
        }
    return None


def unique_slug(*, municipality: Municipality, wanted: str, exclude_pk: int | None = None) -> str:
    base = slugify(wanted)[:70] or "gebied"
    taken = set(
        Area.objects.filter(municipality=municipality, slug__startswith=base)
        .exclude(pk=exclude_pk or 0)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_text(area: Area) -> None:
    if not area.name.strip():
        raise ValidationError({"name": _("Enter a name.")})
    area.full_clean(exclude=["municipality", "parent", "path", "slug"], validate_unique=False)


def _insert_area(
    *,
    municipality: Municipality,
    name: str,
    level: str,
    parent: Area | None,
    slug: str,
    code: str,
    description: str,
) -> Area:
    """Create without opening a transaction or auditing; callers do both."""
    problem = parent_problem(municipality=municipality, level=level, parent=parent)
    if problem:
        raise ValidationError({"parent": problem})
    area = Area(
        municipality=municipality,
        parent=parent,
        level=level,
        name=name.strip(),
        code=code.strip(),
        description=description.strip(),
    )
    _check_text(area)
    area.slug = unique_slug(municipality=municipality, wanted=slug or name)
    area.save()
    area.path = f"{parent.path if parent else '/'}{area.pk}/"
    area.save(update_fields=["path"])
    return area


def create_area(
    *,
    actor: Any,
    municipality: Municipality,
    name: str,
    level: str,
    parent: Area | None = None,
    slug: str = "",
    code: str = "",
    description: str = "",
) -> Area:
    with transaction.atomic(durable=True):
        area = _insert_area(
            municipality=municipality,
            name=name,
            level=level,
            parent=parent,
            slug=slug,
            code=code,
            description=description,
        )
        audit.record(
            actor=actor,
            action="areas.area_created",
            municipality=municipality,
            obj=area,
            after=audit.snapshot(area, AREA_FIELDS),
        )
    return area


def update_area(*, actor: Any, area: Area, **changes: Any) -> Area:
    """Change name/slug/code/description, or move the area (and its subtree) under another parent."""
    unknown = set(changes) - EDITABLE_AREA_FIELDS
    if unknown:
        raise ValueError(f"not editable area fields: {sorted(unknown)}")
    with transaction.atomic(durable=True):
        locked = Area.objects.select_for_update().select_related("municipality").get(pk=area.pk)
        municipality = locked.municipality
        before = audit.snapshot(locked, AREA_FIELDS)
        old_path = locked.path
        for name in ("name", "code", "description"):
            if name in changes:
                setattr(locked, name, str(changes[name]).strip())
        _check_text(locked)
        if "slug" in changes:
            wanted = slugify(str(changes["slug"]).strip())
            if not wanted:
                raise ValidationError({"slug": _("Enter a web address name.")})
            if Area.objects.filter(municipality=municipality, slug=wanted).exclude(pk=locked.pk).exists():
                raise ValidationError({"slug": _("This web address name is already in use.")})
            locked.slug = wanted
        if "parent" in changes and changes["parent"] != locked.parent:
            parent: Area | None = changes["parent"]
            problem = parent_problem(municipality=municipality, level=locked.level, parent=parent)
            if problem is None and parent is not None and parent.path.startswith(old_path):
                problem = _("An area cannot lie within itself.")
            if problem:
                raise ValidationError({"parent": problem})
            locked.parent = parent
            locked.path = f"{parent.path if parent else '/'}{locked.pk}/"
        locked.save()
        if locked.path != old_path:
            # Re-root every descendant's path in one statement.
            Area.objects.filter(municipality=municipality, path__startswith=old_path).exclude(
                pk=locked.pk
            ).update(path=Concat(Value(locked.path), Substr("path", len(old_path) + 1)))
        after = audit.snapshot(locked, AREA_FIELDS)
        changed = [name for name in AREA_FIELDS if before[name] != after[name]]
        if changed:
            audit.record(
                actor=actor,
                action="areas.area_updated",
                municipality=municipality,
                obj=locked,
                before={name: before[name] for name in changed},
                after={name: after[name] for name in changed},
            )
    return locked


def add_postcode_range(
    *,
    actor: Any,
    area: Area,
    postcode_from: str,
    postcode_to: str,
    house_number_from: int | None = None,
    house_number_to: int | None = None,
) -> PostcodeRange:
    pc_from, pc_to = clean_postcode_range(
        postcode_from=postcode_from,
        postcode_to=postcode_to,
        house_number_from=house_number_from,
        house_number_to=house_number_to,
    )
    with transaction.atomic(durable=True):
        postcode_range = PostcodeRange.objects.create(
            area=area,
            postcode_from=pc_from,
            postcode_to=pc_to,
            house_number_from=house_number_from,
            house_number_to=house_number_to,
        )
        audit.record(
            actor=actor,
            action="areas.postcode_range_added",
            municipality=area.municipality,
            obj=postcode_range,
            after=audit.snapshot(postcode_range, RANGE_FIELDS),
        )
    return postcode_range


def remove_postcode_range(*, actor: Any, postcode_range: PostcodeRange) -> None:
    with transaction.atomic(durable=True):
        audit.record(
            actor=actor,
            action="areas.postcode_range_removed",
            municipality=postcode_range.area.municipality,
            obj=postcode_range,
            before=audit.snapshot(postcode_range, RANGE_FIELDS),
        )
        postcode_range.delete()


def import_areas_csv(
    *, actor: Any, municipality: Municipality, file: IO[str] | IO[bytes]
) -> importing.AreaImportResult:
    """Validate every row first; write only when all rows are good; re-importing adds nothing new."""
    plan = importing.plan_import(municipality=municipality, file=file)
    result = plan.result
    if result.errors:
        return result
    with transaction.atomic(durable=True):
        # One import at a time per municipality, so two uploads cannot both create the same area.
        Municipality.objects.select_for_update().get(pk=municipality.pk)
        created: dict[importing.AreaKey, Area] = {}
        for planned in plan.new_areas:
            parent = planned.existing_parent or (created[planned.parent_key] if planned.parent_key else None)
            created[planned.key] = _insert_area(
                municipality=municipality,
                name=planned.name,
                level=planned.level,
                parent=parent,
                slug="",
                code=planned.code,
                description="",
            )
        PostcodeRange.objects.bulk_create(
            PostcodeRange(
                area=planned.existing_area or created[planned.area_key],
                postcode_from=planned.postcode_from,
                postcode_to=planned.postcode_to,
                house_number_from=planned.house_number_from,
                house_number_to=planned.house_number_to,
            )
            for planned in plan.new_ranges
        )
        audit.record(
            actor=actor,
            action="areas.imported",
            municipality=municipality,
            details=result.counts(),
        )
    return result
