"""A log of every e-mail sent, keyed so that a retried task never sends the same mail twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationLog(models.Model):
    # "<what happened>:<recipient pk>": one mail per event per person, however often the task runs.
    key = models.CharField(max_length=255, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(_("e-mail address"))
    template = models.CharField(_("template"), max_length=200)
    language = models.CharField(_("language"), max_length=5)
    subject = models.CharField(_("subject"), max_length=255)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("sent notification")
        verbose_name_plural = _("sent notifications")

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M} {self.template} → {self.email}"
