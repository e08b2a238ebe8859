"""Community budgets (model C). Every function runs in durable transactions with its audit event; money moves
only through the ledger. Bad input raises `CommunityError` (a message for people) and changes nothing.

Ledger flows (from → to):
- fund:      scheme budget → the group's budget account ("community:<id>", held by the penvoerder)
- allocate:  group account → scheme budget ("community.allocate"), then `vouchers.services.issue_voucher`
             scheme budget → a voucher for the activity, held by the group's treasurer. Invoices are then paid
             with the ordinary payment requests (voucher → payable), unchanged, by the penvoerder: registering
             a group makes its penvoerder a paying organisation, which is set as the payer of every
             activity voucher.
Allocating is three short durable steps (release, issue, link), because issuing a voucher is itself durable:
each step is idempotent, a refused voucher reverses the release, and `resume_allocation` finishes a pending
one after a crash.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from buurtbudget.accounts import services as accounts
from buurtbudget.accounts.models import Role, User
from buurtbudget.accounts.permissions import object_key
from buurtbudget.areas.models import Area
from buurtbudget.audit import services as audit
from buurtbudget.ledger import services as ledger
from buurtbudget.ledger.models import JournalEntry
from buurtbudget.payments import services as payments
from buurtbudget.payments.models import PayingOrganisation, VoucherPayer
from buurtbudget.schemes import services as schemes
from buurtbudget.schemes.models import ProcessModel, Scheme
from buurtbudget.tenancy.models import Municipality
from buurtbudget.vouchers import services as vouchers

from . import selectors
from .models import (
    ActivityKind,
    ActivityStatus,
    CommunityBudget,
    GroupMember,
    MemberRole,
    ReportStatus,
    ResidentsGroup,
    SubBudget,
    YearReport,
)

FUND = "community.fund"
ALLOCATE = "community.allocate"


class CommunityError(Exception):
    """Refused; str(error) is a message for people. Nothing was changed."""


def _euro(cents: int) -> str:
    return ledger.format_cents(cents)


def _require(actor: Any, permission: str, obj: Any) -> None:
    if actor is None or not actor.has_perm(permission, obj):
        raise PermissionDenied(f"actor lacks {permission}")


def _require_member(actor: Any, group: ResidentsGroup) -> GroupMember:
    _require(actor, "community.manage_own", group)
    member = GroupMember.objects.filter(group=group, user_id=actor.pk).first()
    if member is None:
        raise PermissionDenied("not a member of this group")
    return member


def _positive(amount_cents: int) -> None:
    if type(amount_cents) is not int or amount_cents <= 0:
        raise CommunityError(_("Enter an amount of more than € 0."))


# ------------------------------------------------------------------------------------------------ groups


def register_group(
    *,
    actor: User,
    municipality: Municipality,
    area: Area,
    name: str,
    penvoerder_name: str,
    penvoerder_iban: str,
    registration_number: str = "",
    support_party_name: str = "",
) -> ResidentsGroup:
    if area.municipality_id != municipality.pk:
        raise CommunityError(_("This area belongs to another municipality."))
    _require(actor, "community.oversee", area)
    name = " ".join((name or "").split())
    penvoerder_name = " ".join((penvoerder_name or "").split())
    if not name:
        raise CommunityError(_("Enter the group's name."))
    if not penvoerder_name:
        raise CommunityError(_("Enter the organisation that holds the money."))
    try:
        iban = str(IBAN("".join((penvoerder_iban or "").split()).upper(), validate_bban=True).compact)
    except SchwiftyException:
        raise CommunityError(_("This IBAN is not valid; please check the number.")) from None
    registration_number = "".join((registration_number or "").split())
    if registration_number and not (len(registration_number) == 8 and registration_number.isdigit()):
        raise CommunityError(_("A Chamber of Commerce number has 8 digits."))
    if ResidentsGroup.objects.filter(municipality=municipality, name=name).exists():
        raise CommunityError(_("A group with this name already exists."))
    organisation = _penvoerder_organisation(
        actor=actor, municipality=municipality, name=penvoerder_name, iban=iban
    )
    try:
        with transaction.atomic(durable=True):
            group = ResidentsGroup.objects.create(
                municipality=municipality,
                area=area,
                name=name,
                registration_number=registration_number,
                penvoerder_name=penvoerder_name,
                penvoerder_iban=iban,
                paying_organisation=organisation,
                support_party_name=" ".join((support_party_name or "").split()),
            )
            audit.record(
                actor=actor,
                action="community.group.register",
                municipality=municipality,
                obj=group,
                after=audit.snapshot(
                    group, ["name", "area", "registration_number", "penvoerder_name", "penvoerder_iban"]
                ),
            )
            return group
    except IntegrityError:
        raise CommunityError(_("A group with this name already exists.")) from None


def _penvoerder_organisation(
    *, actor: User, municipality: Municipality, name: str, iban: str
) -> PayingOrganisation:
    """The penvoerder as a paying organisation (one per name in a municipality; several groups may share it)."""
    existing = PayingOrganisation.objects.filter(municipality=municipality, name=name).first()
    if existing is not None:
        if existing.iban != iban:
            raise CommunityError(
                _("%(name)s is already known with another IBAN (%(iban)s).")
                % {"name": name, "iban": existing.iban}
            )
        return existing
    if len(name) > 70:
        raise CommunityError(
            _("The name of the organisation that holds the money is too long (at most 70 characters).")
        )
    try:
        return payments.create_paying_organisation(
            actor=actor, municipality=municipality, name=name, iban=iban
        )
    except payments.PaymentError as error:
        raise CommunityError(str(error)) from None


def add_member(*, actor: User, group: ResidentsGroup, user: User, role: str) -> GroupMember:
    """Register a member; they get the residents' group role for this group only."""
    _require(actor, "community.oversee", group)
    if role not in MemberRole.values:
        raise CommunityError(_("Choose chair, treasurer or member."))
    if GroupMember.objects.filter(group=group, user=user).exists():
        raise CommunityError(_("This person is already a member."))
    if role == MemberRole.TREASURER and GroupMember.objects.filter(group=group, role=role).exists():
        raise CommunityError(_("The group already has a treasurer."))
    # The district officer registers the group's members: the role is granted by the platform on their
    # behalf (district officers do not manage roles in general); our own audit event names the officer.
    accounts.assign_role(
        actor=None,
        user=user,
        role=Role.RESIDENTS_GROUP,
        municipality=group.municipality,
        object_key=object_key(group),
    )
    with transaction.atomic(durable=True):
        member = GroupMember.objects.create(group=group, user=user, role=role)
        audit.record(
            actor=actor,
            action="community.member.add",
            municipality=group.municipality,
            obj=member,
            after={"group": group.pk, "user": user.pk, "role": role},
        )
        return member


