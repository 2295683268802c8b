from apprenticeships.models.delivery import DeliveryMode
from apprenticeships.models.forms import FormSubmission
from apprenticeships.models.funding import PayBillDeclaration
from apprenticeships.models.offers import Cohort, CourseOffer, OfferLocation
from apprenticeships.models.organisations import Employer, Membership, Provider, Role
from apprenticeships.models.places import LocalAuthority, Lsoa, PostcodeDistrict
from apprenticeships.models.standards import Standard, StandardsCatalogue
from apprenticeships.models.transport import (
    DistrictNeighbourhood,
    FullPostcode,
    Neighbourhood,
    TransitFeed,
    TransitStop,
    TravelTime,
)
from apprenticeships.models.vacancies import Vacancy, VacancyTransition

__all__ = [
    "Cohort",
    "CourseOffer",
    "DeliveryMode",
    "DistrictNeighbourhood",
    "Employer",
    "FormSubmission",
    "FullPostcode",
    "LocalAuthority",
    "Lsoa",
    "Membership",
    "Neighbourhood",
    "OfferLocation",
    "PayBillDeclaration",
    "PostcodeDistrict",
    "Provider",
    "Role",
    "Standard",
    "StandardsCatalogue",
    "TransitFeed",
    "TransitStop",
    "TravelTime",
    "Vacancy",
    "VacancyTransition",
]
