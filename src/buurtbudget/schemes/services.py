"""Scheme budgets: creating schemes, funding them and reserving overhead within the caps of their rules.

Accounts of a scheme (all in the scheme's municipality):
- source_budget ""                      the council's budget; may go negative (minus what it funded)
- scheme_budget "scheme:<id>"           unallocated money of the scheme
- overhead_reserve "scheme:<id>:<cat>"  overhead reserved for execution, communication or support
Entry kinds: FUND ("scheme.fund", source → scheme), RESERVE ("scheme.reserve_overhead", scheme → overhead).
Reversals keep their entry's kind, so "total funded" and "total reserved" are plain sums per kind.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtbudget.audit import services as audit
from buurtbudget.ledger import services as ledger
from buurtbudget.ledger.models import AccountKind, JournalEntry, LedgerAccount
from buurtbudget.ledger.selectors import total_posted
from buurtbudget.tenancy.models import Municipality

from .models import DEFAULT_RULES, Intake, ProcessModel, Scheme, SchemeRound, SchemeRuleVersion, default_rules

FUND = "scheme.fund"
RESERVE = "scheme.reserve_overhead"
RETURN = "scheme.return_to_source"
OVERHEAD_CATEGORIES = ("execution", "communication", "support")


class CapExceeded(ledger.LedgerError):
    """An overhead or support-party cap would be exceeded; nothing was booked."""


def source_account(*, municipality: Municipality) -> LedgerAccount:
    return ledger.account_for(
        municipality=municipality,
        kind=AccountKind.SOURCE_BUDGET,
        name=f"Bronbudget {municipality.name}",
        may_go_negative=True,
    )


def scheme_account(*, scheme: Scheme) -> LedgerAccount:
    return ledger.account_for(
        municipality=scheme.municipality,
        kind=AccountKind.SCHEME_BUDGET,
        owner_key=f"scheme:{scheme.pk}",
        name=f"Budget {scheme.name}",
        scheme=scheme,
    )


def overhead_account(*, scheme: Scheme, category: str) -> LedgerAccount:
    if category not in OVERHEAD_CATEGORIES:
        raise ValueError(f"unknown overhead category {category!r}")
    return ledger.account_for(
        municipality=scheme.municipality,
        kind=AccountKind.OVERHEAD_RESERVE,
        owner_key=f"scheme:{scheme.pk}:{category}",
        name=f"Uitvoeringskosten ({category}) {scheme.name}",
        scheme=scheme,
    )


def ensure_accounts(*, scheme: Scheme) -> None:
    source_account(municipality=scheme.municipality)
    scheme_account(scheme=scheme)
    for category in OVERHEAD_CATEGORIES:
        overhead_account(scheme=scheme, category=category)


def _percent(value: Any) -> Decimal:
    return Decimal(str(value))


def _positive_cents(amount_cents: int) -> None:
    if type(amount_cents) is not int or amount_cents <= 0:
        raise ledger.LedgerError(
            "Het bedrag moet een positief aantal centen zijn. / The amount must be a positive number of cents."
        )


def create_scheme(
    *,
    actor: Any,
    municipality: Municipality,
    name: str,
    slug: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    process_model: str = ProcessModel.VOUCHER,
    area: Any = None,
    rules: dict[str, Any] | None = None,
) -> Scheme:
    with transaction.atomic(durable=True):
        scheme = Scheme.objects.create(
            municipality=municipality,
            area=area,
            name=name,
            slug=slug,
            process_model=process_model,
            starts_on=starts_on,
            ends_on=ends_on,
            rules={**default_rules(), **(rules or {})},
        )
        ensure_accounts(scheme=scheme)
        _new_rule_version(actor=actor, scheme=scheme)
        audit.record(
            actor=actor,
            action="schemes.create",
            municipality=municipality,
            obj=scheme,
            after={"name": name, "process_model": process_model, "rules": scheme.rules},
        )
        return scheme


def fund_scheme(*, actor: Any, scheme: Scheme, amount_cents: int, idempotency_key: str) -> JournalEntry:
    """Move money from the municipality's source budget to the scheme."""
    _positive_cents(amount_cents)
    with transaction.atomic(durable=True):
        return ledger.book(
            municipality=scheme.municipality,
            kind=FUND,
            description=f"Budget voor {scheme.name}",
            idempotency_key=idempotency_key,
            postings=[
                (source_account(municipality=scheme.municipality), -amount_cents),
                (scheme_account(scheme=scheme), amount_cents),
            ],
            actor=actor,
        )


