"""The area tree of a municipality (stadsdeel → wijk → buurt) and the postcodes that belong to each area."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    DISTRICT = "district", _("district")
    NEIGHBOURHOOD = "neighbourhood", _("neighbourhood")
    BUURT = "buurt", _("buurt")


# A child must sit exactly one level below its parent.
PARENT_LEVEL = {
    AreaLevel.DISTRICT: None,
    AreaLevel.NEIGHBOURHOOD: AreaLevel.DISTRICT,
    AreaLevel.BUURT: AreaLevel.NEIGHBOURHOOD,
}


class Area(models.Model):
    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.CASCADE, related_name="areas")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("lies in"),
    )
    level = models.CharField(_("level"), max_length=20, choices=AreaLevel.choices)
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("web address name"), max_length=80)
    code = models.CharField(_("CBS code"), max_length=20, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Ids from the root to this area, e.g. "/3/17/42/": ancestry and subtree queries without recursion.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="area_slug_unique_in_municipality"),
        ]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("core:area", kwargs={"gemeente": self.municipality.slug, "area": self.slug})

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def depth(self) -> int:
        return max(len(self.ancestor_ids) - 1, 0)


class PostcodeRange(models.Model):
    """Addresses from `postcode_from` up to and including `postcode_to` (both like "1066AB").

    House numbers narrow a range where one postcode is split between areas.
    """

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="postcode_ranges")
    postcode_from = models.CharField(_("postcode from"), max_length=6)
    postcode_to = models.CharField(_("postcode up to and including"), max_length=6)
    house_number_from = models.PositiveIntegerField(_("house number from"), null=True, blank=True)
    house_number_to = models.PositiveIntegerField(
        _("house number up to and including"), null=True, blank=True
    )

    class Meta:
        ordering = ["postcode_from"]
        indexes = [models.Index(fields=["postcode_from", "postcode_to"], name="postcode_range_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(postcode_from__lte=models.F("postcode_to")), name="postcode_range_ordered"
            ),
        ]
        verbose_name = _("postcode range")
        verbose_name_plural = _("postcode ranges")

    def __str__(self) -> str:
        numbers = ""
        if self.house_number_from or self.house_number_to:
            numbers = f" ({self.house_number_from or 1}–{self.house_number_to or '…'})"
        return f"{self.postcode_from}–{self.postcode_to}{numbers}"
