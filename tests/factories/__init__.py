"""All test factories in one place."""

from .core import AreaFactory, MunicipalityFactory, PostcodeRangeFactory, RoleAssignmentFactory, UserFactory
from .money import SchemeFactory

__all__ = [
    "AreaFactory",
    "MunicipalityFactory",
    "PostcodeRangeFactory",
    "RoleAssignmentFactory",
    "SchemeFactory",
    "UserFactory",
]
