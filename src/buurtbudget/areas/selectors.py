"""Reading the area tree."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from buurtbudget.tenancy.models import Municipality

from .models import Area


@dataclass
class AreaNode:
    area: Area
    children: list[AreaNode] = field(default_factory=list)


def areas_of(*, municipality: Municipality) -> QuerySet[Area]:
    return Area.objects.filter(municipality=municipality)


def area_tree(*, municipality: Municipality) -> list[AreaNode]:
    """The whole tree in one query, roots (districts) first, children sorted by name."""
    nodes: dict[int, AreaNode] = {}
    roots: list[AreaNode] = []
    for area in areas_of(municipality=municipality).order_by("path"):
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
