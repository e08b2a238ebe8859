"""The one transition service: lock the row, check, change the state, audit, schedule side effects."""

from __future__ import annotations

from functools import partial
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from buurtbudget.audit import services as audit

from .machine import StateMachine

M = TypeVar("M", bound=models.Model)


class TransitionNotAllowed(Exception):
    """The transition is refused; the message says why, for the person who asked."""


def apply_transition(
    *,
    machine: StateMachine,
    instance: M,
    name: str,
    actor: Any,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> M:
    """Move `instance` along `name` inside the caller's transaction (for composed services)."""
    step = machine.get(name)
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    current = getattr(locked, machine.state_field)
    if current not in step.sources:
        raise TransitionNotAllowed(
            _("This is no longer possible: the status is now '%(state)s'.")
            % {"state": _state_label(machine, locked, current)}
        )
    if step.permission and (actor is None or not actor.has_perm(step.permission, locked)):
        raise TransitionNotAllowed(_("You are not allowed to do this."))
    if step.reason_required and not reason.strip():
        raise TransitionNotAllowed(_("A reason is required."))
    for guard in step.guards:
        problem = guard(locked, actor)
        if problem:
            raise TransitionNotAllowed(problem)

    setattr(locked, machine.state_field, step.target)
    locked.save(update_fields=[machine.state_field])
    audit.record(
        actor=actor,
        action=f"{machine.prefix}.{step.name}",
        municipality=_municipality_of(locked),
        obj=locked,
        before={machine.state_field: current},
        after={machine.state_field: step.target},
        details={"reason": reason, **(details or {})} if reason or details else {},
    )
    for effect in step.after_commit:
        transaction.on_commit(partial(effect, locked, actor))
    # Keep the caller's object in step with the database.
    setattr(instance, machine.state_field, step.target)
    return locked


def transition(
    *,
    machine: StateMachine,
    instance: M,
    name: str,
    actor: Any,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> M:
    """Move `instance` along `name` in its own durable transaction."""
    with transaction.atomic(durable=True):
        return apply_transition(
            machine=machine, instance=instance, name=name, actor=actor, reason=reason, details=details
        )


def _state_label(machine: StateMachine, instance: models.Model, state: str) -> str:
    """The state's label from the field's choices (translated, in the active language), else the raw value."""
    field = instance._meta.get_field(machine.state_field)
    labels = dict(getattr(field, "flatchoices", None) or ())
    return str(labels.get(state, state))


def _municipality_of(instance: models.Model) -> Any:
    from buurtbudget.tenancy.models import Municipality

    if isinstance(instance, Municipality):
        return instance
    municipality = getattr(instance, "municipality", None)
    return municipality if isinstance(municipality, Municipality) else None
