"""Wrong stemcodes are rate limited per IP address (default: 10 per 10 minutes), in the cache (Redis).
Behind reverse proxies the address is the client's, see core/client_ip.py.

Also per session when the visitor has one (staff at the help desk); voting itself never creates a session
(see state.py). A correct code costs one cache read; only wrong codes write.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from buurtbudget.core.client_ip import client_ip

LIMIT = getattr(settings, "STEMCODE_ATTEMPTS_LIMIT", 10)
WINDOW_SECONDS = getattr(settings, "STEMCODE_ATTEMPTS_WINDOW", 600)


def _keys(request: HttpRequest) -> list[str]:
    keys = [f"stemcode-fail:ip:{client_ip(request)}"]
    session = getattr(request, "session", None)
    if session is not None and session.session_key:  # the cookie's key: reading it loads nothing
        keys.append(f"stemcode-fail:session:{session.session_key}")
    return keys


def is_blocked(request: HttpRequest) -> bool:
    return any((count or 0) >= LIMIT for count in cache.get_many(_keys(request)).values())


def record_failure(request: HttpRequest) -> None:
    for key in _keys(request):
        if not cache.add(key, 1, WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, WINDOW_SECONDS)