# ------------------------------------------------------------------------------------------------- money


def fund_budget(
    *, actor: User, group: ResidentsGroup, scheme: Scheme, year: int, amount_cents: int
) -> CommunityBudget:
    """The district transfers a year's budget from a community scheme to the group's account."""
    _require(actor, "community.oversee", group)
    _positive(amount_cents)
    if scheme.process_model != ProcessModel.COMMUNITY:
        raise CommunityError(_("Only a scheme with the community process model can fund a group."))
    if scheme.municipality_id != group.municipality_id:
        raise CommunityError(_("This scheme belongs to another municipality."))
    if scheme.is_closed:
        raise CommunityError(_("This scheme is closed."))
    with transaction.atomic(durable=True):
        existing = CommunityBudget.objects.filter(group=group, scheme=scheme, year=year).first()
        if existing is not None:
            if existing.amount_cents == amount_cents:
                return existing  # a retried request
            raise CommunityError(
                _("This group already has a budget from this scheme for %(year)s.") % {"year": year}
            )
        budget = CommunityBudget.objects.create(
            group=group, scheme=scheme, year=year, amount_cents=amount_cents
        )
        try:
            ledger.book(
                municipality=scheme.municipality,
                kind=FUND,
                description=f"Gemeenschapsbudget {group.name} {year}",
                idempotency_key=f"community:{budget.pk}:fund",
                postings=[
                    (schemes.scheme_account(scheme=scheme), -amount_cents),
                    (selectors.group_account(budget), amount_cents),
                ],
                actor=actor,
            )
        except ledger.InsufficientFunds:
            raise CommunityError(
                _("The scheme does not have %(amount)s left for this budget.")
                % {"amount": _euro(amount_cents)}
            ) from None
        audit.record(
            actor=actor,
            action="community.budget.fund",
            municipality=scheme.municipality,
            obj=budget,
            after={"group": group.pk, "scheme": scheme.pk, "year": year, "amount_cents": amount_cents},
        )
        return budget


