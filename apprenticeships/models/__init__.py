from apprenticeships.models.organisations import Employer, Membership, Provider, Role
from apprenticeships.models.places import LocalAuthority, Lsoa, PostcodeDistrict
from apprenticeships.models.standards import Standard

__all__ = [
    "Employer",
    "LocalAuthority",
    "Lsoa",
    "Membership",
    "PostcodeDistrict",
    "Provider",
    "Role",
    "Standard",
]
