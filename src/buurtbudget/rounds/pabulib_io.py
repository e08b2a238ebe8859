"""Rounds as pabulib files (https://pabulib.org/format): export any round, import a file as a closed round.

The export holds no personal data: voters get sequential ids (1, 2, 3, ...) in an order that says nothing
about who voted when, and a ballot keeps only its plans (and points). The import makes a round in the
execution phase with one plan per project, one ballot per voter and the result counted with greedy, the
Amsterdam practice; either all of it is stored or nothing is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from buurtbudget.areas.models import Area
from buurtbudget.audit import services as audit
from buurtbudget.counting import Election, PabulibError, Project, Voter, parse_pabulib, write_pabulib
from buurtbudget.tenancy.models import Municipality

from .machine import MANAGE
from .models import Phase, Plan, PlanStatus, Round, default_round_rules

IMPORT_RULE = "greedy"
BATCH = 5000
# Our ballot types as pabulib vote types, and back.
EXPORT_VOTE_TYPES = {
    "approval_budget": "approval",
    "approval_count": "approval",
    "cumulative": "cumulative",
    "ranking": "ordinal",
}
BALLOT_STATUSES = (PlanStatus.ON_BALLOT, PlanStatus.FUNDED, PlanStatus.NOT_FUNDED)


class PabulibImportError(Exception):
    """The file cannot be imported; nothing was stored. The message says why (and on which line)."""


# --- export ------------------------------------------------------------------------------------------------


def _euros(cents: int) -> str:
    """Cents as a pabulib amount: whole euros without decimals, otherwise exactly two decimals."""
    value = Decimal(cents) / 100
    return str(value.quantize(Decimal(1)) if cents % 100 == 0 else value.quantize(Decimal("0.01")))


def round_election(*, round: Round) -> Election:
    """The round's plans on the ballot and its ballots as a pabulib election with anonymous voter ids."""
    from buurtbudget.voting.models import Ballot

    plans = list(Plan.objects.filter(round=round, status__in=BALLOT_STATUSES).order_by("pk"))
    source_ids: dict[str, str] = ((round.result or {}).get("source") or {}).get("project_ids") or {}
    ids = {plan.pk: source_ids.get(str(plan.pk), str(plan.pk)) for plan in plans}
    ballot_type = round.rule("ballot_type")
    cumulative = ballot_type == "cumulative"
    voters: list[Voter] = []
    votes = dict.fromkeys(ids, 0)
    # Ordered by the random receipt: the file's order says nothing about the order of voting.
    rows = Ballot.objects.filter(round=round).order_by("receipt").values_list("choices", flat=True)
    for number, choices in enumerate(rows.iterator(chunk_size=BATCH), start=1):
        chosen = [int(i) for i in choices.get("plans", []) if int(i) in ids]
        points: tuple[Decimal, ...] | None = None
        if cumulative:
            by_plan = dict(zip(choices.get("plans", []), choices.get("points", []), strict=False))
            points = tuple(Decimal(by_plan[i]) for i in chosen)
        for position, plan_id in enumerate(chosen):
            votes[plan_id] += int(points[position]) if points is not None else 1
        voters.append(Voter(id=str(number), vote=tuple(ids[i] for i in chosen), points=points))
    result = round.result or {}
    selected = set(result.get("selected", [])) if result else None
    projects = []
    for plan in plans:
        fields = {"votes": str(votes[plan.pk]), "name": plan.title}
        if selected is not None:
            fields["selected"] = "1" if plan.pk in selected else "0"
        projects.append(Project(id=ids[plan.pk], cost=Decimal(_euros(plan.cost_cents)), fields=fields))
    meta = {
        "description": round.name,
        "country": "Netherlands",
        "unit": round.area.name,
        "instance": str(round.pk),
        "num_projects": str(len(projects)),
        "num_votes": str(len(voters)),
        "budget": _euros(round.budget_cents),
        "vote_type": EXPORT_VOTE_TYPES[ballot_type],
        "rule": round.counting_rule,
        "date_begin": round.voting_opens_on.strftime("%d.%m.%Y"),
        "date_end": round.voting_closes_on.strftime("%d.%m.%Y"),
        "currency": "EUR",
        "language": "nl",
    }
    if ballot_type == "approval_count":
        meta["min_length"] = str(round.rule("min_plans"))
        meta["max_length"] = str(round.rule("max_plans"))
    elif ballot_type == "cumulative":
        meta["max_sum_points"] = str(round.rule("points"))
    elif ballot_type == "ranking":
        meta["max_length"] = str(round.rule("max_ranked"))
    return Election(
        meta=meta,
        projects=projects,
        voters=voters,
        project_columns=["project_id", "cost", "votes", "name"]
        + (["selected"] if selected is not None else []),
        vote_columns=["voter_id", "vote"] + (["points"] if cumulative else []),
    )


