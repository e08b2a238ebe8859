"""Writing rounds and plans: create a round, submit and support plans, check feasibility, select, advance.

Closing the vote and confirming the result live in `voting.services` (they need the ballots).
Every function runs in its own durable transaction, checks the round's phase and the actor's permission,
and writes its audit event in that transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from buurtbudget.areas.models import Area
from buurtbudget.areas.selectors import areas_for_address
from buurtbudget.audit import services as audit
from buurtbudget.audit.models import AuditEvent
from buurtbudget.ledger.services import format_cents
from buurtbudget.schemes.models import Scheme
from buurtbudget.statemachine.services import TransitionNotAllowed, apply_transition
from buurtbudget.tenancy.models import Municipality

from .machine import MANAGE, PLAN_MACHINE, ROUND_MACHINE
from .models import (
    BALLOT_TYPES,
    DEFAULT_ROUND_RULES,
    PHASE_ORDER,
    CostLine,
    Phase,
    Plan,
    PlanStatus,
    Round,
    Support,
    default_round_rules,
)

# Phase changes this module makes; close_voting and confirm_result are in voting.services.
ADVANCES = ("open_support", "open_feasibility", "open_selection", "open_voting")

logger = logging.getLogger(__name__)


class RoundError(Exception):
    """A request about a round or plan is refused; nothing changed. The message says why."""


def _require(actor: Any, obj: Any) -> None:
    if actor is None or not actor.has_perm(MANAGE, obj):
        raise PermissionDenied(_("You are not allowed to do this."))


def lives_in(user: Any, area: Area) -> bool:
    """Whether the user's profile address lies in `area` (or one of its sub-areas)."""
    if not getattr(user, "is_authenticated", False) or not user.postcode:
        return False
    found = areas_for_address(
        postcode=user.postcode, house_number=user.house_number, municipality=area.municipality
    )
    return any(a.pk == area.pk for a in found)


def counting_rules() -> list[str]:
    """The counting engine's rules (the round picks one; default greedy, the Amsterdam practice)."""
    try:
        from buurtbudget.counting.rules import RULES
    except ImportError:  # pragma: no cover - only while the engine is being built
        return ["greedy", "greedy-remainder", "mes", "mes-add1", "phragmen"]
    return sorted(RULES)


