"""Writing the vote: the register, letters with stemcodes, blocking codes, casting ballots, closing the vote.

Every function runs in its own durable transaction with its audit event. Ballots never reference a code or a
person (see models.py); audit events about votes name the round only.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import uuid
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtbudget.areas.models import Area
from buurtbudget.audit import services as audit
from buurtbudget.initiatives.lifecycle import INITIATIVE_MACHINE
from buurtbudget.initiatives.models import BudgetLine, Initiative
from buurtbudget.ledger.services import LedgerError
from buurtbudget.rounds.machine import MANAGE, PLAN_MACHINE, ROUND_MACHINE
from buurtbudget.rounds.models import Phase, Plan, PlanStatus, Round
from buurtbudget.schemes import services as scheme_services
from buurtbudget.schemes.models import ProcessModel, Scheme
from buurtbudget.statemachine.services import TransitionNotAllowed, apply_transition
from buurtbudget.tenancy.models import Municipality
from buurtbudget.vouchers import services as vouchers
from buurtbudget.vouchers.models import Voucher, VoucherStatus

from . import codes, fast_cast
from .ballots import BallotPlan, check_choices
from .models import Ballot, CodeStatus, LetterJob, LetterJobStatus, RegisterEntry, VoterCode
from .register import RegisterPlan, plan_register

logger = logging.getLogger(__name__)
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class VotingError(Exception):
    """A voting request is refused; nothing changed. The message says why."""


class UnknownCode(VotingError):
    """No active stemcode of this round matches (counts towards the rate limit)."""


def _require(actor: Any, round: Round) -> None:
    if actor is None or not actor.has_perm(MANAGE, round):
        raise PermissionDenied(_("You are not allowed to do this."))


# --- register and letters -------------------------------------------------------------------------------


def import_register(*, actor: Any, round: Round, file: IO[str] | IO[bytes]) -> tuple[RegisterPlan, int]:
    """Read a register extract; all rows or none. Returns the plan (with per-row errors) and rows added."""
    _require(actor, round)
    if round.phase in (Phase.RESULT, Phase.EXECUTION):
        raise VotingError(_("Voting has closed: the register can no longer change."))
    plan = plan_register(area=round.area, file=file, today=timezone.localdate())
    if not plan.ok:
        return plan, 0
    with transaction.atomic(durable=True):
        Round.objects.select_for_update().get(pk=round.pk)
        existing = {
            (name.casefold(), postcode, number, birth)
            for name, postcode, number, birth in RegisterEntry.objects.filter(round=round).values_list(
                "name", "postcode", "house_number", "birth_date"
            )
        }
        new = [
            RegisterEntry(round=round, **vars(e))
            for e in plan.entries
            if (e.name.casefold(), e.postcode, e.house_number, e.birth_date) not in existing
        ]
        RegisterEntry.objects.bulk_create(new, batch_size=1000)
        audit.record(
            actor=actor,
            action="voting.register.import",
            municipality=round.municipality,
            obj=round,
            details={"rows": len(plan.entries), "added": len(new)},
        )
    return plan, len(new)


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def eligible_without_code(*, round: Round) -> list[RegisterEntry]:
    """Residents old enough, not confidential, without an active code and who have not voted."""
    voting_age = int(round.rule("voting_age"))
    day = round.voting_opens_on
    entries = (
        RegisterEntry.objects.filter(round=round, confidential=False)
        .annotate(
            has_code=Exists(
                VoterCode.objects.filter(entry=OuterRef("pk")).filter(
                    Q(status=CodeStatus.ACTIVE) | Q(used_on__isnull=False)
                )
            )
        )
        .filter(has_code=False)
        .order_by("postcode", "house_number", "name")
    )
    return [e for e in entries if _age_on(e.birth_date, day) >= voting_age]


def request_letters(*, actor: Any, round: Round, vote_url: str) -> LetterJob:
    """Start producing letters for every eligible resident without a code (a background task)."""
    _require(actor, round)
    if round.phase in (Phase.RESULT, Phase.EXECUTION):
        raise VotingError(_("Voting has closed: no more letters can be made."))
    entries = eligible_without_code(round=round)
    if not entries:
        raise VotingError(_("Every resident who may vote already has a code."))
    return _start_job(actor=actor, round=round, entry_ids=[e.pk for e in entries], vote_url=vote_url)


def _start_job(*, actor: Any, round: Round, entry_ids: list[int], vote_url: str) -> LetterJob:
    from .tasks import produce_letters

    with transaction.atomic(durable=True):
        job = LetterJob.objects.create(
            round=round, entry_ids=entry_ids, total=len(entry_ids), created_by=actor, vote_url=vote_url
        )
        audit.record(
            actor=actor,
            action="voting.letters.request",
            municipality=round.municipality,
            obj=round,
            details={"job": job.pk, "letters": len(entry_ids)},
        )
        transaction.on_commit(lambda: produce_letters.delay(job.pk))
    return job


def produce_letters(*, job_id: int) -> LetterJob:
    """The task's work: new codes for the job's residents, one PDF, then codes and file saved together."""
    from .letters import Letter, render_letters

    job = LetterJob.objects.select_related("round__area", "round__municipality").get(pk=job_id)
    if job.status != LetterJobStatus.QUEUED:
        return job  # a retried task does not make a second set of codes
    LetterJob.objects.filter(pk=job.pk).update(status=LetterJobStatus.RUNNING)
    entries = list(
        RegisterEntry.objects.filter(pk__in=job.entry_ids).order_by("postcode", "house_number", "name")
    )
    issued = [(entry, codes.generate_code()) for entry in entries]
    letters = [Letter(e.name, e.address, e.postcode, e.place, codes.format_code(c)) for e, c in issued]
    try:
        pdf = render_letters(
            round=job.round,
            letters=letters,
            vote_url=job.vote_url,
            progress=lambda done: _report_progress(job.pk, done),
        )
        with transaction.atomic(durable=True):
            Round.objects.select_for_update().get(pk=job.round_id)
            taken = VoterCode.objects.filter(entry__in=entries).filter(
                Q(status=CodeStatus.ACTIVE) | Q(used_on__isnull=False)
            )
            if taken.exists():
                raise VotingError(_("Some residents got a code in the meantime. Start again."))
            VoterCode.objects.bulk_create(
                VoterCode(round=job.round, entry=entry, code_hash=codes.code_hash(code))
                for entry, code in issued
            )
            job.file.save(f"stemcodes-{job.round_id}-{job.pk}.pdf", ContentFile(pdf), save=False)
            job.status, job.done, job.finished_at = LetterJobStatus.DONE, len(issued), timezone.now()
            job.save(update_fields=["file", "status", "done", "finished_at"])
            audit.record(
                actor=job.created_by,
                action="voting.letters.produce",
                municipality=job.round.municipality,
                obj=job.round,
                details={"job": job.pk, "codes": len(issued)},
            )
    except Exception as error:
        LetterJob.objects.filter(pk=job.pk).update(
            status=LetterJobStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        job.refresh_from_db()
        if not isinstance(error, VotingError):
            logger.exception("letters job %s failed", job.pk)
    return job


def _report_progress(job_id: int, done: int) -> None:
    # Committed straight away (outside any transaction), so that the progress page sees it.
    LetterJob.objects.filter(pk=job_id).update(done=done)


def delete_letters_file(*, actor: Any, job: LetterJob) -> None:
    """Remove a printed letters file: the codes then exist only on paper."""
    _require(actor, job.round)
    with transaction.atomic(durable=True):
        if job.file:
            job.file.delete(save=False)
            LetterJob.objects.filter(pk=job.pk).update(file="")
        audit.record(
            actor=actor,
            action="voting.letters.delete",
            municipality=job.round.municipality,
            obj=job.round,
            details={"job": job.pk},
        )


def block_and_reissue(*, actor: Any, entry: RegisterEntry, reason: str, vote_url: str) -> LetterJob:
    """Block a resident's code (lost, stolen) and make a new letter; refused once the code was used."""
    round = entry.round
    _require(actor, round)
    if not reason.strip():
        raise VotingError(_("Give a reason for blocking the code."))
    if round.phase in (Phase.RESULT, Phase.EXECUTION):
        raise VotingError(_("Voting has closed: codes can no longer change."))
    with transaction.atomic(durable=True):
        codes_of = list(VoterCode.objects.select_for_update().filter(entry=entry))
        if any(c.used_on for c in codes_of):
            raise VotingError(_("This resident has already voted: the code cannot be replaced."))
        active = [c for c in codes_of if c.status == CodeStatus.ACTIVE]
        for code in active:
            code.status, code.blocked_reason = CodeStatus.BLOCKED, reason.strip()
            code.save(update_fields=["status", "blocked_reason"])
        audit.record(
            actor=actor,
            action="voting.code.block",
            municipality=round.municipality,
            obj=round,
            details={"entry": entry.pk, "reason": reason.strip(), "blocked": len(active)},
        )
    if entry.confidential:
        raise VotingError(_("This resident is marked confidential and gets no letter."))
    return _start_job(actor=actor, round=round, entry_ids=[entry.pk], vote_url=vote_url)


