"""Public pages: the platform home, a municipality home and an area page."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from buurtbudget.areas import selectors as area_selectors
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


@require_GET
def municipality_home(request: HttpRequest, gemeente: str) -> HttpResponse:
    municipality = _municipality(request, gemeente)
    return render(
        request,
        "core/municipality.html",
        {"districts": area_selectors.area_tree(municipality=municipality), "open_schemes": []},
    )


@require_GET
def area_page(request: HttpRequest, gemeente: str, area: str) -> HttpResponse:
    municipality = _municipality(request, gemeente)
    the_area = get_object_or_404(area_selectors.areas_of(municipality=municipality), slug=area)
    return render(
        request,
        "core/area.html",
        {
            "area": the_area,
            "ancestors": area_selectors.ancestors(area=the_area),
            "children": area_selectors.children(area=the_area),
            "open_schemes": [],
        },
    )


@require_GET
@cache_control(max_age=300, public=True)
def theme_css(request: HttpRequest, gemeente: str) -> HttpResponse:
    municipality = get_object_or_404(Municipality, slug=gemeente)
    return HttpResponse(theme_css_for(municipality), content_type="text/css; charset=utf-8")
