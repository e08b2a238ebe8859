"""Casting a ballot in one prepared statement on PostgreSQL: the path nearly every vote takes.

A round's ballot cannot change while voting is open (its rules, budget and plans are fixed before), so each
process keeps a snapshot of it and checks a voter's choices against that in Python. The statement then does
all the rest at once, under a share lock on the round: it checks that voting is open and that the snapshot
still equals the database (a fingerprint of rules, budget and plans computed by the same SQL expression), that
the code is active and belongs to the voter's area as the signed voter state says, marks the code used,
inserts the ballot (or changes it, when the round allows changes) and writes the audit event. One statement is
one transaction: all of it is stored or none of it. Prepared once per connection, it costs the database about
a third of the four separate statements of services._cast.

Whenever the fast path cannot vouch for the outcome it returns None and changes nothing that matters (at most
it set `used_on` of the voter's own code, which the full path sets too): a refused ballot, an unknown or
blocked code, voting closed, a stale snapshot, a second vote where changes are not allowed. services._cast then
decides with the database under lock and gives the voter the exact reason.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.utils import timezone

from buurtbudget.areas.models import Area
from buurtbudget.audit.models import AuditEvent
from buurtbudget.rounds.models import Phase, Plan, PlanStatus, Round, rule_of
from buurtbudget.tenancy.models import Municipality

from .ballots import BallotPlan, BallotRefused, check_choices
from .models import Ballot, CodeStatus, RegisterEntry, VoterCode

ON_BALLOT = (PlanStatus.ON_BALLOT.value, PlanStatus.FUNDED.value, PlanStatus.NOT_FUNDED.value)
_ROUNDS = Round._meta.db_table
_PLANS = Plan._meta.db_table
# The same expression in the snapshot query and in the cast: equal texts mean an equal ballot.
_FINGERPRINT = (
    "md5(r.rules::text || '|' || r.budget_cents::text || '|' || coalesce(("
    f"SELECT string_agg(p.id::text || ':' || coalesce(p.area_id::text, '') || ':' || p.cost_cents::text, ',' "
    f"ORDER BY p.id) FROM {_PLANS} p WHERE p.round_id = r.id AND p.status IN (%(s1)s, %(s2)s, %(s3)s)), ''))"
)
_SNAPSHOT = (
    f"SELECT r.rules, r.budget_cents, {_FINGERPRINT}, p.id, p.area_id, p.cost_cents FROM {_ROUNDS} r "
    f"LEFT JOIN {_PLANS} p ON p.round_id = r.id AND p.status IN (%(s1)s, %(s2)s, %(s3)s) WHERE r.id = %(round)s"
)
_AUDIT_COLUMNS = ", ".join(
    str(AuditEvent._meta.get_field(name).column)  # type: ignore[union-attr]
    for name in (
        "municipality",
        "actor",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "before",
        "after",
        "details",
        "created_at",
    )
)
_CAST = (
    f"WITH r AS (SELECT r.id, r.municipality_id, r.name FROM {_ROUNDS} r "
    f"JOIN {Municipality._meta.db_table} m ON m.id = r.municipality_id AND m.is_active "
    "WHERE r.id = %(round)s AND r.phase = %(voting)s AND r.voting_closes_on >= %(today)s "
    f"AND {_FINGERPRINT} = %(fingerprint)s FOR SHARE OF r), "
    f"c AS (UPDATE {VoterCode._meta.db_table} v SET used_on = coalesce(v.used_on, %(today)s) FROM r "
    "WHERE v.round_id = r.id AND v.code_hash = %(hash)s AND v.status = %(active)s AND EXISTS ("
    f"SELECT 1 FROM {RegisterEntry._meta.db_table} e JOIN {Area._meta.db_table} a ON a.id = e.area_id "
    "WHERE e.id = v.entry_id AND e.area_id = %(area)s AND a.path = %(path)s) RETURNING v.id), "
    f"b AS (INSERT INTO {Ballot._meta.db_table} "
    "(id, round_id, area_id, choices, token, receipt, cast_on, changed_count) "
    "SELECT %(id)s, %(round)s, %(area)s, %(choices)s::jsonb, %(token)s, %(receipt)s, %(today)s, 0 FROM c "
    "ON CONFLICT (round_id, token) DO UPDATE SET choices = EXCLUDED.choices, "
    f"changed_count = {Ballot._meta.db_table}.changed_count + 1 WHERE %(may_change)s "
    "RETURNING receipt, changed_count), "
    f"a AS (INSERT INTO {AuditEvent._meta.db_table} ({_AUDIT_COLUMNS}) "
    "SELECT r.municipality_id, NULL, 'systeem', CASE WHEN b.changed_count > 0 THEN 'voting.ballot.change' "
    "ELSE 'voting.ballot.cast' END, %(object_type)s, r.id::text, left(r.name, 200), NULL, NULL, '{}'::jsonb, "
    "now() FROM r, b) "
    "SELECT receipt, changed_count FROM b"
)


@dataclass(frozen=True)
class _Ballot:
    rules: dict[str, Any]
    budget_cents: int
    fingerprint: str
    plans: tuple[tuple[int, int | None, int], ...]  # (plan, area, cost)


_snapshots: dict[int, _Ballot] = {}
_area_paths: dict[int, str] = {}
_MAX_CACHED = 256  # rounds (and areas) per process; a full cache simply starts over


class _PreparedCursor(ServerBindingCursor):  # type: ignore[misc]
    """Server-side parameters and a statement prepared once per connection (Django prepares nothing)."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        return super().execute(query, params, prepare=True)


