"""The initiative's lifecycle in the voucher system (SPEC §4), as data for `statemachine.services`.

draft → submitted → (in_consultation) → awarded | rejected | changes_requested (→ submitted) | withdrawn
awarded → in_execution → accounting_due → accounted → settled → closed

Permissions: the initiator's own steps need "initiatives.manage_own" on the initiative (granted by an
object-scoped initiator role when the draft is made); decisions need "regiegroep.decide"; settlement needs
"schemes.manage". Decisions need a reason.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from buurtbudget.notifications.effects import notify_on_transition
from buurtbudget.statemachine.machine import StateMachine, transition

from .models import Initiative
from .models import InitiativeStatus as S

MANAGE_OWN = "initiatives.manage_own"
DECIDE = "regiegroep.decide"
SETTLE = "schemes.manage"


def rule_check_passes(initiative: Any, actor: Any) -> str | None:
    """Guard on submit: the automatic rule check against the rule version in force must pass."""
    from . import rule_check, selectors

    report = rule_check.run(selectors.check_input(initiative=initiative))
    if report.passed:
        return None
    return _("The plan does not meet all rules yet: %(reasons)s") % {
        "reasons": " ".join(r.reason for r in report.failures)
    }


def execution_term_over(initiative: Any, actor: Any) -> str | None:
    if initiative.execution_ends_on and initiative.execution_ends_on < timezone.localdate():
        return None
    return _("The execution term has not ended yet.")


def funded_by_vote(initiative: Any, actor: Any) -> str | None:
    """Guard on fund_by_vote: only the initiative of a plan that the residents' vote funded (rounds app)."""
    from buurtbudget.rounds.models import Plan, PlanStatus

    if Plan.objects.filter(
        initiative_id=initiative.pk, status=PlanStatus.FUNDED, voucher__isnull=False
    ).exists():
        return None
    return _("Only a plan funded by the residents' vote starts this way.")


UNDECIDED = (S.SUBMITTED, S.IN_CONSULTATION)

# Transitions tell the people involved, in their own language, after they commit (SPEC §4). Decisions
# (award, reject, ask for changes, start of execution) and the accounting steps send their own, richer
# letters from regiegroep and accountability, so they carry no generic notice here.
NOTIFY = (notify_on_transition(),)

INITIATIVE_MACHINE = StateMachine(
    model=Initiative,
    state_field="status",
    audit_prefix="initiatives.initiative",
    transitions=(
        transition(
            "submit",
            sources=(S.DRAFT, S.CHANGES_REQUESTED),
            target=S.SUBMITTED,
            label="Submit",
            permission=MANAGE_OWN,
            guards=(rule_check_passes,),
            after_commit=NOTIFY,
        ),
        transition(
            "withdraw",
            sources=(S.DRAFT, S.SUBMITTED, S.IN_CONSULTATION, S.CHANGES_REQUESTED),
            target=S.WITHDRAWN,
            label="Withdraw",
            permission=MANAGE_OWN,
            after_commit=NOTIFY,
        ),
        transition(
            "start_consultation",
            sources=(S.SUBMITTED,),
            target=S.IN_CONSULTATION,
            label="Start consultation",
            permission=DECIDE,
            after_commit=NOTIFY,
        ),
        transition(
            "award",
            sources=UNDECIDED,
            target=S.AWARDED,
            label="Award",
            permission=DECIDE,
            reason_required=True,
        ),
        transition(
            "reject",
            sources=UNDECIDED,
            target=S.REJECTED,
            label="Reject",
            permission=DECIDE,
            reason_required=True,
        ),
        transition(
            "request_changes",
            sources=UNDECIDED,
            target=S.CHANGES_REQUESTED,
            label="Ask for changes",
            permission=DECIDE,
            reason_required=True,
        ),
        transition(
            "start_execution",
            sources=(S.AWARDED,),
            target=S.IN_EXECUTION,
            label="Start execution (voucher issued)",
            permission=DECIDE,
        ),
        # Model A (begroot): the residents' vote and the district's confirmation of the result take the place
        # of submission and award; the plan goes straight into execution with its voucher (voting.services).
        transition(
            "fund_by_vote",
            sources=(S.DRAFT,),
            target=S.IN_EXECUTION,
            label="Funded by the residents' vote",
            permission="rounds.manage",
            guards=(funded_by_vote,),
        ),
        transition(
            "finish_execution",
            sources=(S.IN_EXECUTION,),
            target=S.ACCOUNTING_DUE,
            label="Report the plan as done",
            permission=MANAGE_OWN,
            after_commit=NOTIFY,
        ),
        transition(
            "execution_term_ended",
            sources=(S.IN_EXECUTION,),
            target=S.ACCOUNTING_DUE,
            label="Execution term ended",
            guards=(execution_term_over,),
            after_commit=NOTIFY,
        ),
        transition(
            "account",
            sources=(S.ACCOUNTING_DUE,),
            target=S.ACCOUNTED,
            label="Submit the accounting",
            permission=MANAGE_OWN,
        ),
        transition(
            "return_accounting",
            sources=(S.ACCOUNTED,),
            target=S.ACCOUNTING_DUE,
            label="Ask for a better accounting",
            permission=SETTLE,
            reason_required=True,
        ),
        transition(
            "settle",
            sources=(S.ACCOUNTED,),
            target=S.SETTLED,
            label="Settle",
            permission=SETTLE,
        ),
        transition(
            "close",
            sources=(S.SETTLED,),
            target=S.CLOSED,
            label="Close",
            permission=SETTLE,
            after_commit=NOTIFY,
        ),
    ),
)
