"""Public pages: the platform home, a municipality home and an area page."""

from collections.abc import Iterable

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from buurtbudget.areas import selectors as area_selectors
from buurtbudget.areas.models import Area
from buurtbudget.schemes import selectors as scheme_selectors
from buurtbudget.tenancy import selectors as tenancy_selectors
from buurtbudget.tenancy.models import Municipality
from buurtbudget.tenancy.theme import theme_css_for


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"municipalities": tenancy_selectors.active_municipalities()})


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _municipality(request: HttpRequest, slug: str) -> Municipality:
    municipality = get_object_or_404(Municipality, slug=slug, is_active=True)
    request.municipality = municipality  # type: ignore[attr-defined]
    return municipality


def _link_to(municipality: Municipality, areas: Iterable[Area]) -> list[Area]:
    """Every area's URL names its municipality: give them the one we have instead of a query each."""
    linked = list(areas)
    for area in linked:
        area.municipality = municipality
    return linked


def _link_tree(municipality: Municipality, nodes: list[area_selectors.AreaNode]) -> None:
    for node in nodes:
        _link_to(municipality, [node.area])
        _link_tree(municipality, node.children)


@require_GET
def municipality_home(request: HttpRequest, gemeente: str) -> HttpResponse:
    municipality = _municipality(request, gemeente)
    districts = area_selectors.area_tree(municipality=municipality)
    _link_tree(municipality, districts)
    return render(
        request,
        "core/municipality.html",
        {"districts": districts, "open_schemes": scheme_selectors.open_schemes(municipality=municipality)},
    )


@require_GET
def area_page(request: HttpRequest, gemeente: str, area: str) -> HttpResponse:
    municipality = _municipality(request, gemeente)
    the_area = get_object_or_404(area_selectors.areas_of(municipality=municipality), slug=area)
    the_area.municipality = municipality
    return render(
        request,
        "core/area.html",
        {
            "area": the_area,
            "ancestors": _link_to(municipality, area_selectors.ancestors(area=the_area)),
            "children": _link_to(municipality, area_selectors.children(area=the_area)),
            "open_schemes": scheme_selectors.open_schemes(municipality=municipality, area=the_area),
        },
    )


@require_GET
@cache_control(max_age=300, public=True)
def theme_css(request: HttpRequest, gemeente: str) -> HttpResponse:
    municipality = get_object_or_404(Municipality, slug=gemeente)
    return HttpResponse(theme_css_for(municipality), content_type="text/css; charset=utf-8")
