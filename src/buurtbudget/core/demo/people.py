"""Demo log-ins: accounts with a verified e-mail address, so they can sign in straight away."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from buurtbudget.accounts.models import User
from buurtbudget.audit import services as audit


def ensure_demo_user(
    *, email: str, name: str, password: str, postcode: str = "", house_number: int | None = None
) -> User:
    """The demo account with this e-mail address, created once; a second run changes nothing."""
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        return existing
    with transaction.atomic(durable=True):
        user = User.objects.create_user(
            email, password, name=name, postcode=postcode, house_number=house_number
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        audit.record(
            actor=None,
            action="core.demo_user_created",
            municipality=None,
            obj=user,
            details={"demo": True},
        )
    return user
