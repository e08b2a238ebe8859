"""The regiegroep (steering group) of a scheme: members, interests, assessments, meetings and decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from buurtbudget.accounts.permissions import Scope, object_key


def _scheme_scope(obj: models.Model, scheme: object) -> Scope:
    area = getattr(scheme, "area", None)
    return Scope(
        municipality_id=getattr(scheme, "municipality_id", None),
        area_ids=frozenset(area.ancestor_ids) if area is not None else frozenset(),
        object_key=object_key(obj),
    )


class SteeringGroup(models.Model):
    """One regiegroep per scheme."""

    municipality = models.ForeignKey(
        "tenancy.Municipality", on_delete=models.PROTECT, related_name="steering_groups"
    )
    scheme = models.OneToOneField("schemes.Scheme", on_delete=models.PROTECT, related_name="steering_group")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("steering group")
        verbose_name_plural = _("steering groups")

    def __str__(self) -> str:
        return str(self.scheme)

    def permission_scope(self) -> Scope:
        return _scheme_scope(self, self.scheme)


class MemberRole(models.TextChoices):
    MEMBER = "member", _("Member")
    CHAIR = "chair", _("Chair")


class Membership(models.Model):
    group = models.ForeignKey(SteeringGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="steering_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    appointed_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["group", "-role", "user__name", "pk"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=models.Q(ended_at__isnull=True),
                name="steering_membership_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def is_chair(self) -> bool:
        return self.role == MemberRole.CHAIR


class InterestDeclaration(models.Model):
    """A member has an interest in an initiative: they take no part in its assessment or decision."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="interest_declarations"
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("what is your interest?"))
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["declared_at", "pk"]
        verbose_name = _("declared interest")
        verbose_name_plural = _("declared interests")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "member"], name="interest_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} / {self.initiative}"


class Advice(models.TextChoices):
    AWARD = "award", _("Award")
    CHANGES = "changes", _("Ask for changes")
    REJECT = "reject", _("Reject")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNCLEAR = "unclear", _("Not clear")


class Assessment(models.Model):
    """One member's assessment of one initiative against the checklist of its rule version."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="assessments"
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # {checklist item key: "yes" | "no" | "unclear"}; the items come from the initiative's rule version.
    answers = models.JSONField(default=dict)
    advice = models.CharField(_("advice"), max_length=10, choices=Advice.choices)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "member"], name="assessment_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} / {self.initiative}: {self.advice}"


class Meeting(models.Model):
    group = models.ForeignKey(SteeringGroup, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("date"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.group} {self.held_on:%d-%m-%Y}"

    @property
    def municipality_id(self) -> int:
        return self.group.municipality_id

    def permission_scope(self) -> Scope:
        return _scheme_scope(self, self.group.scheme)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    initiative = models.ForeignKey("initiatives.Initiative", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "initiative"], name="agenda_item_once_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.initiative}"


class Attendance(models.Model):
    """A member who was present at a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.meeting}"


class Outcome(models.TextChoices):
    AWARD = "award", _("Award")
    AWARD_LOWER = "award_lower", _("Award a lower amount")
    AWARD_CONDITIONS = "award_conditions", _("Award with conditions")
    ASK_CHANGES = "ask_changes", _("Ask for changes")
    REJECT = "reject", _("Reject")


AWARDING_OUTCOMES = frozenset({Outcome.AWARD, Outcome.AWARD_LOWER, Outcome.AWARD_CONDITIONS})
# Outcomes the public has a right to see (SPEC §4, issue 5 part 5); asking for changes is not final.
PUBLISHED_OUTCOMES = AWARDING_OUTCOMES | {Outcome.REJECT}


class Decision(models.Model):
    """The regiegroep's decision on an initiative at a meeting, with its reasons: part of the minutes."""

    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.PROTECT, related_name="+")
    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.PROTECT, related_name="decisions"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices)
    amount_cents = models.BigIntegerField(_("amount awarded (cents)"), null=True, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    reasons = models.TextField(_("reasons"))
    # The rules the initiative was judged by: those in force when it was submitted.
    rule_version = models.ForeignKey(
        "schemes.SchemeRuleVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    voters = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    recused = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    consultation = models.ForeignKey(
        "consultations.Consultation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    voucher = models.ForeignKey(
        "vouchers.Voucher", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    is_public = models.BooleanField(default=False)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [models.Index(fields=["municipality", "is_public"], name="decision_public")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__isnull=True) | models.Q(amount_cents__gt=0),
                name="decision_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative}: {self.get_outcome_display()}"

    @property
    def is_award(self) -> bool:
        return self.outcome in AWARDING_OUTCOMES

    def permission_scope(self) -> Scope:
        return _scheme_scope(self, self.meeting.group.scheme)


class ReminderSent(models.Model):
    """An overdue-decision reminder sent for an initiative on a day: reruns of the task send nothing twice."""

    initiative = models.ForeignKey("initiatives.Initiative", on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["initiative", "sent_on"], name="decision_reminder_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id} {self.sent_on}"
