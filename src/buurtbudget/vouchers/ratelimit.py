"""Public voucher verification is rate limited per IP address (default: 30 lookups per 10 minutes), in the
cache, so nobody can probe codes. Every lookup counts, valid or not. Behind reverse proxies the address is the
client's, see core/client_ip.py."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from buurtbudget.core.client_ip import client_ip

LIMIT = getattr(settings, "VOUCHER_VERIFY_LIMIT", 30)
WINDOW_SECONDS = getattr(settings, "VOUCHER_VERIFY_WINDOW", 600)


def _key(request: HttpRequest) -> str:
    return f"voucher-verify:ip:{client_ip(request)}"


def count_lookup(request: HttpRequest) -> bool:
    """Count this lookup; False when the client is over the limit (the lookup must not be answered)."""
    key = _key(request)
    if cache.add(key, 1, WINDOW_SECONDS):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= LIMIT
