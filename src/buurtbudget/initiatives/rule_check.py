"""The automatic rule check: every rule of a scheme's rule version, with pass/fail and a plain reason.

Pure functions over a `CheckInput` (gathered by `selectors.check_input`), so the same check runs on the
"check & submit" page, in `services.submit` and in the regiegroep's checklist, and is easy to test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurtbudget.ledger.services import format_cents

from .models import BudgetLineKind, FeeRecipient


@dataclass(frozen=True)
class LineInput:
    description: str
    amount_cents: int
    kind: str
    fee_recipient: str = ""
    hours: Decimal | None = None
    hourly_rate_cents: int | None = None


@dataclass(frozen=True)
class CheckInput:
    """Everything the rules look at, already read from the database."""

    rules: Mapping[str, Any]
    today: dt.date
    scheme_open: bool
    title: str = ""
    what_and_why: str = ""
    for_whom: str = ""
    location: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    lines: tuple[LineInput, ...] = ()
    # Area ids of the initiator's home address (with ancestors) and of the initiative's place.
    home_area_ids: frozenset[int] = frozenset()
    has_home_address: bool = False
    place_area_ids: frozenset[int] = frozenset()
    has_place: bool = False
    # The scheme's area; None means the whole municipality (then any area of it counts).
    scheme_area_id: int | None = None
    birth_year: int | None = None
    parental_consent: bool = False
    excluded_purposes_declared: bool = False
    confirmed_co_initiators: int = 0
    # The initiator works on schemes of this municipality (budget manager, contact official, ...).
    initiator_is_scheme_staff: bool = False

    @property
    def requested_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)


@dataclass(frozen=True)
class RuleResult:
    rule: str
    label: str
    passed: bool
    reason: str
    # A failing blocking rule stops a submission; other results are information (e.g. a consultation follows).
    blocking: bool = True


@dataclass(frozen=True)
class CheckReport:
    results: tuple[RuleResult, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results if r.blocking)

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if r.blocking and not r.passed]


def _eur(cents: int) -> str:
    return format_cents(int(cents))


def _in_scheme_area(area_ids: frozenset[int], scheme_area_id: int | None) -> bool:
    return bool(area_ids) and (scheme_area_id is None or scheme_area_id in area_ids)


def check_scheme_open(data: CheckInput) -> RuleResult:
    label = _("Scheme open")
    if data.scheme_open:
        return RuleResult("scheme_open", label, True, _("This scheme takes initiatives now."))
    return RuleResult(
        "scheme_open", label, False, _("This scheme does not take initiatives now. Look for an open scheme.")
    )


def check_complete(data: CheckInput) -> RuleResult:
    label = _("Plan complete")
    missing = [
        name
        for name, value in (
            (_("title"), data.title),
            (_("what and why"), data.what_and_why),
            (_("for whom"), data.for_whom),
            (_("where"), data.location),
            (_("when"), data.starts_on and data.ends_on),
            (_("budget"), data.lines),
        )
        if not value
    ]
    if not missing:
        return RuleResult("complete", label, True, _("You filled in everything we need."))
    return RuleResult(
        "complete", label, False, _("Still to fill in: %(missing)s.") % {"missing": ", ".join(missing)}
    )


def check_amount(data: CheckInput) -> RuleResult:
    label = _("Amount")
    low, high = int(data.rules["voucher_min_cents"]), int(data.rules["voucher_max_cents"])
    total = data.requested_cents
    values = {"amount": _eur(total), "min": _eur(low), "max": _eur(high)}
    if total < low:
        return RuleResult(
            "amount", label, False, _("You ask for %(amount)s. The minimum is %(min)s.") % values
        )
    if total > high:
        return RuleResult(
            "amount", label, False, _("You ask for %(amount)s. The maximum is %(max)s.") % values
        )
    return RuleResult(
        "amount", label, True, _("You ask for %(amount)s. That is between %(min)s and %(max)s.") % values
    )


def check_residency(data: CheckInput) -> RuleResult:
    label = _("You live in the area")
    if not data.rules["residents_only"]:
        return RuleResult("residency", label, True, _("Everyone may submit to this scheme."))
    if not data.has_home_address:
        return RuleResult(
            "residency",
            label,
            False,
            _("Fill in your postcode and house number, so we can check where you live."),
        )
    if _in_scheme_area(data.home_area_ids, data.scheme_area_id):
        return RuleResult("residency", label, True, _("Your address is in the area of this scheme."))
    return RuleResult(
        "residency",
        label,
        False,
        _("Your address is not in the area of this scheme. Only residents may submit."),
    )


def check_age(data: CheckInput) -> RuleResult:
    label = _("Age")
    min_age = int(data.rules["min_age"])
    consent_below = int(data.rules["parental_consent_below_age"])
    if data.birth_year is None:
        return RuleResult("age", label, False, _("Fill in your year of birth, so we can check your age."))
    # The youngest one can be in this year: counts a birthday that has not come yet as not yet reached.
    age = data.today.year - data.birth_year - 1
    if data.today.year - data.birth_year < min_age:
        return RuleResult(
            "age", label, False, _("You must be at least %(age)s years old.") % {"age": min_age}
        )
    if age < consent_below and not data.parental_consent:
        return RuleResult(
            "age",
            label,
            False,
            _("You are younger than %(age)s: a parent or guardian must agree. Tick the box for this.")
            % {"age": consent_below},
        )
    return RuleResult("age", label, True, _("You are %(age)s or older.") % {"age": min_age})


def check_not_staff(data: CheckInput) -> RuleResult:
    label = _("Not staff of the scheme")
    if data.initiator_is_scheme_staff:
        return RuleResult(
            "not_staff",
            label,
            False,
            _("You work on the schemes of this municipality, so you may not submit a plan yourself."),
        )
    return RuleResult("not_staff", label, True, _("You do not work on the schemes of this municipality."))


def check_place(data: CheckInput) -> RuleResult:
    label = _("Place")
    if not data.has_place:
        return RuleResult("place", label, False, _("Fill in the postcode and house number of the place."))
    if _in_scheme_area(data.place_area_ids, data.scheme_area_id):
        return RuleResult("place", label, True, _("The place is in the area of this scheme."))
    return RuleResult("place", label, False, _("The place is not in the area of this scheme."))


def check_fees(data: CheckInput) -> RuleResult:
    label = _("Hourly fees")
    fees = [line for line in data.lines if line.kind == BudgetLineKind.FEES]
    if not fees:
        return RuleResult("fees", label, True, _("Your budget has no hourly fees."))
    volunteer = int(data.rules["volunteer_allowance_cents_per_hour"])
    professional = int(data.rules["professional_rate_max_cents_per_hour"])
    for line in fees:
        if not line.hours or not line.hourly_rate_cents or line.fee_recipient not in FeeRecipient.values:
            return RuleResult(
                "fees",
                label,
                False,
                _("For '%(line)s' fill in who is paid, the hours and the rate per hour.")
                % {"line": line.description},
            )
        cap = volunteer if line.fee_recipient == FeeRecipient.RESIDENT else professional
        if line.hourly_rate_cents > cap:
            message = (
                _("'%(line)s': residents get at most %(cap)s per hour (volunteer allowance).")
                if line.fee_recipient == FeeRecipient.RESIDENT
                else _("'%(line)s': professionals get at most %(cap)s per hour, excluding VAT.")
            )
            return RuleResult("fees", label, False, message % {"line": line.description, "cap": _eur(cap)})
        if Decimal(line.amount_cents) > line.hours * line.hourly_rate_cents:
            return RuleResult(
                "fees",
                label,
                False,
                _("'%(line)s': the amount is more than hours times rate.") % {"line": line.description},
            )
    return RuleResult("fees", label, True, _("All hourly fees are within the limits."))


def check_support_party(data: CheckInput) -> RuleResult:
    label = _("Support party")
    cap = Decimal(str(data.rules["support_party_cap_percent"]))
    support = sum(line.amount_cents for line in data.lines if line.kind == BudgetLineKind.SUPPORT_PARTY)
    total = data.requested_cents
    values = {"amount": _eur(support), "cap": cap}
    if support == 0:
        return RuleResult("support_party", label, True, _("You do not hire a support party."))
    if support * 100 > cap * total:
        return RuleResult(
            "support_party",
            label,
            False,
            _("The support party costs %(amount)s. That is more than %(cap)s%% of the total.") % values,
        )
    return RuleResult(
        "support_party",
        label,
        True,
        _("The support party costs %(amount)s. That is at most %(cap)s%% of the total.") % values,
    )


def check_excluded_purposes(data: CheckInput) -> RuleResult:
    label = _("What the money is not for")
    if data.excluded_purposes_declared:
        return RuleResult(
            "excluded_purposes",
            label,
            True,
            _("You declared that the money is not used for excluded purposes."),
        )
    return RuleResult(
        "excluded_purposes",
        label,
        False,
        _("Tick the box to declare that the money is not used for excluded purposes."),
    )


def check_execution_term(data: CheckInput) -> RuleResult:
    label = _("When")
    if not data.starts_on or not data.ends_on:
        return RuleResult("execution_term", label, False, _("Fill in when your plan starts and ends."))
    if data.ends_on < data.starts_on:
        return RuleResult("execution_term", label, False, _("The end date is before the start date."))
    if data.starts_on < data.today:
        return RuleResult("execution_term", label, False, _("The start date has already passed."))
    term = int(data.rules["execution_term_days"])
    latest = data.today + dt.timedelta(days=int(data.rules["decision_term_days"]) + term)
    if data.ends_on > latest:
        return RuleResult(
            "execution_term",
            label,
            False,
            _(
                "Your plan must be finished within %(days)s days after the decision: by %(date)s at the latest."
            )
            % {"days": term, "date": latest.strftime("%d-%m-%Y")},
        )
    return RuleResult("execution_term", label, True, _("Your plan fits in the time allowed."))


def check_co_initiators(data: CheckInput) -> RuleResult:
    label = _("Co-initiators")
    needed = int(data.rules["co_initiators_needed"])
    if data.confirmed_co_initiators >= needed:
        return RuleResult("co_initiators", label, True, _("Enough co-initiators have confirmed."))
    return RuleResult(
        "co_initiators",
        label,
        False,
        _("%(needed)s co-initiators must confirm; %(count)s did so far.")
        % {"needed": needed, "count": data.confirmed_co_initiators},
    )


def check_consultation(data: CheckInput) -> RuleResult:
    threshold = int(data.rules["consultation_threshold_cents"])
    if data.requested_cents > threshold:
        reason = _("Above %(amount)s the neighbourhood is asked for advice first. This takes some weeks.")
    else:
        reason = _("Up to %(amount)s the neighbourhood does not need to be asked first.")
    return RuleResult(
        "consultation",
        _("Neighbourhood consultation"),
        True,
        reason % {"amount": _eur(threshold)},
        blocking=False,
    )


def check_report(data: CheckInput) -> RuleResult:
    limit = int(data.rules["detailed_report_from_cents"])
    if data.requested_cents >= limit:
        reason = _("From %(amount)s you write a detailed report afterwards.")
    else:
        reason = _("Below %(amount)s a short report afterwards is enough.")
    return RuleResult(
        "report", _("Report afterwards"), True, reason % {"amount": _eur(limit)}, blocking=False
    )


RULES: tuple[Callable[[CheckInput], RuleResult], ...] = (
    check_scheme_open,
    check_complete,
    check_amount,
    check_residency,
    check_age,
    check_not_staff,
    check_place,
    check_fees,
    check_support_party,
    check_excluded_purposes,
    check_execution_term,
    check_co_initiators,
    check_consultation,
    check_report,
)

# For the excluded-purposes declaration on the check page.
EXCLUDED_PURPOSE_LABELS = {
    "commercial_gain": gettext_lazy("making a profit"),
    "political_or_religious": gettext_lazy("political or religious purposes"),
    "recurring_costs": gettext_lazy("recurring or structural costs"),
    "funded_elsewhere": gettext_lazy("costs already paid from other money"),
    "private_greening": gettext_lazy("greening of private property"),
}


def run(data: CheckInput) -> CheckReport:
    return CheckReport(results=tuple(rule(data) for rule in RULES))
