"""View helpers that apply the one permission mechanism (see permissions.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from buurtbudget.tenancy.models import Municipality


def require_permission(request: HttpRequest, permission: str, obj: Any = None) -> None:
    """Raise 403 unless the signed-in user holds `permission` for `obj`."""
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def municipality_permission_required(
    permission: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """For views under /<gemeente>/...: loads the municipality and checks the permission within it.

    The view receives the municipality object instead of the slug.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, gemeente: str, *args: Any, **kwargs: Any) -> HttpResponse:
            municipality = get_object_or_404(Municipality, slug=gemeente, is_active=True)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require_permission(request, permission, municipality)
            request.municipality = municipality  # type: ignore[attr-defined]
            return view(request, municipality, *args, **kwargs)

        return wrapped

    return decorator
