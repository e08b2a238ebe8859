"""Two people press the same button at once: the row lock lets exactly one of them through."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection

from buurtbudget.audit.models import AuditEvent
from buurtbudget.statemachine.machine import StateMachine, transition
from buurtbudget.statemachine.services import TransitionNotAllowed
from buurtbudget.statemachine.services import transition as move
from tests.factories import MunicipalityFactory
from tests.testapp.models import Document


def _slow_guard(document: Any, actor: Any) -> None:
    # Holds the row lock long enough that the other thread surely waits on it.
    time.sleep(0.3)
    return None


SLOW = StateMachine(
    model=Document,
    state_field="state",
    transitions=(transition("submit", sources=["draft"], target="submitted", guards=[_slow_guard]),),
)


@pytest.mark.postgres
def test_two_concurrent_transitions_of_one_row_let_exactly_one_succeed(transactional_db: None) -> None:
    document = Document.objects.create(municipality=MunicipalityFactory(), title="Speeltuin")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def press() -> None:
        try:
            start.wait()
            # Each thread loads its own copy, as two web requests would.
            mine = Document.objects.get(pk=document.pk)
            move(machine=SLOW, instance=mine, name="submit", actor=None)
            outcomes.append("ok")
        except TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["ok", "refused"]
    assert Document.objects.get(pk=document.pk).state == "submitted"
    assert AuditEvent.objects.filter(action="testapp.document.submit").count() == 1
