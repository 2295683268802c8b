"""Issue 16: an employer finds training and asks for an introduction; hub staff see the request in the
review queue and accept it; the employer then sees the provider's contact details."""

from decimal import Decimal

import pytest

from apprenticeships.models import Vacancy
from tests.browser import find_training, journeys
from tests.market_factories import CourseOfferFactory, VacancyFactory, days_ahead

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def courses(priya, quentin) -> None:
    CourseOfferFactory(
        provider=priya.membership.provider,
        title=find_training.COURSE,
        price=Decimal("15432.00"),
        locations=[{"postcode": "L3 5TR", "radius_km": 25}],
        cohorts=[{"start_date": days_ahead(45), "places": 12}],
    )
    CourseOfferFactory(
        provider=quentin.membership.provider,
        title=find_training.FAR_COURSE,
        price=Decimal("13210.00"),
        locations=[{"postcode": "EC1A 1BB", "radius_km": 10}],
    )


def test_an_employer_finds_training_and_the_hub_introduces_them(open_page, alice, priya, hannah, courses):
    VacancyFactory(
        employer=alice.membership.employer, by=alice, status=Vacancy.Status.LIVE, title=find_training.VACANCY
    )
    employer = journeys.signed_in(open_page, "alice")
    hub = journeys.signed_in(open_page, "hannah")

    find_training.employer_finds_training(employer, price_texts=["15432", "15,432", "13210", "13,210"])
    find_training.employer_asks_for_an_introduction(employer)
    find_training.hub_accepts_the_request(hub)
    find_training.employer_sees_the_introduction(employer)
