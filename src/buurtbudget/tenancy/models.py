"""Municipalities are the tenants: each has its own rules, areas, users and look."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour code like #1a2b3c."))

# Paths directly under the site root that a municipality slug may never take.
RESERVED_SLUGS = frozenset(
    {"accounts", "admin", "api", "i18n", "static", "media", "mijn", "health", "verificatie", "over"}
)


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("web address name"), max_length=60, unique=True)
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#01689b", validators=[hex_colour]
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#e17000", validators=[hex_colour]
    )
    contact_email = models.EmailField(_("e-mail address"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("visiting address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("core:municipality", kwargs={"gemeente": self.slug})