# --- casting a vote -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Voter:
    """What the ballot pages may know about the person holding a code: their area, whether they voted, and
    the code's keys for the next steps (never the code)."""

    area_id: int
    has_voted: bool
    key: codes.VoterKey


def _open_for_voting(round: Round) -> None:
    if round.phase != Phase.VOTING:
        raise VotingError(_("Voting is not open in this round."))
    if timezone.localdate() > round.voting_closes_on:
        raise VotingError(_("Voting has closed."))


def _unknown_or_blocked(status: str | None) -> VotingError:
    if status is None:
        return UnknownCode(_("This stemcode is not known for this round. Check the code on your letter."))
    return VotingError(_("This stemcode has been blocked. Ask the district office for a new one."))


def identify(*, round: Round, code: str) -> Voter:
    """Check a typed code (raises InvalidStemcode, UnknownCode or VotingError)."""
    _open_for_voting(round)
    key = codes.voter_key(round.pk, codes.normalise(code))
    found = (
        VoterCode.objects.filter(round=round, code_hash=key.code_hash)
        .annotate(voted=Exists(Ballot.objects.filter(round=round, token=key.token)))
        .values_list("status", "entry__area_id", "voted")
        .first()
    )
    if found is None or found[0] != CodeStatus.ACTIVE:
        raise _unknown_or_blocked(found[0] if found else None)
    return Voter(area_id=found[1], has_voted=found[2], key=key)


