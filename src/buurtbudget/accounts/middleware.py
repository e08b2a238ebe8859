"""Staff roles must use two-factor log-in: until they set it up, they only reach the set-up pages."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .backends import role_assignments
from .permissions import STAFF_ROLES

ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/media/", "/health/")


def needs_two_factor(user: object) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if not any(role in STAFF_ROLES for role, *_ in role_assignments(user)) and not getattr(
        user, "is_staff", False
    ):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireStaffTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.BUURTBUDGET_REQUIRE_STAFF_2FA
            and not request.path.startswith(ALLOWED_PREFIXES)
            and needs_two_factor(request.user)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)