def overhead_totals(*, scheme: Scheme) -> tuple[int, int]:
    """(total funded, total overhead reserved) of a scheme, in cents."""
    funded = total_posted(account=scheme_account(scheme=scheme), entry_kind=FUND)
    reserved = sum(
        total_posted(account=overhead_account(scheme=scheme, category=c), entry_kind=RESERVE)
        for c in OVERHEAD_CATEGORIES
    )
    return funded, reserved


def reserve_overhead(
    *, actor: Any, scheme: Scheme, category: str, amount_cents: int, idempotency_key: str
) -> JournalEntry:
    """Reserve overhead (execution, communication, support) from the scheme budget within the overhead cap.

    The scheme's budget account is locked first, so that concurrent reservations are checked one by one.
    """
    _positive_cents(amount_cents)
    if category not in OVERHEAD_CATEGORIES:
        raise ledger.LedgerError(
            "Kies uitvoering, communicatie of ondersteuning. / Choose execution, communication or support."
        )
    with transaction.atomic(durable=True):
        budget = LedgerAccount.objects.select_for_update().get(pk=scheme_account(scheme=scheme).pk)
        if JournalEntry.objects.filter(idempotency_key=idempotency_key).exists():
            # A retry: `book` returns the first entry (or refuses a different payload) without a cap check.
            pass
        else:
            funded, reserved = overhead_totals(scheme=scheme)
            cap = _percent(scheme.rule("overhead_cap_percent"))
            if (reserved + amount_cents) * 100 > cap * funded:
                f, r = ledger.format_cents(funded), ledger.format_cents(reserved)
                raise CapExceeded(
                    f"Dit gaat boven het plafond voor uitvoeringskosten ({cap}% van {f}; al {r} gereserveerd). / "
                    f"This exceeds the overhead cap ({cap}% of {f}; {r} already reserved)."
                )
        return ledger.book(
            municipality=scheme.municipality,
            kind=RESERVE,
            description=f"Uitvoeringskosten ({category}) {scheme.name}",
            idempotency_key=idempotency_key,
            postings=[
                (budget, -amount_cents),
                (overhead_account(scheme=scheme, category=category), amount_cents),
            ],
            actor=actor,
        )


def check_support_party_cap(*, scheme: Scheme, award_cents: int, support_party_cents: int) -> None:
    """Raise CapExceeded when a support party's costs exceed its cap (default 8%) of one award."""
    if support_party_cents < 0 or award_cents <= 0:
        raise ledger.LedgerError("Ongeldige bedragen. / Invalid amounts.")
    cap = _percent(scheme.rule("support_party_cap_percent"))
    if support_party_cents * 100 > cap * award_cents:
        sp, aw = ledger.format_cents(support_party_cents), ledger.format_cents(award_cents)
        raise CapExceeded(
            f"De kosten van de ondersteuner ({sp}) zijn meer dan {cap}% van het toegekende bedrag ({aw}). / "
            f"The support party's costs ({sp}) exceed {cap}% of the award ({aw})."
        )


def return_to_scheme_or_source(
    *,
    actor: Any,
    scheme: Scheme,
    from_account: LedgerAccount,
    amount_cents: int,
    idempotency_key: str,
    why: str,
) -> JournalEntry:
    """Return unspent money to the scheme, or to the municipality when the scheme has closed.

    Runs inside the caller's transaction (used by vouchers and settlements)."""
    assert connection.in_atomic_block, "return_to_scheme_or_source runs inside the caller's transaction"
    _positive_cents(amount_cents)
    target = (
        source_account(municipality=scheme.municipality)
        if scheme.is_closed
        else scheme_account(scheme=scheme)
    )
    return ledger.book(
        municipality=scheme.municipality,
        kind=RETURN if scheme.is_closed else "scheme.return",
        description=why,
        idempotency_key=idempotency_key,
        postings=[(from_account, -amount_cents), (target, amount_cents)],
        actor=actor,
    )