class _LoggedCursor(CursorDebugWrapper):
    """Django's query log (DEBUG, query-count tests) with the statement's text: psycopg keeps no composed text
    for a prepared statement, where Django's log would otherwise show None."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(sql, params, use_last_executed_query=False):
            return CursorWrapper.execute(self, sql, params)


def _cursor() -> Any:
    connection.ensure_connection()
    psycopg_connection = connection.connection
    if psycopg_connection.prepare_threshold is None:
        # Django turns preparing off (None) for connection poolers; an unreachable threshold keeps every
        # other statement unprepared and lets this one be prepared on request. A pooler in transaction mode
        # must support protocol-level prepared statements (PgBouncer 1.21+, max_prepared_statements > 0).
        psycopg_connection.prepare_threshold = 2**31 - 1
    raw = _PreparedCursor(psycopg_connection)
    # Through Django's wrappers (execute wrappers, the query log of DEBUG and of query-count tests).
    return _LoggedCursor(raw, connection) if connection.queries_logged else connection.make_cursor(raw)


def _params(**extra: Any) -> dict[str, Any]:
    return {"s1": ON_BALLOT[0], "s2": ON_BALLOT[1], "s3": ON_BALLOT[2], **extra}


def _snapshot(round_id: int) -> _Ballot | None:
    found = _snapshots.get(round_id)
    if found is not None:
        return found
    with _cursor() as cursor:  # two threads may both load it: the same rows, one kept
        cursor.execute(_SNAPSHOT, _params(round=round_id))
        rows = cursor.fetchall()
    if not rows:
        return None
    rules, budget_cents, fingerprint = rows[0][:3]
    ballot = _Ballot(
        rules=json.loads(rules) if isinstance(rules, str) else rules,
        budget_cents=budget_cents,
        fingerprint=fingerprint,
        plans=tuple((plan, area, cost) for *_r, plan, area, cost in rows if plan is not None),
    )
    if len(_snapshots) >= _MAX_CACHED:
        _snapshots.clear()
    _snapshots[round_id] = ballot
    return ballot


def _area_path(area_id: int) -> str | None:
    path = _area_paths.get(area_id)
    if path is None:
        path = Area.objects.filter(pk=area_id).values_list("path", flat=True).first()
        if path is None:
            return None
        if len(_area_paths) >= _MAX_CACHED:
            _area_paths.clear()
        _area_paths[area_id] = path
    return path


def forget(round_id: int) -> None:
    """Drop a round's snapshot (the next vote loads it again)."""
    _snapshots.pop(round_id, None)


def try_cast(
    *, round_id: int, code_hash: str, token: str, area_id: int, choices: dict[str, Any], receipt: str
) -> tuple[str, int] | None:
    """(receipt, times changed) when the ballot is stored, or None when services._cast must decide."""
    if connection.vendor != "postgresql":
        return None
    ballot = _snapshot(round_id)
    path = _area_path(area_id)
    if ballot is None or path is None:
        return None
    ancestors = {int(part) for part in path.strip("/").split("/") if part}
    plans = [BallotPlan(plan, cost) for plan, area, cost in ballot.plans if area in ancestors]
    try:
        clean = check_choices(
            rules=ballot.rules, budget_cents=ballot.budget_cents, plans=plans, choices=choices
        )
    except BallotRefused:
        return None  # the full path refuses it with the database's own plans, or accepts a stale refusal
    params = _params(
        round=round_id,
        voting=Phase.VOTING.value,
        today=timezone.localdate(),
        fingerprint=ballot.fingerprint,
        hash=code_hash,
        active=CodeStatus.ACTIVE.value,
        area=area_id,
        path=path,
        id=uuid.uuid4(),
        choices=json.dumps(clean),
        token=token,
        receipt=receipt,
        may_change=bool(rule_of(ballot.rules, "allow_vote_change")),
        object_type=Round._meta.label_lower,
    )
    if connection.in_atomic_block:
        # Inside a caller's transaction (tests run in one): refuse real nesting, as every service does.
        with transaction.atomic(durable=True), _cursor() as cursor:
            cursor.execute(_CAST, params)
            stored = cursor.fetchone()
    else:
        # Autocommit: the one statement is the whole transaction, committed before it returns.
        with _cursor() as cursor:
            cursor.execute(_CAST, params)
            stored = cursor.fetchone()
    if stored is None:
        forget(round_id)  # perhaps stale: the next vote reloads it
        return None
    return str(stored[0]), int(stored[1])
