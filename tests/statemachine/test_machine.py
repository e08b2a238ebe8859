"""A lifecycle with a mistake in it fails when it is declared, not when someone first uses it."""

import pytest

from buurtbudget.statemachine.machine import StateMachine, transition
from tests.testapp.models import Document


def test_an_unknown_target_state_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown states.*'published'"):
        StateMachine(
            model=Document,
            state_field="state",
            transitions=(transition("publish", sources=["approved"], target="published"),),
        )


def test_an_unknown_source_state_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown states.*'archived'"):
        StateMachine(
            model=Document,
            state_field="state",
            transitions=(transition("submit", sources=["archived", "draft"], target="submitted"),),
        )


def test_a_duplicate_transition_name_is_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate transition 'submit'"):
        StateMachine(
            model=Document,
            state_field="state",
            transitions=(
                transition("submit", sources=["draft"], target="submitted"),
                transition("submit", sources=["rejected"], target="submitted"),
            ),
        )


def test_the_audit_action_prefix_defaults_to_the_model_label() -> None:
    machine = StateMachine(
        model=Document,
        state_field="state",
        transitions=(transition("submit", sources=["draft"], target="submitted"),),
    )
    assert machine.prefix == "testapp.document"
    assert (
        StateMachine(model=Document, state_field="state", transitions=(), audit_prefix="docs").prefix
        == "docs"
    )
