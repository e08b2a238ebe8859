"""All test factories in one place."""

from .core import AreaFactory, MunicipalityFactory, PostcodeRangeFactory, RoleAssignmentFactory, UserFactory
from .money import SchemeFactory
from .payments import PayingOrganisationFactory

__all__ = [
    "AreaFactory",
    "MunicipalityFactory",
    "PayingOrganisationFactory",
    "PostcodeRangeFactory",
    "RoleAssignmentFactory",
    "SchemeFactory",
    "UserFactory",
]