def current_choices(*, round: Round, code: str | codes.VoterKey) -> dict[str, list[int]] | None:
    """The choices of this code's ballot, for changing a vote."""
    key = code if isinstance(code, codes.VoterKey) else codes.voter_key(round.pk, codes.normalise(code))
    choices = Ballot.objects.filter(round=round, token=key.token).values_list("choices", flat=True).first()
    return dict(choices) if choices else None


def check_ballot(*, round: Round, plans: list[Plan], choices: dict[str, Any]) -> dict[str, list[int]]:
    """Check choices against the round's rule and `plans`, the plans of the voter's area as
    rounds.selectors.ballot_plans gives them (raises BallotRefused)."""
    on_ballot = [BallotPlan(p.pk, p.cost_cents) for p in plans]
    return check_choices(rules=round.rules, budget_cents=round.budget_cents, plans=on_ballot, choices=choices)


@dataclass(frozen=True)
class VoteResult:
    receipt: str
    changed: bool


def cast_vote(
    *,
    round: Round,
    code: str,
    choices: dict[str, Any],
    assisted_by: Any = None,
    id_checked: bool = False,
) -> VoteResult:
    """Store the ballot of a typed code (or change it, when the round allows it). One ballot per code, always."""
    key = codes.voter_key(round.pk, codes.normalise(code))
    return cast_ballot(
        round_id=round.pk, key=key, choices=choices, assisted_by=assisted_by, id_checked=id_checked
    )


