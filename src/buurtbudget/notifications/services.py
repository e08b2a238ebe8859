"""Sending e-mail about what happened, in each recipient's own language, only after the change commits.

`notify` is called inside a service's transaction: it schedules one background task per recipient with
`transaction.on_commit`, so a rolled-back change sends nothing. The task renders
`<template>_subject.txt` and `<template>_body.txt` with the recipient's preferred language active and logs
the mail under an idempotency key (`NotificationLog.key`), so a retried task never sends it twice.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from functools import cache, partial
from typing import Any, cast

from django.conf import settings
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.template import Context, Engine
from django.utils import translation
from django.utils.translation import gettext

from buurtbudget.accounts.models import User

from .models import NotificationLog


def notify(
    *,
    recipients: Iterable[Any],
    template: str,
    context: Mapping[str, Any],
    key: str | None = None,
) -> int:
    """Schedule one e-mail per recipient (users; without an e-mail address or inactive: skipped) for after
    the current transaction commits. `context` must be JSON-safe (strings, numbers, lists, dicts; dates are
    sent as ISO text) because a background worker renders it. A value under a key ending in `_msgid` is an
    (English) message id, translated into the recipient's language as the key without the suffix: e.g.
    `{"state_label_msgid": "Awarded"}` gives `{{ state_label }}` = "Toegekend" in Dutch. `key` names the event: the same key and
    recipient send at most one mail, ever. Returns the number of mails scheduled."""
    plain: dict[str, Any] = json.loads(json.dumps(dict(context), cls=DjangoJSONEncoder))
    event = key or f"once:{uuid.uuid4().hex}"
    seen: set[int] = set()
    for person in recipients:
        if person is None or person.pk in seen or not person.email or not person.is_active:
            continue
        seen.add(person.pk)
        transaction.on_commit(
            partial(
                _enqueue, recipient_id=person.pk, template=template, context=plain, key=f"{event}:{person.pk}"
            )
        )
    return len(seen)


def _enqueue(*, recipient_id: int, template: str, context: dict[str, Any], key: str) -> None:
    from .tasks import send_notification

    send_notification.delay(recipient_id=recipient_id, template=template, context=context, key=key)


@cache
def _engine() -> Engine:
    """Plain-text e-mail templates: no HTML escaping; found in every app's templates/ folder."""
    dirs = [str(d) for backend in settings.TEMPLATES for d in cast(list[Any], backend.get("DIRS", []))]
    return Engine(dirs=dirs, app_dirs=True, autoescape=False, libraries={"i18n": "django.templatetags.i18n"})


def render(*, template: str, context: Mapping[str, Any], language: str) -> tuple[str, str]:
    """(subject, body) of `template` in `language`."""
    values = {"site_url": getattr(settings, "PUBLIC_BASE_URL", "").rstrip("/"), **context}
    with translation.override(language):
        for name, value in context.items():
            if name.endswith("_msgid") and isinstance(value, str):
                values[name.removesuffix("_msgid")] = gettext(value) if value else ""
        subject = _engine().get_template(f"{template}_subject.txt").render(Context(values))
        body = _engine().get_template(f"{template}_body.txt").render(Context(values))
    return " ".join(subject.split())[:255], body.strip() + "\n"


def send(*, recipient_id: int, template: str, context: Mapping[str, Any], key: str) -> bool:
    """Render and send one mail unless its key was sent before. True when sent now."""
    person = User.objects.filter(pk=recipient_id, is_active=True).first()
    if person is None or not person.email:
        return False
    language = person.preferred_language or settings.LANGUAGE_CODE
    subject, body = render(template=template, context=context, language=language)
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                NotificationLog.objects.create(
                    key=key[:255],
                    recipient=person,
                    email=person.email,
                    template=template,
                    language=language,
                    subject=subject,
                )
        except IntegrityError:
            return False  # sent before (a retried or repeated task)
        # Sent inside the transaction: if sending fails, the log row rolls back and a retry sends it.
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
    return True
