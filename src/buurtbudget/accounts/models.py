"""People and the roles they hold, each role scoped to a municipality, an area or one object."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

postcode_validator = RegexValidator(r"^[1-9][0-9]{3} ?[A-Za-z]{2}$", _("Enter a postcode like 1234 AB."))


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True, validators=[postcode_validator])
    house_number = models.PositiveIntegerField(_("house number"), null=True, blank=True)
    house_number_suffix = models.CharField(_("addition"), max_length=10, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="nl"
    )
    is_active = models.BooleanField(default=True)
    # Django admin access: platform operators only, never municipal staff.
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class Role(models.TextChoices):
    RESIDENT = "resident", _("resident")
    INITIATOR = "initiator", _("initiator")
    STEERING_MEMBER = "steering_member", _("steering group member")
    STEERING_CHAIR = "steering_chair", _("steering group chair")
    CONTACT_OFFICIAL = "contact_official", _("contact officer")
    BUDGET_MANAGER = "budget_manager", _("budget manager")
    PAYER = "payer", _("paying organisation")
    TREASURER = "treasurer", _("treasurer")
    SUPPORT_PARTY = "support_party", _("supporter")
    RESIDENTS_GROUP = "residents_group", _("residents' group")
    DISTRICT_OFFICER = "district_officer", _("district officer")
    AUDITOR = "auditor", _("auditor")


class RoleAssignment(models.Model):
    """One role of one user, valid within a municipality, optionally narrowed to an area or one object."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    municipality = models.ForeignKey(
        "tenancy.Municipality", on_delete=models.CASCADE, related_name="role_assignments"
    )
    area = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="role_assignments"
    )
    # A role on one object (e.g. initiator of one initiative), as "app_label.model:pk".
    object_key = models.CharField(max_length=100, blank=True, default="")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "municipality", "area", "object_key"],
                condition=models.Q(area__isnull=False),
                name="role_assignment_unique_in_area",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "municipality", "object_key"],
                condition=models.Q(area__isnull=True),
                name="role_assignment_unique_in_municipality",
            ),
        ]
        indexes = [models.Index(fields=["user", "municipality"], name="role_user_municipality")]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self) -> str:
        scope = self.area or self.municipality
        return f"{self.user} · {self.get_role_display()} · {scope}"