def cast_ballot(
    *,
    round_id: int,
    key: codes.VoterKey,
    choices: dict[str, Any],
    area_id: int | None = None,
    assisted_by: Any = None,
    id_checked: bool = False,
) -> VoteResult:
    """Store the ballot of the code with these keys, or change it when the round allows it.

    `area_id` is the voter's area as the code step found it (the signed voter state); with it, on PostgreSQL,
    the ballot is checked against the round's ballot as this process knows it and stored in one prepared
    statement that verifies all of that under lock (fast_cast.py). Otherwise, and whenever that path cannot
    vouch for the outcome (a refusal, a stale round, a help-desk vote), four statements in one durable
    transaction decide: the round share-locked with the plans on its ballot, the code marked used (which also
    gives the voter's area), the ballot inserted, or updated when this code has one (INSERT ... ON CONFLICT on
    the unique (round, token) constraint: one ballot per code is the database's guarantee, also under
    concurrent submissions), and the audit event.
    """
    if assisted_by is not None:
        the_round = Round.objects.select_related("municipality", "area").get(pk=round_id)
        if not (id_checked and assisted_by.has_perm(MANAGE, the_round)):
            raise VotingError(_("At the help desk, confirm that you checked the letter and an ID."))
    for attempt in range(3):
        try:
            if assisted_by is None and area_id is not None:
                fast = fast_cast.try_cast(
                    round_id=round_id,
                    code_hash=key.code_hash,
                    token=key.token,
                    area_id=area_id,
                    choices=choices,
                    receipt=_new_receipt(),
                )
                if fast is not None:
                    return VoteResult(receipt=fast[0], changed=fast[1] > 0)
            return _cast(round_id=round_id, key=key, choices=choices, assisted_by=assisted_by)
        except IntegrityError as error:
            # Two ballots drew the same random receipt number (1 in 8e14): draw again.
            if attempt == 2 or "receipt" not in str(error):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


_ROUND_WITH_PLANS = (
    "SELECT r.phase, r.voting_closes_on, r.rules, r.budget_cents, r.municipality_id, r.name, "
    "p.id, p.area_id, p.cost_cents "
    f"FROM {Round._meta.db_table} r JOIN {Municipality._meta.db_table} m ON m.id = r.municipality_id "
    f"LEFT JOIN {Plan._meta.db_table} p ON p.round_id = r.id AND p.status IN (%s, %s, %s) "
    "WHERE r.id = %s AND m.is_active"
)
_CODES = VoterCode._meta.db_table
_MARK_CODE_USED = (
    f"UPDATE {_CODES} SET used_on = COALESCE(used_on, %s), assisted_id_checked = (assisted_id_checked OR %s) "
    "WHERE round_id = %s AND code_hash = %s AND status = %s "
    f"RETURNING (SELECT a.path FROM {RegisterEntry._meta.db_table} e JOIN {Area._meta.db_table} a "
    f"ON a.id = e.area_id WHERE e.id = {_CODES}.entry_id), "
    f"(SELECT e.area_id FROM {RegisterEntry._meta.db_table} e WHERE e.id = {_CODES}.entry_id)"
)
_UPSERT_BALLOT = (
    f"INSERT INTO {Ballot._meta.db_table} "
    "(id, round_id, area_id, choices, token, receipt, cast_on, changed_count) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, 0) ON CONFLICT (round_id, token) "
)
_CHANGE = (
    f"DO UPDATE SET choices = EXCLUDED.choices, changed_count = {Ballot._meta.db_table}.changed_count + 1 "
    "RETURNING receipt, changed_count"
)
_KEEP = "DO NOTHING RETURNING receipt, changed_count"


def _new_receipt() -> str:
    """Ten characters from RECEIPT_ALPHABET, uniformly at random (one draw of 31**10 possibilities)."""
    number, digits = secrets.randbelow(len(RECEIPT_ALPHABET) ** 10), []
    for _i in range(10):
        number, digit = divmod(number, len(RECEIPT_ALPHABET))
        digits.append(RECEIPT_ALPHABET[digit])
    return "".join(digits)


