"""Co-creation (model B): start, add participants, propose, agree or disagree, adopt.

Every function runs in a durable transaction that also writes its audit event and its line in the published
co-creation log. Bad input raises `CoCreationError` (a message for people) and changes nothing.

Adoption of a rule change goes through `schemes.services.update_scheme`, which makes a new rule version in its
own durable transaction; the adoption is then recorded in a second one. Both steps are idempotent, so
`adopt_if_agreed` can simply be called again when a process died in between.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtbudget.accounts import services as accounts
from buurtbudget.accounts.models import Role, User
from buurtbudget.accounts.permissions import object_key
from buurtbudget.audit import services as audit
from buurtbudget.schemes import services as schemes
from buurtbudget.schemes.models import DEFAULT_RULES, ProcessModel, Scheme
from buurtbudget.schemes.selectors import current_rule_version

from .models import (
    Agreement,
    CoCreationProcess,
    LogEntry,
    LogEvent,
    Participant,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Side,
)

ROLE_OF_SIDE = {Side.DISTRICT: Role.DISTRICT_OFFICER, Side.REPRESENTATIVE: Role.RESIDENTS_GROUP}


class CoCreationError(Exception):
    """Refused; str(error) is a message for people. Nothing was changed."""


def _log(
    *,
    process: CoCreationProcess,
    event: str,
    participant: Participant | None = None,
    proposal: Proposal | None = None,
    summary: str = "",
    comment: str = "",
) -> LogEntry:
    return LogEntry.objects.create(
        process=process,
        event=event,
        participant=participant,
        proposal=proposal,
        summary=summary[:500],
        comment=comment,
    )


def _check_manager(actor: Any, obj: Any) -> None:
    if actor is None or not actor.has_perm("cocreation.manage", obj):
        raise PermissionDenied("actor may not manage co-creation here")


def participant_of(*, user: Any, process: CoCreationProcess) -> Participant | None:
    """The user's participation, if they hold the participant role for this process (the one permission
    check) and were added to it."""
    if user is None or not user.has_perm("cocreation.participate", process):
        return None
    return Participant.objects.filter(process=process, user_id=user.pk).select_related("user").first()


def _require_participant(actor: Any, process: CoCreationProcess) -> Participant:
    participant = participant_of(user=actor, process=process)
    if participant is None:
        raise PermissionDenied("only participants of this co-creation may do this")
    return participant


def start_process(
    *,
    actor: User,
    scheme: Scheme,
    district_agreements_needed: int = 1,
    representative_agreements_needed: int = 1,
) -> CoCreationProcess:
    _check_manager(actor, scheme)
    if scheme.process_model != ProcessModel.COCREATIE:
        raise CoCreationError(_("Only a scheme with the co-creation process model can be co-created."))
    if district_agreements_needed < 1 or representative_agreements_needed < 1:
        raise CoCreationError(_("At least one district officer and one representative must agree."))
    with transaction.atomic(durable=True):
        if CoCreationProcess.objects.filter(scheme=scheme).exists():
            raise CoCreationError(_("This scheme is already being co-created."))
        process = CoCreationProcess.objects.create(
            scheme=scheme,
            municipality_id=scheme.municipality_id,
            district_agreements_needed=district_agreements_needed,
            representative_agreements_needed=representative_agreements_needed,
        )
        _log(process=process, event=LogEvent.STARTED)
        audit.record(
            actor=actor,
            action="cocreation.start",
            municipality=scheme.municipality,
            obj=process,
            after={
                "scheme": scheme.pk,
                "district_agreements_needed": district_agreements_needed,
                "representative_agreements_needed": representative_agreements_needed,
            },
        )
        return process


def add_participant(
    *, actor: User, process: CoCreationProcess, user: User, side: str, show_name: bool = False
) -> Participant:
    """Give someone the participant role for this process (scoped to it) and add them to the log."""
    _check_manager(actor, process)
    if side not in Side.values:
        raise CoCreationError(_("Choose district or residents' representative."))
    if Participant.objects.filter(process=process, user=user).exists():
        raise CoCreationError(_("This person already takes part."))
    accounts.assign_role(
        actor=actor,
        user=user,
        role=ROLE_OF_SIDE[Side(side)],
        municipality=process.municipality,
        object_key=object_key(process),
    )
    try:
        with transaction.atomic(durable=True):
            participant = Participant.objects.create(
                process=process, user=user, side=side, show_name=show_name
            )
            _log(process=process, event=LogEvent.JOINED, participant=participant)
            audit.record(
                actor=actor,
                action="cocreation.participant_added",
                municipality=process.municipality,
                obj=participant,
                after={"user": user.pk, "side": side, "show_name": show_name},
            )
            return participant
    except IntegrityError:
        raise CoCreationError(_("This person already takes part.")) from None


def _clean_rule_value(scheme: Scheme, rule_key: str, value: Any) -> tuple[Any, Any]:
    """(current, proposed) after checking the rule exists and the value is usable."""
    if rule_key not in DEFAULT_RULES:
        raise CoCreationError(_("This scheme has no rule called “%(rule)s”.") % {"rule": rule_key})
    try:
        cleaned = schemes.clean_rules({**(scheme.rules or {}), rule_key: value})
    except schemes.InvalidRules as error:
        message = error.errors.get(rule_key) or "; ".join(error.errors.values())
        raise CoCreationError(
            _("The value for “%(rule)s” cannot be used: %(why)s") % {"rule": rule_key, "why": message}
        ) from None
    current = scheme.rule(rule_key)
    if cleaned[rule_key] == current:
        raise CoCreationError(_("This rule already has that value."))
    return current, cleaned[rule_key]


def propose(
    *,
    actor: User,
    process: CoCreationProcess,
    kind: str,
    title: str,
    explanation: str = "",
    rule_key: str = "",
    proposed_value: Any = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Proposal:
    """A participant proposes a theme, a phase or a rule change; proposing counts as agreeing."""
    participant = _require_participant(actor, process)
    title = " ".join((title or "").split())
    if not title:
        raise CoCreationError(_("Give the proposal a title."))
    if len(title) > 200:
        raise CoCreationError(_("The title is too long (at most 200 characters)."))
    if kind not in ProposalKind.values:
        raise CoCreationError(_("Choose a theme, a phase or a rule change."))
    current = None
    if kind == ProposalKind.RULE:
        current, proposed_value = _clean_rule_value(process.scheme, rule_key, proposed_value)
    else:
        rule_key, proposed_value = "", None
    if kind == ProposalKind.PHASE:
        if starts_on is None or ends_on is None:
            raise CoCreationError(_("A phase needs a start date and an end date."))
        if ends_on < starts_on:
            raise CoCreationError(_("The end date is before the start date."))
    else:
        starts_on = ends_on = None
    with transaction.atomic(durable=True):
        proposal = Proposal.objects.create(
            process=process,
            kind=kind,
            title=title,
            explanation=(explanation or "").strip(),
            rule_key=rule_key,
            proposed_value=proposed_value,
            current_value=current,
            starts_on=starts_on,
            ends_on=ends_on,
            proposed_by=participant,
        )
        Agreement.objects.create(proposal=proposal, participant=participant, agrees=True)
        _log(
            process=process,
            event=LogEvent.PROPOSED,
            participant=participant,
            proposal=proposal,
            summary=title,
        )
        audit.record(
            actor=actor,
            action="cocreation.propose",
            municipality=process.municipality,
            obj=proposal,
            after={"kind": kind, "title": title, "rule": rule_key, "value": proposed_value},
        )
    return adopt_if_agreed(proposal=proposal)


def respond(*, actor: User, proposal: Proposal, agrees: bool, comment: str = "") -> Agreement:
    """A participant agrees or disagrees (a disagreement needs a comment). Once all parties agreed, the
    proposal is adopted."""
    process = proposal.process
    participant = _require_participant(actor, process)
    comment = (comment or "").strip()
    if not agrees and not comment:
        raise CoCreationError(_("Say why you disagree."))
    try:
        with transaction.atomic(durable=True):
            locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
            if locked.status != ProposalStatus.OPEN:
                raise CoCreationError(_("This proposal is no longer open."))
            agreement = Agreement.objects.create(
                proposal=locked, participant=participant, agrees=agrees, comment=comment
            )
            _log(
                process=process,
                event=LogEvent.AGREED if agrees else LogEvent.DISAGREED,
                participant=participant,
                proposal=locked,
                summary=locked.title,
                comment=comment,
            )
            audit.record(
                actor=actor,
                action="cocreation.respond",
                municipality=process.municipality,
                obj=agreement,
                after={"proposal": locked.pk, "agrees": agrees, "comment": comment},
            )
    except IntegrityError:
        raise CoCreationError(_("You already responded to this proposal.")) from None
    adopt_if_agreed(proposal=proposal)
    return agreement


def withdraw(*, actor: User, proposal: Proposal) -> Proposal:
    participant = _require_participant(actor, proposal.process)
    with transaction.atomic(durable=True):
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.proposed_by_id != participant.pk:
            raise CoCreationError(_("Only the person who made a proposal can withdraw it."))
        if locked.status != ProposalStatus.OPEN:
            raise CoCreationError(_("This proposal is no longer open."))
        locked.status = ProposalStatus.WITHDRAWN
        locked.save(update_fields=["status"])
        _log(
            process=locked.process,
            event=LogEvent.WITHDRAWN,
            participant=participant,
            proposal=locked,
            summary=locked.title,
        )
        audit.record(
            actor=actor,
            action="cocreation.withdraw",
            municipality=locked.process.municipality,
            obj=locked,
            after={"status": locked.status},
        )
        return locked


def all_parties_agreed(*, proposal: Proposal) -> bool:
    """Enough agreements from each side, and nobody disagreed."""
    answers = list(proposal.agreements.values_list("agrees", "participant__side"))
    if any(not agrees for agrees, _side in answers):
        return False
    district = sum(1 for _agrees, side in answers if side == Side.DISTRICT)
    representatives = sum(1 for _agrees, side in answers if side == Side.REPRESENTATIVE)
    process = proposal.process
    return (
        district >= process.district_agreements_needed
        and representatives >= process.representative_agreements_needed
    )


def adopt_if_agreed(*, proposal: Proposal) -> Proposal:
    """Adopt an open proposal once all parties agreed; a rule change becomes a new rule version."""
    proposal.refresh_from_db()
    if proposal.status != ProposalStatus.OPEN or not all_parties_agreed(proposal=proposal):
        return proposal
    process = proposal.process
    scheme = Scheme.objects.get(pk=process.scheme_id)
    if proposal.kind == ProposalKind.RULE:
        schemes.update_scheme(
            actor=None,
            scheme=scheme,
            changes={},
            rules={**(scheme.rules or {}), proposal.rule_key: proposal.proposed_value},
        )
    version = current_rule_version(scheme) if proposal.kind == ProposalKind.RULE else None
    with transaction.atomic(durable=True):
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != ProposalStatus.OPEN:
            return locked
        locked.status = ProposalStatus.ADOPTED
        locked.adopted_at = timezone.now()
        locked.rule_version = version.number if version is not None else None
        locked.save(update_fields=["status", "adopted_at", "rule_version"])
        _log(process=process, event=LogEvent.ADOPTED, proposal=locked, summary=locked.title)
        audit.record(
            actor=None,
            action="cocreation.adopt",
            municipality=process.municipality,
            obj=locked,
            after={
                "rule": locked.rule_key,
                "value": locked.proposed_value,
                "rule_version": locked.rule_version,
            },
        )
        return locked
