"""URLs for bench/bench_voting.py only: the product's URLs plus one empty view as the baseline."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def empty(request: HttpRequest) -> HttpResponse:
    """The baseline: the same middleware stack, no database work in the view."""
    return HttpResponse(b"", content_type="text/plain")


urlpatterns = [
    path("bench-empty/", empty),
    path("", include("buurtbudget.urls")),
]