def _db_value(model: type[models.Model], name: str, value: Any) -> Any:
    """A value as the database backend wants it for this field (UUIDs, JSON and dates differ)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.get_db_prep_value(value, connection)


def _cast(*, round_id: int, key: codes.VoterKey, choices: dict[str, Any], assisted_by: Any) -> VoteResult:
    today = timezone.localdate()
    with transaction.atomic(durable=True), connection.cursor() as cursor:
        # Share lock: votes go in parallel with each other, but never while voting is being closed.
        lock = " FOR SHARE OF r" if connection.vendor == "postgresql" else ""
        on_ballot = [PlanStatus.ON_BALLOT, PlanStatus.FUNDED, PlanStatus.NOT_FUNDED]
        cursor.execute(_ROUND_WITH_PLANS + lock, [*on_ballot, round_id])
        rows = cursor.fetchall()
        if not rows:
            raise VotingError(_("Voting is not open in this round."))
        phase, closes_on, rules, budget_cents, municipality_id, name = rows[0][:6]
        fresh = Round(
            pk=round_id,
            municipality_id=municipality_id,
            name=name,
            phase=phase,
            voting_closes_on=Round._meta.get_field("voting_closes_on").to_python(closes_on),
            rules=json.loads(rules) if isinstance(rules, str) else rules,
            budget_cents=budget_cents,
        )
        _open_for_voting(fresh)

        cursor.execute(
            _MARK_CODE_USED,
            [
                _db_value(Ballot, "cast_on", today),
                assisted_by is not None,
                round_id,
                key.code_hash,
                CodeStatus.ACTIVE.value,
            ],
        )
        found = cursor.fetchone()
        if found is None:
            status = (
                VoterCode.objects.filter(round_id=round_id, code_hash=key.code_hash)
                .values_list("status")
                .first()
            )
            raise _unknown_or_blocked(status[0] if status else None)
        path, area_id = found
        ancestors = {int(part) for part in path.strip("/").split("/") if part}
        plans = [BallotPlan(plan, cost) for *_round, plan, area, cost in rows if area in ancestors]
        clean = check_choices(rules=fresh.rules, budget_cents=budget_cents, plans=plans, choices=choices)

        cursor.execute(
            _UPSERT_BALLOT + (_CHANGE if fresh.rule("allow_vote_change") else _KEEP),
            [
                _db_value(Ballot, "id", uuid.uuid4()),
                round_id,
                area_id,
                _db_value(Ballot, "choices", clean),
                key.token,
                _new_receipt(),
                _db_value(Ballot, "cast_on", today),
            ],
        )
        stored = cursor.fetchone()
        if stored is None:
            raise VotingError(
                _("You have already voted with this code. In this round a vote cannot be changed.")
            )
        receipt, changed = stored[0], stored[1] > 0
        # The trail says a vote happened in this round; never whose or which ballot.
        audit.record(
            actor=assisted_by,
            action="voting.ballot.change" if changed else "voting.ballot.cast",
            municipality=Municipality(pk=municipality_id),  # only its key is written
            obj=fresh,
            details={"help_desk": True} if assisted_by is not None else {},
        )
    return VoteResult(receipt=receipt, changed=changed)


# --- closing the vote and the result --------------------------------------------------------------------


def close_voting(*, actor: Any, round: Round) -> Round:
    """Close voting and count the ballots with the round's counting rule; the result stays unpublished."""
    from .counting_bridge import CountingUnavailable
    from .results import count_round

    with transaction.atomic(durable=True):
        moved = apply_transition(machine=ROUND_MACHINE, instance=round, name="close_voting", actor=actor)
        try:
            result = count_round(round=moved)
        except CountingUnavailable as error:
            # Nothing changes: voting stays open until the count can be made.
            raise VotingError(_("The votes cannot be counted: %(why)s") % {"why": error}) from error
        moved.result, moved.result_counted_at = result, timezone.now()
        moved.save(update_fields=["result", "result_counted_at"])
        audit.record(
            actor=actor,
            action="voting.result.count",
            municipality=moved.municipality,
            obj=moved,
            details={"rule": result["rule"], "ballots": result["ballots"], "selected": result["selected"]},
        )
        round.result = moved.result
        return moved


