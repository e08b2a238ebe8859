"""Lifecycles as data: the states and allowed transitions of one kind of object.

Initiatives, vouchers, payment requests and rounds each declare one `StateMachine`; the single service
`statemachine.services.transition` moves objects along it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

Guard = Callable[[Any, Any], str | None]
"""(instance, actor) -> None when allowed, else a message (translated, in the active language) why not."""

SideEffect = Callable[[Any, Any], None]
"""(instance, actor) -> None, run after the transaction commits (e-mail, tasks)."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    label: str = ""
    permission: str | None = None
    reason_required: bool = False
    guards: tuple[Guard, ...] = ()
    after_commit: tuple[SideEffect, ...] = ()


@dataclass(frozen=True)
class StateMachine:
    model: type[models.Model]
    state_field: str
    transitions: tuple[Transition, ...]
    # Optional: where the audit event is filed; defaults to the instance's municipality.
    audit_prefix: str = ""
    by_name: dict[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        choices = getattr(self.model._meta.get_field(self.state_field), "choices", None) or []
        states = {c[0] for c in choices}
        names: dict[str, Transition] = {}
        for transition in self.transitions:
            if transition.name in names:
                raise ValueError(f"duplicate transition {transition.name!r}")
            unknown = (set(transition.sources) | {transition.target}) - states
            if states and unknown:
                raise ValueError(f"transition {transition.name!r} uses unknown states {sorted(unknown)}")
            names[transition.name] = transition
        object.__setattr__(self, "by_name", names)

    @property
    def prefix(self) -> str:
        return self.audit_prefix or self.model._meta.label_lower

    def get(self, name: str) -> Transition:
        try:
            return self.by_name[name]
        except KeyError:
            raise KeyError(f"{self.prefix} has no transition {name!r}") from None

    def available_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def edges(self) -> Iterable[tuple[str, str, str]]:
        """(source, target, transition name): for diagrams and docs."""
        for t in self.transitions:
            for source in sorted(t.sources):
                yield source, t.target, t.name


def transition(
    name: str,
    *,
    sources: Iterable[str],
    target: str,
    label: str = "",
    permission: str | None = None,
    reason_required: bool = False,
    guards: Iterable[Guard] = (),
    after_commit: Iterable[SideEffect] = (),
) -> Transition:
    return Transition(
        name=name,
        sources=frozenset(sources),
        target=target,
        label=label,
        permission=permission,
        reason_required=reason_required,
        guards=tuple(guards),
        after_commit=tuple(after_commit),
    )
