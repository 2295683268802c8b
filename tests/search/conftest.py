"""A small market for the public search: around Huyton (L36, Knowsley), with known distances.

Distances from the L36 district centre (the equirectangular measure the search uses):
L35 2.4 miles, WA10 4.5 miles, L1 5.8 miles, PR9 17.7 miles.
"""

from decimal import Decimal

import pytest

from apprenticeships.models import LocalAuthority, Standard, Vacancy
from tests.market_factories import VacancyFactory, days_ahead, standard
from tests.matching.conftest import small_market  # noqa: F401 - the matching tests' market (plans and totals)

BUILDING_SERVICES = 164  # LARS: Building services engineering installer, level 2
SOFTWARE_DEVELOPER = 2  # level 4
ENGINEERING_TECHNICIAN = 167  # level 3


@pytest.fixture
def knowsley() -> LocalAuthority:
    return LocalAuthority.objects.get(code="E08000011")


@pytest.fixture
def search_market(employer_a, employer_b) -> dict[str, Vacancy]:
    return {
        "plumbing": VacancyFactory(
            employer=employer_b,
            status="live",
            title="Plumbing and heating technician",
            description="Fit and service boilers and bathrooms across Knowsley.",
            standard=standard(BUILDING_SERVICES),
            postcode="L35 1AA",
            age_groups=["16-18", "19-21"],
            weekly_wage=Decimal("320.00"),
            hours_per_week=Decimal("37.5"),
            closing_date=days_ahead(20),
        ),
        "engineering": VacancyFactory(
            employer=employer_a,
            status="live",
            title="Maintenance apprentice",
            description="Join our engineering team looking after the production line.",
            standard=standard(ENGINEERING_TECHNICIAN),
            postcode="WA10 1AA",
            age_groups=["19-21", "22-24", "25+"],
            closing_date=days_ahead(15),
        ),
        "software": VacancyFactory(
            employer=employer_a,
            status="live",
            title="Junior software developer",
            standard=standard(SOFTWARE_DEVELOPER),
            postcode="L1 8JQ",
            closing_date=days_ahead(10),
        ),
        "southport": VacancyFactory(
            employer=employer_b,
            status="live",
            title="Electrician",
            description="Wiring new homes; you will work beside our electricians.",
            standard=standard(BUILDING_SERVICES),
            postcode="PR9 0AA",
            closing_date=days_ahead(12),
        ),
    }


def make_foundation(lars_code: int) -> Standard:
    found = standard(lars_code)
    found.is_foundation = True
    found.save(update_fields=["is_foundation"])
    return found