def confirm_result(*, actor: Any, round: Round) -> Round:
    """The district confirms the count: selected plans are funded, the result is published, and each funded
    plan becomes an initiative in execution with a voucher for its cost (SPEC §3 and §4).

    Money: the round's scheme (process model "begroot", made and funded with the round's budget from the
    municipality's source budget when the round has none) is settled first. `vouchers.services.issue_voucher`
    runs only in its own durable transaction, so, as with a regiegroep award, each funded plan first gets its
    voucher (idempotency key per plan) and then, in one durable transaction, its initiative, the link and the
    lifecycle step; if that step fails, the voucher is cancelled and closed again. Every step is idempotent:
    confirming again only finishes plans that are still without an initiative, and is refused otherwise.
    """
    if actor is None or not actor.has_perm(MANAGE, round):
        raise TransitionNotAllowed(_("You are not allowed to do this."))
    current = Round.objects.select_related("municipality", "area", "scheme").get(pk=round.pk)
    unfinished = _unfinished_plans(current)
    if current.phase == Phase.EXECUTION and current.result_confirmed_at is not None and unfinished:
        scheme = _round_scheme(actor=actor, round=current)
        _check_vouchers_fit(scheme=scheme, plans=unfinished)
        _start_initiatives(actor=actor, round=current, scheme=scheme)
        return current
    if current.phase == Phase.RESULT:
        if not current.result:
            raise TransitionNotAllowed(_("There is no count to confirm."))
        selected = set(current.result.get("selected", []))
        scheme = _round_scheme(actor=actor, round=current)
        _check_vouchers_fit(
            scheme=scheme,
            plans=[
                p for p in Plan.objects.filter(round=current, status=PlanStatus.ON_BALLOT) if p.pk in selected
            ],
        )
    with transaction.atomic(durable=True):
        locked = Round.objects.select_for_update().get(pk=round.pk)
        if locked.phase == Phase.RESULT and not locked.result:
            raise TransitionNotAllowed(_("There is no count to confirm."))
        moved = apply_transition(machine=ROUND_MACHINE, instance=locked, name="confirm_result", actor=actor)
        selected = set((moved.result or {}).get("selected", []))
        for plan in Plan.objects.filter(round=moved, status=PlanStatus.ON_BALLOT).order_by("pk"):
            apply_transition(
                machine=PLAN_MACHINE,
                instance=plan,
                name="fund" if plan.pk in selected else "not_fund",
                actor=actor,
            )
        moved.result_confirmed_at = timezone.now()
        moved.save(update_fields=["result_confirmed_at"])
        round.phase, round.result_confirmed_at = moved.phase, moved.result_confirmed_at
    moved = Round.objects.select_related("municipality", "area", "scheme").get(pk=round.pk)
    _start_initiatives(actor=actor, round=moved, scheme=_round_scheme(actor=actor, round=moved))
    round.scheme_id = moved.scheme_id
    return moved


# --- funded plans become initiatives in execution -------------------------------------------------------


def _unfinished_plans(round: Round) -> list[Plan]:
    return list(
        Plan.objects.filter(round=round, status=PlanStatus.FUNDED, initiative__isnull=True)
        .exclude(submitted_by=None)
        .select_related("submitted_by", "area")
        .order_by("pk")
    )


def _round_scheme(*, actor: Any, round: Round) -> Scheme:
    """The round's "begroot" scheme, funded with the round's budget; made now if the round has none."""
    scheme = round.scheme
    if scheme is None:
        slug = f"buurtbudget-{round.pk}"
        scheme = Scheme.objects.filter(municipality=round.municipality, slug=slug).first()
        if scheme is None:
            try:
                scheme = scheme_services.create_scheme(
                    actor=actor,
                    municipality=round.municipality,
                    name=round.name[:200],
                    slug=slug,
                    starts_on=round.plans_open_on,
                    process_model=ProcessModel.BEGROOT,
                    area=round.area,
                    # A voucher carries one funded plan, whatever its cost within the round's budget.
                    rules={"voucher_min_cents": 1, "voucher_max_cents": round.budget_cents},
                )
            except IntegrityError:  # a concurrent confirmation made it
                scheme = Scheme.objects.get(municipality=round.municipality, slug=slug)
        with transaction.atomic(durable=True):
            locked = Round.objects.select_for_update().get(pk=round.pk)
            if locked.scheme_id is None:
                locked.scheme = scheme
                locked.save(update_fields=["scheme"])
                audit.record(
                    actor=actor,
                    action="rounds.round.scheme",
                    municipality=round.municipality,
                    obj=locked,
                    after={"scheme": scheme.pk},
                )
            scheme = Scheme.objects.get(pk=locked.scheme_id or scheme.pk)
        round.scheme = scheme
    if scheme.process_model != ProcessModel.BEGROOT:
        raise VotingError(_("The round's scheme is not a buurtbudget (begroot) scheme."))
    # Idempotent: the ledger returns the first booking for the same key.
    scheme_services.fund_scheme(
        actor=actor,
        scheme=scheme,
        amount_cents=round.budget_cents,
        idempotency_key=f"rounds:round:{round.pk}:fund",
    )
    return scheme


