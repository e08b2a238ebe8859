"""Stemcodes and ballots.

Privacy by construction:
- a RegisterEntry is one resident from the register extract (needed for the letter), with the area they live in;
- a VoterCode holds only a keyed hash (HMAC) of the personal code, never the code itself;
- a Ballot holds the round, the voter's area, the choices, a receipt number and the day it was cast. Its
  `token` is an HMAC of the code under another purpose, so one code gives one ballot (unique constraint)
  while nobody, not even with the database and the key, can join a ballot to a VoterCode without the
  code itself, which exists only on the letter.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegisterEntry(models.Model):
    round = models.ForeignKey("rounds.Round", on_delete=models.CASCADE, related_name="register")
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=6)
    house_number = models.PositiveIntegerField(_("house number"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"))
    # Residents with a confidentiality mark in the register get no letter and no code.
    confidential = models.BooleanField(_("confidential"), default=False)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["postcode", "house_number", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "name", "postcode", "house_number", "birth_date"],
                name="register_entry_unique_in_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.postcode} {self.house_number}"


class CodeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    BLOCKED = "blocked", _("Blocked")


class VoterCode(models.Model):
    round = models.ForeignKey("rounds.Round", on_delete=models.CASCADE, related_name="voter_codes")
    entry = models.ForeignKey(RegisterEntry, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=CodeStatus.choices, default=CodeStatus.ACTIVE)
    issued_at = models.DateTimeField(auto_now_add=True)
    blocked_reason = models.TextField(blank=True)
    # The day (not the time) the code was first used; never which ballot.
    used_on = models.DateField(null=True, blank=True)
    # Set when staff at the help desk cast the vote after checking the letter and an ID (not the ID itself).
    assisted_id_checked = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=models.Q(status="active"),
                name="one_active_code_per_resident",
            )
        ]

    def __str__(self) -> str:
        return f"code {self.pk} ({self.status})"


class Ballot(models.Model):
    # A random key: the order of ballots in the table says nothing about who voted when.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="ballots")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    # {"plans": [plan ids; the ranking order for ranked ballots], "points": [points per plan, cumulative]}
    choices = models.JSONField()
    token = models.CharField(max_length=64, editable=False)
    receipt = models.CharField(max_length=16, unique=True, editable=False)
    cast_on = models.DateField()
    changed_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "token"], name="one_ballot_per_code"),
        ]

    def __str__(self) -> str:
        return f"ballot {self.receipt}"


class LetterJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Busy")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class LetterJob(models.Model):
    """Producing the letters (one PDF) for residents without a code, in the background, with progress."""

    round = models.ForeignKey("rounds.Round", on_delete=models.CASCADE, related_name="letter_jobs")
    entry_ids = models.JSONField(default=list)
    # The address printed on the letters where residents vote.
    vote_url = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=LetterJobStatus.choices, default=LetterJobStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # Holds the codes in plain text: served to district staff only, deleted once printed.
    file = models.FileField(upload_to="private/letters/", blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"letters {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.done * 100 / self.total)
