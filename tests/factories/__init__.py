"""All test factories in one place."""

from .core import AreaFactory, MunicipalityFactory, PostcodeRangeFactory, RoleAssignmentFactory, UserFactory

__all__ = [
    "AreaFactory",
    "MunicipalityFactory",
    "PostcodeRangeFactory",
    "RoleAssignmentFactory",
    "UserFactory",
]
