"""URLs for bench/bench_voting.py only: the product's URLs plus one empty view as the baseline.

With BENCH_STUB_CAST set (bench_voting.py --ceiling), services.cast_ballot is replaced by a stub that stores
nothing, so the vote view's own cost (CSRF, signed state, redirect, cookie) can be measured apart from the write.
"""

from __future__ import annotations

import os

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from buurtbudget.voting import services

if os.environ.get("BENCH_STUB_CAST"):

    def _stored_nothing(**_kwargs: object) -> services.VoteResult:
        return services.VoteResult(receipt="2345678923", changed=False)

    services.cast_ballot = _stored_nothing  # type: ignore[assignment]


def empty(request: HttpRequest) -> HttpResponse:
    """The baseline: the same middleware stack, no database work in the view."""
    return HttpResponse(b"", content_type="text/plain")


urlpatterns = [
    path("bench-empty/", empty),
    path("", include("buurtbudget.urls")),
]
