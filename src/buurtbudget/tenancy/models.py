"""Municipalities are the tenants: each has its own rules, areas, users and look."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Gebruik een kleurcode als #1a2b3c."))

# Paths directly under the site root that a municipality slug may never take.
RESERVED_SLUGS = frozenset(
    {"accounts", "admin", "api", "i18n", "static", "media", "mijn", "health", "verificatie", "over"}
)


class Municipality(models.Model):
    name = models.CharField(_("naam"), max_length=120, unique=True)
    slug = models.SlugField(_("adresnaam"), max_length=60, unique=True)
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)
    primary_colour = models.CharField(
        _("hoofdkleur"), max_length=7, default="#01689b", validators=[hex_colour]
    )
    accent_colour = models.CharField(
        _("accentkleur"), max_length=7, default="#e17000", validators=[hex_colour]
    )
    contact_email = models.EmailField(_("e-mailadres"), blank=True)
    contact_phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("bezoekadres"), max_length=200, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("core:municipality", kwargs={"gemeente": self.slug})
