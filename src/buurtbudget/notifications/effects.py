"""A side effect for any `statemachine` Transition: tell the people involved, in their own language.

    from buurtbudget.notifications.effects import notify_on_transition

    transition("settle", sources=(S.ACCOUNTED,), target=S.SETTLED, permission=SETTLE,
               after_commit=(notify_on_transition("notifications/email/transition"),))

The effect runs after the transition commits (`apply_transition` schedules it with on_commit). It reads
the transition's audit event (name, actor, reason), so a retried effect sends nothing twice while a later
transition into the same state is a new event and is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import translation

from buurtbudget.audit.models import AuditEvent
from buurtbudget.statemachine.machine import SideEffect

from .services import notify

TRANSITION_TEMPLATE = "notifications/email/transition"


def people_involved(instance: Any) -> list[Any]:
    """The initiator (or holder), confirmed co-initiators, the contact official and the chair of the scheme's
    regiegroep, as far as the object has them."""
    people: list[Any] = []
    for attr in ("initiator", "holder", "contact_official"):
        person = getattr(instance, attr, None)
        if person is not None:
            people.append(person)
    co_initiators = getattr(instance, "co_initiators", None)
    if co_initiators is not None:
        people += [c.user for c in co_initiators.filter(confirmed_at__isnull=False, user__isnull=False)]
    scheme_id = getattr(instance, "scheme_id", None)
    if scheme_id is not None and apps.is_installed("buurtbudget.regiegroep"):
        membership = apps.get_model("regiegroep", "Membership")
        people += [
            m.user
            for m in membership.objects.filter(
                group__scheme_id=scheme_id, role="chair", ended_at__isnull=True
            ).select_related("user")
        ]
    return people


def notify_on_transition(
    template: str = TRANSITION_TEMPLATE,
    *,
    recipients: Callable[[Any], list[Any]] = people_involved,
    state_field: str = "status",
) -> SideEffect:
    def effect(instance: models.Model, actor: Any) -> None:
        state = getattr(instance, state_field)
        event = (
            AuditEvent.objects.filter(
                object_type=instance._meta.label_lower,
                object_id=str(instance.pk),
                **{f"after__{state_field}": state},
            )
            .order_by("-pk")
            .first()
        )
        choices = dict(instance._meta.get_field(state_field).choices or [])  # type: ignore[union-attr]
        with translation.override(None):  # the message id, translated per recipient when rendering
            label = str(choices.get(state, state))
        municipality = getattr(instance, "municipality", None)
        notify(
            recipients=recipients(instance),
            template=template,
            context={
                "title": str(instance),
                "state": state,
                "state_label_msgid": label,
                "transition": event.action.rsplit(".", 1)[-1] if event else "",
                "reason": (event.details or {}).get("reason", "") if event else "",
                "actor_name": str(actor) if getattr(actor, "is_authenticated", False) else "",
                "municipality": str(municipality) if municipality is not None else "",
            },
            key=f"transition:{instance._meta.label_lower}:{instance.pk}:{state}:{event.pk if event else 0}",
        )

    return effect
