"""All test factories in one place."""

from .core import AreaFactory, MunicipalityFactory, PostcodeRangeFactory, RoleAssignmentFactory, UserFactory
from .initiatives import draft_initiative, resident, submitted_initiative, voucher_area, voucher_scheme
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
    "draft_initiative",
    "resident",
    "submitted_initiative",
    "voucher_area",
    "voucher_scheme",
]
