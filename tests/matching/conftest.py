"""A small Merseyside market built through the services, where the right suggestions and gaps are known.

* Alice's and Bob's software developer vacancies (Liverpool L1 and Birkenhead CH41, starting in 60
  days) can each go to two cohorts of Provider A's Liverpool offer and two of Provider B's Wirral
  offer: four candidates each, so three suggestions each.
* Four more vacancies are gaps, one per reason: a network engineer nobody offers (no provider); a
  day-release role whose only offer is in Newcastle (out of reach); an electrician whose only cohort
  starts 110 days late (no cohort in the window); two power-network roles for one place (one of them
  gets no place).
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from apprenticeships.models import CourseOffer, Vacancy
from matching.ml.candidates import GapReason
from tests.market_factories import (
    CHEAP_STANDARD,
    NETWORK_ENGINEER,
    CourseOfferFactory,
    VacancyFactory,
    days_ahead,
    standard,
)

ELECTRICIAN = 5  # LARS code: level 3, £18,000
POWER_NETWORK = 6  # LARS code: level 3, £26,000
LIVE = Vacancy.Status.LIVE


@dataclass
class SmallMarket:
    liverpool_offer: CourseOffer  # Provider A
    wirral_offer: CourseOffer  # Provider B
    alices: Vacancy
    bobs: Vacancy
    no_provider: Vacancy
    out_of_reach: Vacancy
    no_cohort: Vacancy
    one_place: list[Vacancy]  # two vacancies wanting one place

    @property
    def expected_gaps(self) -> dict[int, str]:
        """Every gap but the one-place loser, whose identity depends on the scores."""
        return {
            self.no_provider.pk: GapReason.NO_PROVIDER,
            self.out_of_reach.pk: GapReason.OUT_OF_REACH,
            self.no_cohort.pk: GapReason.NO_COHORT_IN_WINDOW,
        }


@pytest.fixture
def small_market(employer_a, employer_b, provider_a, provider_b) -> SmallMarket:
    liverpool = CourseOfferFactory(provider=provider_a)  # L3 5TR + 25 km; cohorts in 45 and 135 days
    wirral = CourseOfferFactory(
        provider=provider_b,
        title="Software developer, Wirral campus",
        description="Block release in Birkenhead; Python and web applications.",
        price=Decimal("16500.00"),
        locations=[{"postcode": "CH41 1AA", "radius_km": 30}],
        cohorts=[{"start_date": days_ahead(40), "places": 10}, {"start_date": days_ahead(100), "places": 10}],
    )
    CourseOfferFactory(
        provider=provider_b,
        standard=standard(CHEAP_STANDARD),
        title="Public service delivery officer, Newcastle",
        price=Decimal("2000.00"),
        delivery_modes=["day_release"],
        locations=[{"postcode": "NE1 1AA", "radius_km": 10}],
    )
    CourseOfferFactory(
        provider=provider_a,
        standard=standard(ELECTRICIAN),
        title="Electrician, spring intake",
        cohorts=[{"start_date": days_ahead(170), "places": 10}],
    )
    CourseOfferFactory(
        provider=provider_b,
        standard=standard(POWER_NETWORK),
        title="Power network craftsperson",
        price=Decimal("20000.00"),
        cohorts=[{"start_date": days_ahead(50), "places": 1}],
    )
    return SmallMarket(
        liverpool_offer=liverpool,
        wirral_offer=wirral,
        alices=VacancyFactory(employer=employer_a, status=LIVE),
        bobs=VacancyFactory(employer=employer_b, status=LIVE, postcode="CH41 1AA", title="Trainee developer"),
        no_provider=VacancyFactory(
            employer=employer_a, status=LIVE, standard=standard(NETWORK_ENGINEER), title="Network engineer"
        ),
        out_of_reach=VacancyFactory(
            employer=employer_b,
            status=LIVE,
            standard=standard(CHEAP_STANDARD),
            title="Public service officer",
            delivery_modes=["day_release"],
        ),
        no_cohort=VacancyFactory(employer=employer_a, status=LIVE, standard=standard(ELECTRICIAN), title="Electrician"),
        one_place=[
            VacancyFactory(employer=employer, status=LIVE, standard=standard(POWER_NETWORK), title=f"Linesperson {n}")
            for n, employer in enumerate([employer_a, employer_b], start=1)
        ],
    )
