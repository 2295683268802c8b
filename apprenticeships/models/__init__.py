from apprenticeships.models.applications import Application, ApplicationStatus, VacancyAlert
from apprenticeships.models.delivery import DeliveryMode
from apprenticeships.models.forms import FormSubmission
from apprenticeships.models.funding import PayBillDeclaration
from apprenticeships.models.invitations import HubTask, Invitation
from apprenticeships.models.offers import Cohort, CourseOffer, OfferLocation
from apprenticeships.models.organisations import Employer, Membership, Provider, Role
from apprenticeships.models.places import LocalAuthority, Lsoa, PostcodeDistrict
from apprenticeships.models.pledges import Pledge, PledgeApplication, PledgeEvent
from apprenticeships.models.shortlist import ShortlistEntry
from apprenticeships.models.standards import Standard, StandardsCatalogue
from apprenticeships.models.transport import (
    DistrictNeighbourhood,
    FullPostcode,
    Neighbourhood,
    TransitFeed,
    TransitStop,
    TravelTime,
)
from apprenticeships.models.vacancies import SearchWord, Vacancy, VacancyTransition

__all__ = [
    "Application",
    "ApplicationStatus",
    "Cohort",
    "CourseOffer",
    "DeliveryMode",
    "DistrictNeighbourhood",
    "Employer",
    "FormSubmission",
    "FullPostcode",
    "HubTask",
    "Invitation",
    "LocalAuthority",
    "Lsoa",
    "Membership",
    "Neighbourhood",
    "OfferLocation",
    "PayBillDeclaration",
    "Pledge",
    "PledgeApplication",
    "PledgeEvent",
    "PostcodeDistrict",
    "Provider",
    "Role",
    "SearchWord",
    "ShortlistEntry",
    "Standard",
    "StandardsCatalogue",
    "TransitFeed",
    "TransitStop",
    "TravelTime",
    "Vacancy",
    "VacancyAlert",
    "VacancyTransition",
]