def close_scheme(*, actor: Any, scheme: Scheme) -> Scheme:
    """Close a scheme: its unallocated budget returns to the municipality's source budget."""
    with transaction.atomic(durable=True):
        locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
        if locked.is_closed:
            raise ledger.LedgerError("Deze regeling is al gesloten. / This scheme is already closed.")
        locked.closed_at = timezone.now()
        locked.save(update_fields=["closed_at"])
        budget = LedgerAccount.objects.select_for_update().get(pk=scheme_account(scheme=locked).pk)
        if budget.balance_cents > 0:
            ledger.book(
                municipality=locked.municipality,
                kind=RETURN,
                description=f"Restbudget {locked.name} terug naar de gemeente",
                idempotency_key=f"scheme:{locked.pk}:close",
                postings=[
                    (budget, -budget.balance_cents),
                    (source_account(municipality=locked.municipality), budget.balance_cents),
                ],
                actor=actor,
            )
        audit.record(
            actor=actor,
            action="schemes.close",
            municipality=locked.municipality,
            obj=locked,
            after={"closed": True},
        )
        scheme.closed_at = locked.closed_at
        return locked


# --- Rule versions -------------------------------------------------------------------------------------------


class InvalidRules(ValueError):
    """Rules that cannot be used; `errors` maps rule names to messages (Dutch / English)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def clean_rules(rules: dict[str, Any]) -> dict[str, Any]:
    """A complete rule set: every known rule (defaults filled in), with the right types and sane values.

    Rules of other process models (e.g. a ballot type of a begroot round) are kept as they are."""
    unknown = [name for name in rules if not isinstance(name, str) or not name.isidentifier()]
    if unknown:
        raise InvalidRules({str(name): _("Unknown rule.") for name in unknown})
    merged = {**default_rules(), **rules}
    errors: dict[str, str] = {}
    for name, default in DEFAULT_RULES.items():
        value = merged[name]
        if isinstance(default, bool):
            if not isinstance(value, bool):
                errors[name] = _("Choose yes or no.")
        elif isinstance(default, int):
            if type(value) is not int or value < 0:
                errors[name] = _("Enter a whole number of 0 or more.")
        elif isinstance(default, list):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors[name] = _("Give a list of purposes.")
    if not errors:
        if merged["voucher_min_cents"] > merged["voucher_max_cents"]:
            errors["voucher_max_cents"] = _("The maximum must be at least the minimum.")
        for name in ("overhead_cap_percent", "support_party_cap_percent"):
            if merged[name] > 100:
                errors[name] = _("A percentage is at most 100.")
    if errors:
        raise InvalidRules(errors)
    return merged


def _new_rule_version(*, actor: Any, scheme: Scheme) -> SchemeRuleVersion:
    assert connection.in_atomic_block
    last = (
        SchemeRuleVersion.objects.filter(scheme=scheme)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return SchemeRuleVersion.objects.create(
        scheme=scheme,
        number=(last or 0) + 1,
        rules=clean_rules(scheme.rules or {}),
        valid_from=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def ensure_rule_version(*, scheme: Scheme) -> SchemeRuleVersion:
    """The rule version in force, creating version 1 from the scheme's rules if it has none yet.

    Runs inside the caller's transaction (e.g. a submission), which locks the scheme row."""
    assert connection.in_atomic_block, "ensure_rule_version runs inside the caller's transaction"
    Scheme.objects.select_for_update().filter(pk=scheme.pk).first()
    current = SchemeRuleVersion.objects.filter(scheme=scheme).order_by("-number").first()
    if current is not None:
        return current
    return _new_rule_version(actor=None, scheme=scheme)


