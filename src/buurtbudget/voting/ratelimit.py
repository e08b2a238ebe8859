"""Wrong stemcodes are rate limited per IP address and per session (default: 10 per 10 minutes)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

LIMIT = getattr(settings, "STEMCODE_ATTEMPTS_LIMIT", 10)
WINDOW_SECONDS = getattr(settings, "STEMCODE_ATTEMPTS_WINDOW", 600)


def _keys(request: HttpRequest) -> list[str]:
    if not request.session.session_key:
        request.session.save()
    ip = request.META.get("REMOTE_ADDR", "")
    return [f"stemcode-fail:ip:{ip}", f"stemcode-fail:session:{request.session.session_key}"]


def is_blocked(request: HttpRequest) -> bool:
    return any((cache.get(key) or 0) >= LIMIT for key in _keys(request))


def record_failure(request: HttpRequest) -> None:
    for key in _keys(request):
        if not cache.add(key, 1, WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, WINDOW_SECONDS)
