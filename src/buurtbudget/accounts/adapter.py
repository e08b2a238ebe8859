"""allauth adapter: fill in the profile on sign-up and audit it, in the visitor's language."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction

from buurtbudget.audit import services as audit

from .services import normalise_postcode


def _fill_profile(request: Any, user: Any, data: dict[str, Any]) -> None:
    user.name = data.get("name") or ""
    user.postcode = normalise_postcode(data.get("postcode") or "")
    user.house_number = data.get("house_number")
    user.birth_year = data.get("birth_year")
    language = getattr(request, "LANGUAGE_CODE", "nl")
    user.preferred_language = language if language in {"nl", "en"} else "nl"


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def save_user(self, request: Any, user: Any, form: Any, commit: bool = True) -> Any:
        # The profile is set before allauth's single save, so the audit event sees the finished user.
        _fill_profile(request, user, getattr(form, "cleaned_data", {}))
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                audit.record(
                    actor=user,
                    action="accounts.signed_up",
                    municipality=None,
                    obj=user,
                    details={"language": user.preferred_language},
                )
        return user