def create_voucher_scheme(
    *,
    actor: Any,
    municipality: Municipality,
    name: str,
    slug: str,
    area: Any,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    intake: str = Intake.ROLLING,
    rules: dict[str, Any] | None = None,
) -> Scheme:
    """A voucher scheme (LSA) for an area and period, with rule version 1."""
    if area is not None and area.municipality_id != municipality.pk:
        raise InvalidRules({"area": _("This area belongs to another municipality.")})
    if ends_on is not None and ends_on < starts_on:
        raise InvalidRules({"ends_on": _("The end date is before the start date.")})
    cleaned = clean_rules(rules or {})
    if intake not in Intake.values:
        raise InvalidRules({"intake": _("Choose rolling or rounds.")})
    scheme = create_scheme(
        actor=actor,
        municipality=municipality,
        name=name,
        slug=slug,
        starts_on=starts_on,
        ends_on=ends_on,
        process_model=ProcessModel.VOUCHER,
        area=area,
        rules=cleaned,
    )
    if intake != Intake.ROLLING:
        with transaction.atomic(durable=True):
            Scheme.objects.filter(pk=scheme.pk).update(intake=intake)
            audit.record(
                actor=actor,
                action="schemes.update",
                municipality=municipality,
                obj=scheme,
                after={"intake": intake},
            )
        scheme.intake = intake
    return scheme


SCHEME_FIELDS = ("name", "area", "starts_on", "ends_on", "intake")


def update_scheme(
    *, actor: Any, scheme: Scheme, changes: dict[str, Any], rules: dict[str, Any] | None = None
) -> Scheme:
    """Change a scheme's details and/or rules. A change of the rules makes a new rule version; initiatives
    submitted before keep being judged by the version they were submitted under."""
    unknown = set(changes) - set(SCHEME_FIELDS)
    if unknown:
        raise ValueError(f"not scheme fields: {sorted(unknown)}")
    cleaned = clean_rules(rules) if rules is not None else None
    area = changes.get("area")
    if area is not None and area.municipality_id != scheme.municipality_id:
        raise InvalidRules({"area": _("This area belongs to another municipality.")})
    with transaction.atomic(durable=True):
        locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
        fields = list(changes)
        before = audit.snapshot(locked, fields + ["rules"])
        for name, value in changes.items():
            setattr(locked, name, value)
        starts, ends = locked.starts_on, locked.ends_on
        if ends is not None and ends < starts:
            raise InvalidRules({"ends_on": _("The end date is before the start date.")})
        version = None
        if cleaned is not None and cleaned != clean_rules(locked.rules or {}):
            locked.rules = cleaned
            fields.append("rules")
            if not SchemeRuleVersion.objects.filter(scheme=locked).exists():
                # Keep the old rules as version 1, so that older submissions stay explained.
                SchemeRuleVersion.objects.create(
                    scheme=locked,
                    number=1,
                    rules=clean_rules(before["rules"] or {}),
                    valid_from=locked.created_at,
                )
            locked.save(update_fields=fields)
            version = _new_rule_version(actor=actor, scheme=locked)
        elif fields:
            locked.save(update_fields=fields)
        audit.record(
            actor=actor,
            action="schemes.update",
            municipality=locked.municipality,
            obj=locked,
            before=before,
            after=audit.snapshot(locked, fields + ["rules"]),
            details={"rule_version": version.number} if version else {},
        )
        return locked


def add_round(*, actor: Any, scheme: Scheme, name: str, opens_on: dt.date, closes_on: dt.date) -> SchemeRound:
    if closes_on < opens_on:
        raise InvalidRules({"closes_on": _("The closing date is before the opening date.")})
    with transaction.atomic(durable=True):
        scheme_round = SchemeRound.objects.create(
            scheme=scheme, name=name, opens_on=opens_on, closes_on=closes_on
        )
        audit.record(
            actor=actor,
            action="schemes.round_added",
            municipality=scheme.municipality,
            obj=scheme,
            after={"round": name, "opens_on": str(opens_on), "closes_on": str(closes_on)},
        )
        return scheme_round