def _check_vouchers_fit(*, scheme: Scheme, plans: list[Plan]) -> None:
    """Refuse (nothing confirmed) when a plan's voucher would break the scheme's rules."""
    if scheme.is_closed:
        raise VotingError(_("The round's scheme is closed: no vouchers can be issued."))
    low, high = int(scheme.rule("voucher_min_cents")), int(scheme.rule("voucher_max_cents"))
    for plan in plans:
        if not low <= plan.cost_cents <= high:
            raise VotingError(
                _("The plan '%(title)s' does not fit the voucher limits of the round's scheme.")
                % {"title": plan.title}
            )


def _voucher_key(plan: Plan) -> str:
    """One voucher per funded plan; a voucher cancelled after a failed step is not reused."""
    base = f"rounds:plan:{plan.pk}:voucher"
    spoiled = Voucher.objects.filter(
        issue_key__startswith=base, status__in=[VoucherStatus.CANCELLED, VoucherStatus.CLOSED]
    ).count()
    return f"{base}:{spoiled}"


def _start_initiatives(*, actor: Any, round: Round, scheme: Scheme) -> None:
    for plan in _unfinished_plans(round):
        _start_initiative(actor=actor, round=round, scheme=scheme, plan=plan)


def _start_initiative(*, actor: Any, round: Round, scheme: Scheme, plan: Plan) -> None:
    from buurtbudget.initiatives.services import _grant_initiator_role

    holder = plan.submitted_by
    assert holder is not None
    key = _voucher_key(plan)
    issued_now = not Voucher.objects.filter(issue_key=key).exists()
    execution_days = int(scheme.rule("execution_term_days"))
    voucher = vouchers.issue_voucher(
        actor=actor,
        scheme=scheme,
        holder=holder,
        amount_cents=plan.cost_cents,
        valid_until=timezone.localdate() + dt.timedelta(days=execution_days),
        conditions="",
        idempotency_key=key,
    )
    try:
        with transaction.atomic(durable=True):
            locked = Plan.objects.select_for_update().get(pk=plan.pk)
            if locked.initiative_id is not None:
                return
            version = scheme_services.ensure_rule_version(scheme=scheme)
            now = timezone.now()
            ends_on = timezone.localdate(now) + dt.timedelta(days=execution_days)
            initiative = Initiative.objects.create(
                municipality=round.municipality,
                scheme=scheme,
                area=locked.area,
                initiator=holder,
                title=locked.title,
                what_and_why=locked.summary,
                requested_cents=locked.cost_cents,
                awarded_cents=locked.cost_cents,
                rule_version=version,
                submitted_at=now,
                decided_at=now,
                execution_ends_on=ends_on,
                accounting_due_on=ends_on + dt.timedelta(days=int(version.rule("accounting_term_days"))),
            )
            lines = list(locked.cost_lines.all())
            if lines and sum(line.amount_cents for line in lines) == locked.cost_cents:
                for position, line in enumerate(lines):
                    BudgetLine.objects.create(
                        initiative=initiative,
                        description=line.description,
                        amount_cents=line.amount_cents,
                        position=position,
                    )
            else:  # the district adjusted the cost: one line with the cost as funded
                BudgetLine.objects.create(
                    initiative=initiative,
                    description=(locked.cost_note or locked.title)[:200],
                    amount_cents=locked.cost_cents,
                )
            _grant_initiator_role(actor=actor, user=holder, initiative=initiative)
            locked.initiative, locked.voucher = initiative, voucher
            locked.save(update_fields=["initiative", "voucher"])
            audit.record(
                actor=actor,
                action="rounds.plan.initiative",
                municipality=round.municipality,
                obj=locked,
                after={"initiative": initiative.pk, "voucher": voucher.pk, "amount_cents": locked.cost_cents},
            )
            apply_transition(
                machine=INITIATIVE_MACHINE,
                instance=initiative,
                name="fund_by_vote",
                actor=actor,
                details={"round": round.pk, "plan": locked.pk, "voucher": voucher.pk},
            )
    except BaseException:
        if issued_now and not Plan.objects.filter(voucher=voucher).exists():
            try:
                cancelled = vouchers.cancel_voucher(
                    voucher=voucher, actor=actor, reason="Plan niet gestart / plan not started"
                )
                vouchers.close_voucher(voucher=cancelled, actor=actor)
            except (TransitionNotAllowed, LedgerError):  # pragma: no cover - already cancelled or closed
                pass
        raise
