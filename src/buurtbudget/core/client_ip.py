"""The address of the client behind a request, for keying rate limits.

Behind reverse proxies REMOTE_ADDR is the nearest proxy's address, the same for every visitor. Each proxy
appends the address it received the request from to X-Forwarded-For, so with N trusted proxies in front of
the app the Nth entry from the right is the address the outermost trusted proxy saw: the client. Entries
further left were written by the client itself and prove nothing.

The setting BUURTBUDGET_TRUSTED_PROXIES says how many proxies there are (default 0). With 0 the header is
never read: anyone can send it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def trusted_proxies() -> int:
    return int(getattr(settings, "BUURTBUDGET_TRUSTED_PROXIES", 0) or 0)


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with trusted proxies the address the outermost one saw.

    Falls back to REMOTE_ADDR when X-Forwarded-For is missing or has fewer entries than there are proxies
    (the request did not come through all of them)."""
    remote_addr = str(request.META.get("REMOTE_ADDR", ""))
    proxies = trusted_proxies()
    if proxies <= 0:
        return remote_addr
    header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop.strip() for hop in header.split(",")] if header.strip() else []
    if len(hops) < proxies or not hops[-proxies]:
        return remote_addr
    return hops[-proxies]
