"""allauth adapter: audit sign-ups and send mail in the user's language."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction

from buurtbudget.audit import services as audit


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def save_user(self, request: Any, user: Any, form: Any, commit: bool = True) -> Any:
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                audit.record(actor=user, action="accounts.signed_up", municipality=None, obj=user)
        return user
