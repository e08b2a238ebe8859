"""Two members record a decision on the same initiative at the same moment: one decision, one voucher."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from buurtbudget.initiatives.models import Initiative, InitiativeStatus
from buurtbudget.regiegroep import services
from buurtbudget.regiegroep.models import Decision, Outcome
from buurtbudget.statemachine.services import TransitionNotAllowed
from buurtbudget.vouchers import selectors as voucher_selectors
from buurtbudget.vouchers.models import Voucher
from tests.factories.initiatives import submitted_initiative
from tests.factories.regiegroep import funded_voucher_scheme, meeting, steering_group

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_awards_make_one_decision_and_one_voucher() -> None:
    group = steering_group(funded_voucher_scheme(), members=2)
    initiative = submitted_initiative(scheme=group.scheme)
    at = meeting(group, agenda=[initiative])
    start = threading.Barrier(2)

    def award(actor):  # type: ignore[no-untyped-def]
        try:
            start.wait()
            services.decide(
                actor=actor, meeting=at, initiative=initiative, outcome=Outcome.AWARD, reasons="Goed plan."
            )
            return "ok"
        except (ValidationError, TransitionNotAllowed):
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(award, [group.chair, group.members[0]]))

    assert sorted(results) == ["ok", "refused"]
    decision = Decision.objects.get()
    assert Initiative.objects.get(pk=initiative.pk).status == InitiativeStatus.IN_EXECUTION
    issued = Voucher.objects.exclude(status__in=["cancelled", "closed"])
    assert list(issued) == [decision.voucher]
    assert voucher_selectors.balance_cents(decision.voucher) == 150_000
    assert sum(voucher_selectors.balance_cents(v) for v in Voucher.objects.all()) == 150_000
