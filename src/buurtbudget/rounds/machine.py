"""The lifecycles of a round (its phases) and of a plan, as data for the state machine."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from buurtbudget.statemachine.machine import StateMachine
from buurtbudget.statemachine.machine import transition as step

from .models import Phase, Plan, PlanStatus, Round

P = Phase
S = PlanStatus
MANAGE = "rounds.manage"


def _in_phase(phase: str) -> Any:
    def guard(plan: Plan, actor: Any) -> str | None:
        current = Round.objects.values_list("phase", flat=True).get(pk=plan.round_id)
        if current != phase:
            return _("This is only possible in the phase '%(phase)s'.") % {"phase": Phase(phase).label}
        return None

    return guard


ROUND_MACHINE = StateMachine(
    model=Round,
    state_field="phase",
    audit_prefix="rounds.round",
    transitions=(
        step("open_support", sources=[P.PLANS], target=P.SUPPORT, label="Open support", permission=MANAGE),
        step(
            "open_feasibility",
            sources=[P.SUPPORT],
            target=P.FEASIBILITY,
            label="Start the feasibility check",
            permission=MANAGE,
        ),
        step(
            "open_selection",
            sources=[P.FEASIBILITY],
            target=P.SELECTION,
            label="Start the selection",
            permission=MANAGE,
        ),
        step(
            "open_voting",
            sources=[P.FEASIBILITY, P.SELECTION],
            target=P.VOTING,
            label="Open voting",
            permission=MANAGE,
        ),
        step("close_voting", sources=[P.VOTING], target=P.RESULT, label="Close voting", permission=MANAGE),
        step(
            "confirm_result",
            sources=[P.RESULT],
            target=P.EXECUTION,
            label="Confirm the result",
            permission=MANAGE,
        ),
    ),
)

PLAN_MACHINE = StateMachine(
    model=Plan,
    state_field="status",
    audit_prefix="rounds.plan",
    transitions=(
        # System steps, taken by the round's own phase changes (no permission of their own).
        step("lack_support", sources=[S.SUBMITTED], target=S.INSUFFICIENT_SUPPORT),
        step("put_on_ballot", sources=[S.FEASIBLE], target=S.ON_BALLOT),
        step("fund", sources=[S.ON_BALLOT], target=S.FUNDED),
        step("not_fund", sources=[S.ON_BALLOT], target=S.NOT_FUNDED),
        # District staff during the feasibility check.
        step(
            "mark_feasible",
            sources=[S.SUBMITTED, S.NOT_FEASIBLE],
            target=S.FEASIBLE,
            permission=MANAGE,
            reason_required=True,
            guards=[_in_phase(P.FEASIBILITY)],
        ),
        step(
            "mark_not_feasible",
            sources=[S.SUBMITTED, S.FEASIBLE],
            target=S.NOT_FEASIBLE,
            permission=MANAGE,
            reason_required=True,
            guards=[_in_phase(P.FEASIBILITY)],
        ),
        # The selection commission, when more plans are feasible than fit on the ballot.
        step(
            "select",
            sources=[S.FEASIBLE, S.NOT_SELECTED],
            target=S.ON_BALLOT,
            permission=MANAGE,
            reason_required=True,
            guards=[_in_phase(P.SELECTION)],
        ),
        step(
            "deselect",
            sources=[S.FEASIBLE, S.ON_BALLOT],
            target=S.NOT_SELECTED,
            permission=MANAGE,
            reason_required=True,
            guards=[_in_phase(P.SELECTION)],
        ),
    ),
)