def _check_rules(rules: dict[str, Any]) -> dict[str, Any]:
    unknown = set(rules) - set(DEFAULT_ROUND_RULES)
    if unknown:
        raise ValidationError(_("Unknown rules: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    merged = {**default_round_rules(), **rules}
    if merged["ballot_type"] not in BALLOT_TYPES:
        raise ValidationError({"ballot_type": _("Choose a ballot type from the list.")})
    for name, value in merged.items():
        if name in ("ballot_type", "allow_vote_change"):
            continue
        if type(value) is not int or value < 0:
            raise ValidationError(
                _("The rule %(name)s must be a whole number of 0 or more.") % {"name": name}
            )
    if merged["min_plans"] > merged["max_plans"]:
        raise ValidationError({"min_plans": _("The minimum number of plans is above the maximum.")})
    if merged["min_spend_percent"] > 100:
        raise ValidationError({"min_spend_percent": _("The minimum spend is at most 100%.")})
    if merged["max_on_ballot"] < 1 or merged["points"] < 1 or merged["max_ranked"] < 1:
        raise ValidationError(_("The ballot must have room for at least one plan."))
    return merged


def create_round(
    *,
    actor: Any,
    municipality: Municipality,
    area: Area,
    name: str,
    slug: str,
    budget_cents: int,
    plans_open_on: dt.date,
    support_opens_on: dt.date,
    feasibility_opens_on: dt.date,
    voting_opens_on: dt.date,
    voting_closes_on: dt.date,
    result_on: dt.date,
    selection_opens_on: dt.date | None = None,
    description: str = "",
    rules: dict[str, Any] | None = None,
    counting_rule: str = "greedy",
    scheme: Scheme | None = None,
) -> Round:
    if area.municipality_id != municipality.pk:
        raise ValidationError({"area": _("This area belongs to another municipality.")})
    _require(actor, area)
    if type(budget_cents) is not int or budget_cents <= 0:
        raise ValidationError({"budget_cents": _("The budget must be more than zero.")})
    dates = [plans_open_on, support_opens_on, feasibility_opens_on]
    if selection_opens_on is not None:
        dates.append(selection_opens_on)
    dates += [voting_opens_on, voting_closes_on, result_on]
    if any(later < earlier for earlier, later in zip(dates, dates[1:], strict=False)):
        raise ValidationError(_("The phases must follow each other: each date on or after the one before."))
    merged = _check_rules(rules or {})
    if counting_rule not in counting_rules():
        raise ValidationError({"counting_rule": _("Choose a counting rule from the list.")})
    if scheme is not None and scheme.municipality_id != municipality.pk:
        raise ValidationError({"scheme": _("This scheme belongs to another municipality.")})
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                created = Round.objects.create(
                    municipality=municipality,
                    area=area,
                    scheme=scheme,
                    name=name,
                    slug=slug,
                    description=description,
                    budget_cents=budget_cents,
                    plans_open_on=plans_open_on,
                    support_opens_on=support_opens_on,
                    feasibility_opens_on=feasibility_opens_on,
                    selection_opens_on=selection_opens_on,
                    voting_opens_on=voting_opens_on,
                    voting_closes_on=voting_closes_on,
                    result_on=result_on,
                    rules=merged,
                    counting_rule=counting_rule,
                )
        except IntegrityError:
            raise ValidationError({"slug": _("Another round already uses this web address name.")}) from None
        audit.record(
            actor=actor,
            action="rounds.round.create",
            municipality=municipality,
            obj=created,
            after={"area": area.pk, "budget_cents": budget_cents, "rules": merged},
        )
        return created


def _locked_round(round_id: int) -> Round:
    return Round.objects.select_for_update().select_related("area", "municipality").get(pk=round_id)


def _check_legal_entity(round: Round, cost_cents: int, legal_entity: str) -> None:
    limit = int(round.rule("legal_entity_above_cents"))
    if cost_cents > limit and not legal_entity.strip():
        raise ValidationError(
            {
                "legal_entity": _(
                    "A plan above %(limit)s needs a legal entity (for example a foundation or association)."
                )
                % {"limit": format_cents(limit)}
            }
        )


def submit_plan(
    *,
    actor: Any,
    round: Round,
    area: Area,
    title: str,
    summary: str,
    cost_lines: Sequence[tuple[str, int]],
    legal_entity: str = "",
) -> Plan:
    """A resident of the round's area submits a plan with its cost lines while plans are open."""
    if not title.strip() or not summary.strip():
        raise ValidationError(_("Give the plan a title and a description."))
    lines = [(text.strip(), cents) for text, cents in cost_lines]
    if not lines:
        raise ValidationError({"cost_lines": _("Add at least one cost line.")})
    for text, cents in lines:
        if not text or type(cents) is not int or cents <= 0:
            raise ValidationError(
                {"cost_lines": _("Every cost line needs a description and an amount above zero.")}
            )
    total = sum(cents for _text, cents in lines)
    with transaction.atomic(durable=True):
        locked = _locked_round(round.pk)
        if locked.phase != Phase.PLANS:
            raise RoundError(_("Plans can only be submitted while the round is open for plans."))
        if not lives_in(actor, locked.area):
            raise RoundError(
                _("Only residents of %(area)s can submit a plan. Check the address in your profile.")
                % {"area": locked.area.name}
            )
        if area.pk != locked.area_id and locked.area_id not in area.ancestor_ids:
            raise ValidationError({"area": _("Choose an area inside %(area)s.") % {"area": locked.area.name}})
        if total > locked.budget_cents:
            raise ValidationError(
                {
                    "cost_lines": _("The plan costs more than the whole budget of %(budget)s.")
                    % {"budget": format_cents(locked.budget_cents)}
                }
            )
        minimum = int(locked.rule("plan_min_cents"))
        if total < minimum:
            raise ValidationError(
                {"cost_lines": _("A plan costs at least %(min)s.") % {"min": format_cents(minimum)}}
            )
        _check_legal_entity(locked, total, legal_entity)
        plan = Plan.objects.create(
            round=locked,
            area=area,
            title=title.strip(),
            summary=summary.strip(),
            submitted_by=actor,
            legal_entity=legal_entity.strip(),
            requested_cents=total,
            cost_cents=total,
        )
        CostLine.objects.bulk_create(
            CostLine(plan=plan, position=i, description=text, amount_cents=cents)
            for i, (text, cents) in enumerate(lines)
        )
        audit.record(
            actor=actor,
            action="rounds.plan.submit",
            municipality=locked.municipality,
            obj=plan,
            after={"title": plan.title, "cost_cents": total, "area": area.pk},
        )
        return plan


def support_plan(*, actor: Any, plan: Plan) -> bool:
    """A resident of the round's area likes a plan; True when this added a like (twice counts once)."""
    with transaction.atomic(durable=True):
        locked = _locked_round(plan.round_id)
        if locked.phase != Phase.SUPPORT:
            raise RoundError(_("Plans can only be supported during the support phase."))
        if not lives_in(actor, locked.area):
            raise RoundError(
                _("Only residents of %(area)s can support plans. Check the address in your profile.")
                % {"area": locked.area.name}
            )
        if plan.status != PlanStatus.SUBMITTED:
            raise RoundError(_("This plan can no longer be supported."))
        _support, created = Support.objects.get_or_create(plan=plan, user=actor)
        if created:
            audit.record(
                actor=actor, action="rounds.plan.support", municipality=locked.municipality, obj=plan
            )
        return created


def decide_feasibility(*, actor: Any, plan: Plan, feasible: bool, reason: str) -> Plan:
    """District staff mark a plan feasible or not, with a reason that is published."""
    with transaction.atomic(durable=True):
        _locked_round(plan.round_id)  # phase changes wait for this decision, and the other way round
        moved = apply_transition(
            machine=PLAN_MACHINE,
            instance=plan,
            name="mark_feasible" if feasible else "mark_not_feasible",
            actor=actor,
            reason=reason,
        )
        # The reason is published on the plan's page.
        moved.feasibility_reason = plan.feasibility_reason = reason.strip()
        moved.save(update_fields=["feasibility_reason"])
        return moved


def adjust_cost(*, actor: Any, plan: Plan, cost_cents: int, note: str) -> Plan:
    """District staff change a plan's cost during the feasibility check, with a published note."""
    _require(actor, plan)
    if type(cost_cents) is not int or cost_cents <= 0:
        raise ValidationError({"cost_cents": _("The cost must be more than zero.")})
    if not note.strip():
        raise ValidationError({"note": _("Explain why the cost changes.")})
    with transaction.atomic(durable=True):
        locked_round = _locked_round(plan.round_id)
        if locked_round.phase != Phase.FEASIBILITY:
            raise RoundError(_("The cost can only change during the feasibility check."))
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.status not in (PlanStatus.SUBMITTED, PlanStatus.FEASIBLE, PlanStatus.NOT_FEASIBLE):
            raise RoundError(_("The cost of this plan can no longer change."))
        if cost_cents > locked_round.budget_cents:
            raise ValidationError({"cost_cents": _("The cost is more than the whole budget.")})
        _check_legal_entity(locked_round, cost_cents, locked.legal_entity)
        before = locked.cost_cents
        locked.cost_cents = cost_cents
        locked.cost_note = note.strip()
        locked.save(update_fields=["cost_cents", "cost_note"])
        audit.record(
            actor=actor,
            action="rounds.plan.adjust_cost",
            municipality=locked_round.municipality,
            obj=locked,
            before={"cost_cents": before},
            after={"cost_cents": cost_cents},
            details={"note": locked.cost_note},
        )
        plan.cost_cents, plan.cost_note = locked.cost_cents, locked.cost_note
        return locked


def decide_selection(*, actor: Any, plan: Plan, on_ballot: bool, reason: str) -> Plan:
    """The commission puts a feasible plan on the ballot or leaves it off, with a published reason."""
    with transaction.atomic(durable=True):
        _locked_round(plan.round_id)
        moved = apply_transition(
            machine=PLAN_MACHINE,
            instance=plan,
            name="select" if on_ballot else "deselect",
            actor=actor,
            reason=reason,
        )
        moved.selection_reason = plan.selection_reason = reason.strip()
        moved.save(update_fields=["selection_reason"])
        return moved


def set_counting_rule(*, actor: Any, round: Round, rule: str) -> Round:
    """The district picks the counting rule; only before voting opens, so nobody picks it knowing the votes."""
    _require(actor, round)
    if rule not in counting_rules():
        raise ValidationError({"counting_rule": _("Choose a counting rule from the list.")})
    with transaction.atomic(durable=True):
        locked = _locked_round(round.pk)
        if PHASE_ORDER.index(locked.phase) >= PHASE_ORDER.index(Phase.VOTING):
            raise RoundError(_("The counting rule cannot change once voting has opened."))
        before = locked.counting_rule
        locked.counting_rule = round.counting_rule = rule
        locked.save(update_fields=["counting_rule"])
        audit.record(
            actor=actor,
            action="rounds.round.counting_rule",
            municipality=locked.municipality,
            obj=locked,
            before={"counting_rule": before},
            after={"counting_rule": rule},
        )
        return locked


def _status_counts(round: Round) -> dict[str, int]:
    rows = Plan.objects.filter(round=round).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def advance_round(*, actor: Any, round: Round, name: str, reason: str = "") -> Round:
    """Move a round to its next phase (up to voting), with the plans' steps that belong to it."""
    if name not in ADVANCES:
        raise ValueError(f"{name!r} is not a phase change of rounds.services")
    with transaction.atomic(durable=True):
        locked = _locked_round(round.pk)
        step = ROUND_MACHINE.get(name)
        if locked.phase in step.sources:
            _prepare(actor, locked, name)
        moved = apply_transition(
            machine=ROUND_MACHINE, instance=locked, name=name, actor=actor, reason=reason
        )
        round.phase = moved.phase
        return moved


def _prepare(actor: Any, round: Round, name: str) -> None:
    if actor is None or not actor.has_perm(MANAGE, round):
        raise TransitionNotAllowed(_("You are not allowed to do this."))
    counts = _status_counts(round)
    maximum = int(round.rule("max_on_ballot"))
    if name == "open_feasibility":
        threshold = int(round.rule("support_threshold"))
        lacking = (
            Plan.objects.filter(round=round, status=PlanStatus.SUBMITTED)
            .annotate(n=Count("supports"))
            .filter(n__lt=threshold)
        )
        for plan in lacking:
            apply_transition(
                machine=PLAN_MACHINE,
                instance=plan,
                name="lack_support",
                actor=actor,
                details={"threshold": threshold, "supporters": plan.n},
            )
        return
    if name in ("open_selection", "open_voting") and counts.get(PlanStatus.SUBMITTED, 0):
        raise TransitionNotAllowed(_("Decide on the feasibility of every plan first."))
    feasible = counts.get(PlanStatus.FEASIBLE, 0)
    if name == "open_selection" and feasible <= maximum:
        raise TransitionNotAllowed(
            _("All %(n)d feasible plans fit on the ballot (at most %(max)d): open voting instead.")
            % {"n": feasible, "max": maximum}
        )
    if name != "open_voting":
        return
    if round.phase == Phase.FEASIBILITY:
        if feasible > maximum:
            raise TransitionNotAllowed(
                _(
                    "%(n)d plans are feasible but at most %(max)d fit on the ballot: start the selection first."
                )
                % {"n": feasible, "max": maximum}
            )
        for feasible_plan in Plan.objects.filter(round=round, status=PlanStatus.FEASIBLE):
            apply_transition(machine=PLAN_MACHINE, instance=feasible_plan, name="put_on_ballot", actor=actor)
        on_ballot = feasible
    else:
        if feasible:
            raise TransitionNotAllowed(_("Decide for every feasible plan whether it goes on the ballot."))
        on_ballot = counts.get(PlanStatus.ON_BALLOT, 0)
        if on_ballot > maximum:
            raise TransitionNotAllowed(
                _("%(n)d plans are selected but at most %(max)d fit on the ballot.")
                % {"n": on_ballot, "max": maximum}
            )
    if on_ballot == 0:
        raise TransitionNotAllowed(_("There is no plan to vote on."))


# --- the daily run: phases move on their dates ----------------------------------------------------------


class _SystemActor:
    """The platform itself, for the daily run: the audit row reads actor None / "systeem".

    It passes the permission checks of the officer's transitions (it is never a request's user, so no
    person gains a right by it); `is_authenticated` is False, which makes `audit.record` file it as the system.
    """

    is_authenticated = False
    pk = None

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return True

    def __str__(self) -> str:
        return "systeem"


SYSTEM = _SystemActor()
AUTO_WAIT = "rounds.round.auto_wait"
# The phases the daily run moves a round out of; result → execution waits for the district's confirmation.
AUTOMATIC_FROM = (Phase.PLANS, Phase.SUPPORT, Phase.FEASIBILITY, Phase.SELECTION, Phase.VOTING)


@dataclass
class DueRun:
    """What one daily run did: round ids moved (per step), waiting (with the reason) and failed."""

    moved: list[tuple[int, str]] = field(default_factory=list)
    waiting: list[tuple[int, str, str]] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {"moved": len(self.moved), "waiting": len(self.waiting), "failed": len(self.failed)}


def due_step(*, round: Round, today: dt.date) -> str | None:
    """The phase change whose date has arrived for `round`, or None (nothing is due, or a human confirms)."""
    if round.phase == Phase.PLANS and today >= round.support_opens_on:
        return "open_support"
    if round.phase == Phase.SUPPORT and today >= round.feasibility_opens_on:
        return "open_feasibility"
    if round.phase == Phase.FEASIBILITY:
        if (
            round.selection_opens_on is not None
            and today >= round.selection_opens_on
            and _status_counts(round).get(PlanStatus.FEASIBLE, 0) > int(round.rule("max_on_ballot"))
        ):
            return "open_selection"
        if today >= round.voting_opens_on:
            return "open_voting"
        return None
    if round.phase == Phase.SELECTION and today >= round.voting_opens_on:
        return "open_voting"
    if round.phase == Phase.VOTING and today > round.voting_closes_on:  # voting_closes_on is inclusive
        return "close_voting"
    return None


def _due_candidates(today: dt.date) -> QuerySet[Round]:
    return (
        Round.objects.filter(municipality__is_active=True, phase__in=AUTOMATIC_FROM)
        .filter(
            Q(phase=Phase.PLANS, support_opens_on__lte=today)
            | Q(phase=Phase.SUPPORT, feasibility_opens_on__lte=today)
            | Q(phase=Phase.FEASIBILITY, voting_opens_on__lte=today)
            | Q(phase=Phase.FEASIBILITY, selection_opens_on__lte=today)
            | Q(phase=Phase.SELECTION, voting_opens_on__lte=today)
            | Q(phase=Phase.VOTING, voting_closes_on__lt=today)
        )
        .select_related("municipality", "area")
        .order_by("pk")
    )


def advance_due_rounds(*, today: dt.date) -> DueRun:
    """Move every round of an active municipality whose next phase's date has arrived, as the officer would.

    Each step goes through the officer's own service (advance_round, voting.close_voting) with the system as
    actor, in its own durable transaction, so a round behind by several phases moves one step at a time and
    each phase's own work is done (plans lacking support are marked, feasible plans put on the ballot, the
    votes counted with the round's rule). A step the checks refuse needs a human decision: the round waits
    and the reason is recorded once. Running again on the same day changes nothing; one failing round is
    logged and the others still move.
    """
    run = DueRun()
    # Refusals are recorded in the platform's language, whatever the worker's active language is.
    with translation.override(settings.LANGUAGE_CODE):
        for candidate in _due_candidates(today):
            try:
                _advance_one(candidate, today, run)
            except Exception:
                logger.exception("automatic phase change of round %s failed", candidate.pk)
                run.failed.append(candidate.pk)
    return run


def _advance_one(round: Round, today: dt.date, run: DueRun) -> None:
    from buurtbudget.voting import services as voting

    for _step in range(len(PHASE_ORDER)):
        name = due_step(round=round, today=today)
        if name is None:
            return
        try:
            if name == "close_voting":
                voting.close_voting(actor=SYSTEM, round=round)
            else:
                advance_round(actor=SYSTEM, round=round, name=name)
        except (TransitionNotAllowed, RoundError, voting.VotingError) as refusal:
            _record_wait(round, name, refusal)
            run.waiting.append((round.pk, name, str(refusal)))
            return
        run.moved.append((round.pk, name))
        round.refresh_from_db(fields=["phase"])


def _record_wait(round: Round, name: str, refusal: Exception) -> None:
    """Record once (per step and reason) why the daily run left this step to the officer."""
    reason = str(refusal)
    with transaction.atomic(durable=True):
        locked = _locked_round(round.pk)
        latest = last_automatic_event(round=locked)
        if (
            latest is not None
            and latest.action == AUTO_WAIT
            and latest.details.get("step") == name
            and latest.details.get("reason") == reason
            and (latest.before or {}).get("phase") == locked.phase
        ):
            return
        audit.record(
            actor=None,
            action=AUTO_WAIT,
            municipality=locked.municipality,
            obj=locked,
            before={"phase": locked.phase},
            details={"step": name, "reason": reason},
        )


def last_automatic_event(*, round: Round) -> AuditEvent | None:
    """The latest thing the daily run did to this round: a phase change by the system, or a recorded wait."""
    steps = [f"{ROUND_MACHINE.prefix}.{t.name}" for t in ROUND_MACHINE.transitions]
    return (
        AuditEvent.objects.filter(
            object_type=Round._meta.label_lower,
            object_id=str(round.pk),
            actor__isnull=True,
            action__in=[*steps, AUTO_WAIT],
        )
        .order_by("-created_at", "-pk")
        .first()
    )
