"""Model B · co-creatie: district and residents' representatives set themes, phases and rules of a scheme
together. Every proposal, every response and every adoption is kept in an append-only log that is published.

No logic here: services.py changes state, selectors.py reads.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from buurtbudget.accounts.permissions import Scope, object_key


class CoCreationProcess(models.Model):
    """The co-creation of one scheme (process model cocreatie)."""

    scheme = models.OneToOneField("schemes.Scheme", on_delete=models.PROTECT, related_name="cocreation")
    municipality = models.ForeignKey(
        "tenancy.Municipality", on_delete=models.PROTECT, related_name="cocreation_processes"
    )
    # A proposal is adopted when at least this many district officers and representatives agreed, and no
    # participant disagreed.
    district_agreements_needed = models.PositiveSmallIntegerField(_("district agreements needed"), default=1)
    representative_agreements_needed = models.PositiveSmallIntegerField(
        _("representative agreements needed"), default=1
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("co-creation")
        verbose_name_plural = _("co-creations")

    def __str__(self) -> str:
        return str(self.scheme)

    def permission_scope(self) -> Scope:
        area = self.scheme.area
        return Scope(
            municipality_id=self.municipality_id,
            area_ids=frozenset(area.ancestor_ids) if area else frozenset(),
            object_key=object_key(self),
        )


class Side(models.TextChoices):
    DISTRICT = "district", _("district")
    REPRESENTATIVE = "representative", _("residents' representative")


class Participant(models.Model):
    process = models.ForeignKey(CoCreationProcess, on_delete=models.PROTECT, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    # Published with the log only when the participant consented; otherwise only the side is shown.
    show_name = models.BooleanField(_("name may be published"), default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["process", "user"], name="cocreation_participant_once"),
        ]

    def __str__(self) -> str:
        return self.public_label

    @property
    def public_label(self) -> str:
        side = str(self.get_side_display())
        if self.show_name and self.user.name:
            return f"{self.user.name} ({side})"
        return side


class ProposalKind(models.TextChoices):
    THEME = "theme", _("theme")
    PHASE = "phase", _("phase")
    RULE = "rule", _("rule change")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("open")
    ADOPTED = "adopted", _("adopted")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Proposal(models.Model):
    process = models.ForeignKey(CoCreationProcess, on_delete=models.PROTECT, related_name="proposals")
    kind = models.CharField(_("kind"), max_length=10, choices=ProposalKind.choices)
    title = models.CharField(_("title"), max_length=200)
    explanation = models.TextField(_("explanation"), blank=True)
    # Rule changes: which rule of the scheme and the proposed value (as the rule stores it, e.g. cents).
    rule_key = models.CharField(_("rule"), max_length=64, blank=True)
    proposed_value = models.JSONField(_("proposed value"), null=True, blank=True)
    current_value = models.JSONField(_("value when proposed"), null=True, blank=True)
    # Phases: the dates the phase runs.
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    proposed_by = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="proposals")
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)
    # The scheme's rule version that holds an adopted rule change.
    rule_version = models.PositiveIntegerField(_("rule version"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return self.title


class Agreement(models.Model):
    """One participant's answer to one proposal: agree or disagree, with a comment. Final once given."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="agreements")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="agreements")
    agrees = models.BooleanField(_("agrees"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "participant"], name="cocreation_agreement_once"),
        ]
        triggers = [
            pgtrigger.Protect(name="agreement_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {'agrees' if self.agrees else 'disagrees'}"


class LogEvent(models.TextChoices):
    STARTED = "started", _("co-creation started")
    JOINED = "joined", _("participant joined")
    PROPOSED = "proposed", _("proposal made")
    AGREED = "agreed", _("agreed")
    DISAGREED = "disagreed", _("disagreed")
    ADOPTED = "adopted", _("adopted")
    WITHDRAWN = "withdrawn", _("withdrawn")


class LogEntry(models.Model):
    """The co-creation log: append-only (the database refuses updates and deletes on PostgreSQL)."""

    process = models.ForeignKey(CoCreationProcess, on_delete=models.PROTECT, related_name="log")
    event = models.CharField(_("event"), max_length=12, choices=LogEvent.choices)
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="log_entries"
    )
    # Who: a participant (published as their side, or name if they consented); empty for the system.
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="log_entries"
    )
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("log entry")
        verbose_name_plural = _("co-creation log")
        triggers = [
            pgtrigger.Protect(
                name="cocreation_log_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.event}"
