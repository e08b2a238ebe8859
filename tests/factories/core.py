"""Factories for tenants, areas and people."""

from typing import Any

import factory
from factory.django import DjangoModelFactory

from buurtbudget.accounts.models import Role, RoleAssignment, User
from buurtbudget.areas.models import Area, AreaLevel, PostcodeRange
from buurtbudget.tenancy.models import Municipality

DEFAULT_PASSWORD = "Buurt-budget-2026!"


class MunicipalityFactory(DjangoModelFactory[Municipality]):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Gemeente {n}")
    slug = factory.Sequence(lambda n: f"gemeente-{n}")
    contact_email = factory.LazyAttribute(lambda o: f"info@{o.slug}.example")


class AreaFactory(DjangoModelFactory[Area]):
    """Builds areas with a correct `path`, as the area services would."""

    class Meta:
        model = Area

    municipality = factory.SubFactory(MunicipalityFactory)
    parent = None
    level = AreaLevel.DISTRICT
    name = factory.Sequence(lambda n: f"Gebied {n}")
    slug = factory.Sequence(lambda n: f"gebied-{n}")

    @classmethod
    def _create(cls, model_class: type[Area], *args: Any, **kwargs: Any) -> Area:
        area = super()._create(model_class, *args, **kwargs)
        prefix = area.parent.path if area.parent else "/"
        area.path = f"{prefix}{area.pk}/"
        area.save(update_fields=["path"])
        return area


class PostcodeRangeFactory(DjangoModelFactory[PostcodeRange]):
    class Meta:
        model = PostcodeRange

    area = factory.SubFactory(AreaFactory)
    postcode_from = "1066AA"
    postcode_to = "1066ZZ"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persoon{n}@example.org")
    name = factory.Faker("name", locale="nl_NL")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save()


class RoleAssignmentFactory(DjangoModelFactory[RoleAssignment]):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.BUDGET_MANAGER
    municipality = factory.SubFactory(MunicipalityFactory)
