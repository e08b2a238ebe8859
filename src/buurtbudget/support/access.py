"""Staff pages of roles that may be scoped to an area (contact officials, regiegroep members).

`municipality_permission_required` checks a permission on the municipality itself, which an area-scoped role
does not cover; these pages check the objects they show instead and only need the person to hold one of the
permissions somewhere in this municipality."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from buurtbudget.accounts.backends import role_assignments
from buurtbudget.accounts.permissions import ROLE_PERMISSIONS
from buurtbudget.tenancy.models import Municipality


def holds_in(user: Any, municipality: Municipality, permissions: tuple[str, ...]) -> bool:
    """Whether a role of `user` in `municipality` (at any scope) grants one of `permissions`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return any(
        municipality_id == municipality.pk and ROLE_PERMISSIONS.get(role, frozenset()) & set(permissions)
        for role, municipality_id, _area, _key in role_assignments(user)
    )


def staff_page(*permissions: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, gemeente: str, *args: Any, **kwargs: Any) -> HttpResponse:
            municipality = get_object_or_404(Municipality, slug=gemeente, is_active=True)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not holds_in(request.user, municipality, permissions):
                raise PermissionDenied
            request.municipality = municipality  # type: ignore[attr-defined]
            return view(request, municipality, *args, **kwargs)

        return wrapped

    return decorator