def export_round(round: Round) -> str:
    """The round as the text of a pabulib file (see `round_election`)."""
    return write_pabulib(round_election(round=round))


def export_filename(round: Round) -> str:
    return f"{round.municipality.slug}_{round.slug}.pb"


# --- import ------------------------------------------------------------------------------------------------


def to_cents(amount: Decimal, what: str) -> int:
    """An amount in euros as whole cents, exactly; PabulibImportError for anything finer than a cent."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise PabulibImportError(
            _("%(what)s is %(amount)s euro: amounts finer than a cent cannot be stored.")
            % {"what": what, "amount": amount}
        )
    return int(cents)


_DAY = re.compile(r"(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_YEAR = re.compile(r"(\d{4})")


def _date(raw: str, end: bool) -> dt.date | None:
    """A META date (dd.mm.yyyy, yyyy-mm-dd or a year) as a date; None if it is not one."""
    raw = raw.strip()
    try:
        if found := _DAY.fullmatch(raw):
            return dt.date(int(found[3]), int(found[2]), int(found[1]))
        if found := _ISO.fullmatch(raw):
            return dt.date(int(found[1]), int(found[2]), int(found[3]))
        if found := _YEAR.fullmatch(raw):
            return dt.date(int(found[1]), 12, 31) if end else dt.date(int(found[1]), 1, 1)
    except ValueError:
        return None
    return None


def _ballot_rules(election: Election) -> dict[str, Any]:
    longest = max((len(v.vote) for v in election.voters), default=1) or 1
    rules = default_round_rules()
    kind = election.vote_type
    if kind == "approval":
        rules["ballot_type"] = "approval_budget"
    elif kind == "choose-1":
        rules.update(ballot_type="approval_count", min_plans=1, max_plans=longest)
    elif kind == "cumulative":
        most = Decimal(0)
        for voter in election.voters:
            for point in voter.points or ():
                if point != point.to_integral_value() or point < 0:
                    raise PabulibImportError(
                        _("Voter %(voter)s gives %(points)s points: only whole points can be stored.")
                        % {"voter": voter.id, "points": point}
                    )
            most = max(most, sum(voter.points or (), Decimal(0)))
        rules.update(ballot_type="cumulative", points=max(int(most), 1))
    else:
        if "points" in election.vote_columns:
            raise PabulibImportError(_("Ranked ballots with their own points cannot be imported."))
        rules.update(ballot_type="ranking", max_ranked=longest)
    rules["max_on_ballot"] = max(len(election.projects), 1)
    return rules


def _slug(municipality: Municipality, election: Election) -> str:
    base = slugify(f"pabulib {election.meta.get('instance', '')} {election.meta.get('description', '')}")[:70]
    base = base.strip("-") or "pabulib"
    slug, n = base, 1
    while Round.objects.filter(municipality=municipality, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def import_pabulib(*, actor: Any, municipality: Municipality, area: Area, text: str) -> Round:
    """Store a pabulib file as a closed round of `area` (execution phase, result counted with greedy).

    `actor` None is the system (the management command). Raises PabulibImportError (nothing stored) when the
    file is malformed or holds what a round cannot: amounts finer than a cent, plans that cost nothing.
    """
    from buurtbudget.voting.counting_bridge import CountingUnavailable
    from buurtbudget.voting.models import Ballot
    from buurtbudget.voting.results import count_round

    if area.municipality_id != municipality.pk:
        raise PabulibImportError(_("This area belongs to another municipality."))
    if actor is not None and not actor.has_perm(MANAGE, area):
        raise PermissionDenied(_("You are not allowed to do this."))
    try:
        election = parse_pabulib(text)
    except PabulibError as error:
        raise PabulibImportError(
            _("The file is not a readable pabulib file: %(problem)s") % {"problem": error}
        ) from error
    if not election.projects:
        raise PabulibImportError(_("The file has no projects."))
    budget_cents = to_cents(election.budget, _("The budget"))
    if budget_cents <= 0:
        raise PabulibImportError(_("The budget must be more than zero."))
    costs: list[int] = []
    for project in election.projects:
        cents = to_cents(project.cost, _("The cost of project %(id)s") % {"id": project.id})
        if cents <= 0:
            raise PabulibImportError(
                _("Project %(id)s costs nothing; every plan must cost more than zero.") % {"id": project.id}
            )
        costs.append(cents)
    rules = _ballot_rules(election)
    today = timezone.localdate()
    begin = _date(election.meta.get("date_begin", ""), end=False) or today
    end = _date(election.meta.get("date_end", ""), end=True) or begin
    begin = min(begin, end)
    description = election.meta.get("description", "").strip()
    name = (
        description
        or _("Imported pabulib election %(instance)s") % {"instance": election.meta.get("instance", "")}
    ).strip()[:200]
    with transaction.atomic(durable=True):
        round = Round.objects.create(
            municipality=municipality,
            area=area,
            name=name,
            slug=_slug(municipality, election),
            description=election.meta.get("comment", ""),
            budget_cents=budget_cents,
            phase=Phase.RESULT,
            plans_open_on=begin,
            support_opens_on=begin,
            feasibility_opens_on=begin,
            selection_opens_on=begin,
            voting_opens_on=begin,
            voting_closes_on=end,
            result_on=end,
            rules=rules,
            counting_rule=IMPORT_RULE,
        )
        plans = Plan.objects.bulk_create(
            Plan(
                round=round,
                area=area,
                title=(project.name or project.id)[:200],
                summary=project.fields.get("description", "") or project.name or project.id,
                status=PlanStatus.ON_BALLOT,
                requested_cents=cents,
                cost_cents=cents,
            )
            for project, cents in zip(election.projects, costs, strict=True)
        )
        plan_of = {project.id: plan.pk for project, plan in zip(election.projects, plans, strict=True)}
        cumulative = rules["ballot_type"] == "cumulative"
        ballots = (
            Ballot(
                round=round,
                area=area,
                choices={
                    "plans": [plan_of[i] for i in voter.vote],
                    "points": [int(p) for p in voter.points or ()] if cumulative else [],
                },
                token=hashlib.sha256(f"pabulib:{round.pk}:{number}".encode()).hexdigest(),
                receipt=secrets.token_hex(8).upper(),
                cast_on=end,
            )
            for number, voter in enumerate(election.voters, start=1)
        )
        Ballot.objects.bulk_create(ballots, batch_size=BATCH)
        try:
            result = count_round(round=round)
        except CountingUnavailable as error:
            raise PabulibImportError(str(error)) from error
        result["turnout"] = {"codes": len(election.voters), "voted": len(election.voters)}
        result["source"] = {
            "format": "pabulib",
            "meta": dict(election.meta),
            "project_ids": {str(plan_of[p.id]): p.id for p in election.projects},
        }
        selected = set(result["selected"])
        Plan.objects.filter(round=round, pk__in=selected).update(status=PlanStatus.FUNDED)
        Plan.objects.filter(round=round).exclude(pk__in=selected).update(status=PlanStatus.NOT_FUNDED)
        now = timezone.now()
        round.result, round.result_counted_at, round.result_confirmed_at = result, now, now
        round.phase = Phase.EXECUTION
        round.save(update_fields=["result", "result_counted_at", "result_confirmed_at", "phase"])
        audit.record(
            actor=actor,
            action="rounds.round.import_pabulib",
            municipality=municipality,
            obj=round,
            details={
                "description": description,
                "instance": election.meta.get("instance", ""),
                "projects": len(plans),
                "ballots": len(election.voters),
                "rule": IMPORT_RULE,
                "selected": result["selected"],
            },
        )
    return round