def allocate(
    *,
    actor: User,
    budget: CommunityBudget,
    name: str,
    amount_cents: int,
    description: str = "",
    kind: str = ActivityKind.ACTIVITY,
) -> SubBudget:
    """The group gives part of its budget to one of its activities (or to its support party, within the
    support-party cap). The activity gets a voucher held by the group's treasurer."""
    group = budget.group
    _require_member(actor, group)
    _positive(amount_cents)
    name = " ".join((name or "").split())
    if not name:
        raise CommunityError(_("Enter the name of the activity."))
    if kind not in ActivityKind.values:
        raise CommunityError(_("Choose an activity or the support party."))
    scheme = budget.scheme
    low, high = int(scheme.rule("voucher_min_cents")), int(scheme.rule("voucher_max_cents"))
    if not low <= amount_cents <= high:
        raise CommunityError(
            _("An activity's budget is between %(low)s and %(high)s.")
            % {"low": _euro(low), "high": _euro(high)}
        )
    if selectors.treasurer_of(group) is None:
        raise CommunityError(_("The group has no treasurer yet; the district registers one."))
    if dt.date(budget.year, 12, 31) < timezone.localdate():
        raise CommunityError(_("The year of this budget is over."))
    with transaction.atomic(durable=True):
        locked = CommunityBudget.objects.select_for_update().get(pk=budget.pk)
        if kind == ActivityKind.SUPPORT:
            if not group.support_party_name:
                raise CommunityError(_("The group has no support party."))
            already = selectors.support_allocated_cents(locked)
            try:
                schemes.check_support_party_cap(
                    scheme=scheme, award_cents=locked.amount_cents, support_party_cents=already + amount_cents
                )
            except schemes.CapExceeded:
                cap = scheme.rule("support_party_cap_percent")
                raise CommunityError(
                    _(
                        "The support party may cost at most %(cap)s%% of the community budget "
                        "(%(max)s). %(already)s is already allocated to it, so %(amount)s is too much."
                    )
                    % {
                        "cap": cap,
                        "max": _euro(locked.amount_cents * int(cap) // 100),
                        "already": _euro(already),
                        "amount": _euro(amount_cents),
                    }
                ) from None
        sub_budget = SubBudget.objects.create(
            budget=locked,
            kind=kind,
            name=name,
            description=(description or "").strip(),
            amount_cents=amount_cents,
        )
        try:
            ledger.book(
                municipality=scheme.municipality,
                kind=ALLOCATE,
                description=f"{group.name}: {name}",
                idempotency_key=_release_key(sub_budget),
                postings=[
                    (selectors.group_account(locked), -amount_cents),
                    (schemes.scheme_account(scheme=scheme), amount_cents),
                ],
                actor=actor,
            )
        except ledger.InsufficientFunds:
            raise CommunityError(
                _("The group has %(left)s left; %(amount)s is too much.")
                % {"left": _euro(selectors.group_balance_cents(locked)), "amount": _euro(amount_cents)}
            ) from None
        audit.record(
            actor=actor,
            action="community.sub_budget.allocate",
            municipality=scheme.municipality,
            obj=sub_budget,
            after={"budget": locked.pk, "kind": kind, "name": name, "amount_cents": amount_cents},
        )
    return resume_allocation(actor=actor, sub_budget=sub_budget)


def _release_key(sub_budget: SubBudget) -> str:
    return f"community-sub-budget:{sub_budget.pk}:release"


def resume_allocation(*, actor: Any, sub_budget: SubBudget) -> SubBudget:
    """Issue the activity's voucher and link it (idempotent); a refused voucher reverses the release."""
    sub_budget = SubBudget.objects.select_related("budget__scheme", "budget__group").get(pk=sub_budget.pk)
    if sub_budget.status != ActivityStatus.PENDING:
        return sub_budget
    budget = sub_budget.budget
    treasurer = selectors.treasurer_of(budget.group)
    try:
        if treasurer is None:
            raise CommunityError(_("The group has no treasurer yet; the district registers one."))
        voucher = vouchers.issue_voucher(
            actor=actor,
            scheme=budget.scheme,
            holder=treasurer.user,
            amount_cents=sub_budget.amount_cents,
            valid_until=dt.date(budget.year, 12, 31),
            conditions=f"{budget.group.name}: {sub_budget.name}",
            idempotency_key=f"community-sub-budget:{sub_budget.pk}",
        )
    except (ledger.LedgerError, CommunityError) as error:
        with transaction.atomic(durable=True):
            locked = SubBudget.objects.select_for_update().get(pk=sub_budget.pk)
            release = JournalEntry.objects.get(idempotency_key=_release_key(locked))
            ledger.reverse(
                entry=release,
                actor=actor,
                reason="Activiteit niet opgezet",
                idempotency_key=f"{_release_key(locked)}:undo",
            )
            locked.status = ActivityStatus.FAILED
            locked.save(update_fields=["status"])
            audit.record(
                actor=actor,
                action="community.sub_budget.failed",
                municipality=budget.scheme.municipality,
                obj=locked,
                details={"why": str(error)},
            )
        raise CommunityError(_("The activity could not be set up: %(why)s") % {"why": error}) from error
    organisation = budget.group.paying_organisation
    if organisation is not None and not VoucherPayer.objects.filter(voucher=voucher).exists():
        # The penvoerder pays the activity's invoices with the ordinary payment requests.
        payments.assign_voucher_payer(actor=actor, voucher=voucher, paying_organisation=organisation)
    with transaction.atomic(durable=True):
        locked = SubBudget.objects.select_for_update().get(pk=sub_budget.pk)
        if locked.status == ActivityStatus.PENDING:
            locked.voucher = voucher
            locked.status = ActivityStatus.ACTIVE
            locked.save(update_fields=["voucher", "status"])
            audit.record(
                actor=actor,
                action="community.sub_budget.activate",
                municipality=budget.scheme.municipality,
                obj=locked,
                after={"voucher": voucher.pk},
            )
        return locked


# ------------------------------------------------------------------------------------------ year reports


def submit_year_report(*, actor: User, budget: CommunityBudget, narrative: str) -> YearReport:
    """The group accounts for the year: the figures are taken from the ledger at this moment."""
    _require_member(actor, budget.group)
    narrative = (narrative or "").strip()
    if not narrative:
        raise CommunityError(_("Describe what the group did with the money."))
    try:
        with transaction.atomic(durable=True):
            report = YearReport.objects.create(
                budget=budget,
                narrative=narrative,
                figures=selectors.year_figures(budget).as_json(),
                status=ReportStatus.SUBMITTED,
                submitted_by=actor,
                submitted_at=timezone.now(),
            )
            audit.record(
                actor=actor,
                action="community.report.submit",
                municipality=budget.group.municipality,
                obj=report,
                after={"budget": budget.pk, "figures": report.figures},
            )
            return report
    except IntegrityError:
        raise CommunityError(_("The year report has already been submitted.")) from None


def accept_year_report(*, actor: User, report: YearReport) -> YearReport:
    _require(actor, "community.oversee", report.budget.group)
    with transaction.atomic(durable=True):
        locked = YearReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != ReportStatus.SUBMITTED:
            raise CommunityError(_("This year report has already been accepted."))
        locked.status = ReportStatus.ACCEPTED
        locked.accepted_by = actor
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["status", "accepted_by", "accepted_at"])
        audit.record(
            actor=actor,
            action="community.report.accept",
            municipality=report.budget.group.municipality,
            obj=locked,
            after={"status": locked.status},
        )
        return locked
