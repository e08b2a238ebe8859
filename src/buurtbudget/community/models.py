"""Model C · community budget: the district transfers a budget to a registered residents' group, which
allocates it to its own activities and accounts for it once a year.

Money lives in the ledger only (see services.py for the flows). No logic here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from buurtbudget.accounts.permissions import Scope, object_key


class ResidentsGroup(models.Model):
    municipality = models.ForeignKey(
        "tenancy.Municipality", on_delete=models.PROTECT, related_name="residents_groups"
    )
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="residents_groups")
    name = models.CharField(_("name"), max_length=200)
    registration_number = models.CharField(_("Chamber of Commerce number"), max_length=8, blank=True)
    # The organisation that holds the group's money (penvoerder).
    penvoerder_name = models.CharField(_("organisation holding the money"), max_length=140)
    penvoerder_iban = models.CharField(_("IBAN of that organisation"), max_length=34)
    # The penvoerder as the paying organisation of the group's activity vouchers: it pays their invoices from
    # its own account (empty for groups registered before; their vouchers use the default organisation).
    paying_organisation = models.ForeignKey(
        "payments.PayingOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents_groups",
        verbose_name=_("paying organisation"),
    )
    support_party_name = models.CharField(_("support party"), max_length=140, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("residents' group")
        verbose_name_plural = _("residents' groups")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="residents_group_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def permission_scope(self) -> Scope:
        return Scope(
            municipality_id=self.municipality_id,
            area_ids=frozenset(self.area.ancestor_ids),
            object_key=object_key(self),
        )


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("chair")
    TREASURER = "treasurer", _("treasurer")
    MEMBER = "member", _("member")


class GroupMember(models.Model):
    group = models.ForeignKey(ResidentsGroup, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role in the group"), max_length=12, choices=MemberRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="group_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.group_id} · {self.role}"


class CommunityBudget(models.Model):
    """One year's budget of a group from a community scheme. Its money sits in the group's ledger account."""

    group = models.ForeignKey(ResidentsGroup, on_delete=models.PROTECT, related_name="budgets")
    scheme = models.ForeignKey("schemes.Scheme", on_delete=models.PROTECT, related_name="community_budgets")
    year = models.PositiveSmallIntegerField(_("year"))
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("community budget")
        verbose_name_plural = _("community budgets")
        constraints = [
            models.UniqueConstraint(fields=["group", "scheme", "year"], name="community_budget_once_a_year"),
            models.CheckConstraint(condition=models.Q(amount_cents__gt=0), name="community_budget_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.year}"

    @property
    def owner_key(self) -> str:
        return f"community:{self.pk}"

    def permission_scope(self) -> Scope:
        return self.group.permission_scope()


class ActivityKind(models.TextChoices):
    ACTIVITY = "activity", _("activity")
    SUPPORT = "support", _("support party")


class ActivityStatus(models.TextChoices):
    PENDING = "pending", _("being set up")
    ACTIVE = "active", _("active")
    FAILED = "failed", _("not set up")


class SubBudget(models.Model):
    """Money the group allocated to one of its activities (or to its support party), spent through a voucher
    held by the group's treasurer, so that the ordinary payment requests pay its invoices."""

    budget = models.ForeignKey(CommunityBudget, on_delete=models.PROTECT, related_name="sub_budgets")
    kind = models.CharField(
        _("kind"), max_length=10, choices=ActivityKind.choices, default=ActivityKind.ACTIVITY
    )
    name = models.CharField(_("activity"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    voucher = models.OneToOneField(
        "vouchers.Voucher", on_delete=models.PROTECT, null=True, blank=True, related_name="community_activity"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("sub-budget")
        verbose_name_plural = _("sub-budgets")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_cents__gt=0), name="sub_budget_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")


class YearReport(models.Model):
    """The group's yearly account: figures taken from the ledger when submitted, and a narrative."""

    budget = models.OneToOneField(CommunityBudget, on_delete=models.PROTECT, related_name="report")
    narrative = models.TextField(_("what the group did"))
    figures = models.JSONField(_("figures"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("year report")
        verbose_name_plural = _("year reports")

    def __str__(self) -> str:
        return f"{self.budget_id} · {self.status}"
