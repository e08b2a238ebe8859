"""Reading the area tree."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from buurtbudget.tenancy.models import Municipality

from .models import Area, PostcodeRange
from .postcodes import is_valid_postcode, normalise_postcode


@dataclass
class AreaNode:
    area: Area
    children: list[AreaNode] = field(default_factory=list)


def areas_of(*, municipality: Municipality) -> QuerySet[Area]:
    return Area.objects.filter(municipality=municipality)


def area_tree(*, municipality: Municipality) -> list[AreaNode]:
    """The whole tree in one query, roots (districts) first, children sorted by name."""
    return _tree(list(areas_of(municipality=municipality).order_by("path")))


def _tree(areas: list[Area]) -> list[AreaNode]:
    """Nest areas (parents before children) into nodes, siblings sorted by name."""
    nodes: dict[int, AreaNode] = {}
    roots: list[AreaNode] = []
    for area in areas:
        node = AreaNode(area)
        nodes[area.pk] = node
        parent = nodes.get(area.parent_id) if area.parent_id else None
        (parent.children if parent else roots).append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: n.area.name)
    roots.sort(key=lambda n: n.area.name)
    return roots


def ancestors(*, area: Area) -> list[Area]:
    ids = area.ancestor_ids[:-1]
    by_id = {a.pk: a for a in Area.objects.filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


def children(*, area: Area) -> QuerySet[Area]:
    return area.children.order_by("name")


def area_tree_with_ranges(*, municipality: Municipality) -> list[AreaNode]:
    """The tree for staff pages, each area with its postcode ranges: two queries."""
    areas = areas_of(municipality=municipality).prefetch_related(
        Prefetch(
            "postcode_ranges", queryset=PostcodeRange.objects.order_by("postcode_from", "house_number_from")
        )
    )
    return _tree(list(areas.order_by("path")))


def areas_with_ranges(*, municipality: Municipality) -> QuerySet[Area]:
    """For the open-data API: every area with its parent and postcode ranges."""
    return (
        areas_of(municipality=municipality)
        .select_related("parent")
        .prefetch_related(
            Prefetch(
                "postcode_ranges",
                queryset=PostcodeRange.objects.order_by("postcode_from", "house_number_from"),
            )
        )
        .order_by("path")
    )


def areas_for_address(
    *, postcode: str, house_number: int | None, municipality: Municipality | None = None
) -> list[Area]:
    """The areas an address lies in, with all their ancestors, district first: two queries.

    A range restricted by house numbers only matches a house number inside it, so it never matches
    when no house number is given.
    """
    code = normalise_postcode(postcode)
    if not is_valid_postcode(code):
        return []
    ranges = PostcodeRange.objects.filter(postcode_from__lte=code, postcode_to__gte=code)
    if house_number is None:
        ranges = ranges.filter(house_number_from__isnull=True, house_number_to__isnull=True)
    else:
        ranges = ranges.filter(
            Q(house_number_from__isnull=True) | Q(house_number_from__lte=house_number),
            Q(house_number_to__isnull=True) | Q(house_number_to__gte=house_number),
        )
    if municipality is not None:
        ranges = ranges.filter(area__municipality=municipality)
    ids: set[int] = set()
    for path in ranges.values_list("area__path", flat=True):
        ids.update(int(part) for part in path.strip("/").split("/") if part)
    if not ids:
        return []
    found = Area.objects.filter(pk__in=ids).select_related("municipality")
    return sorted(found, key=lambda a: (a.municipality.name, a.depth, a.name))
