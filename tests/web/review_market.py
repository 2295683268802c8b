"""Suggestions for the review, matches and models pages: a small market built through the services.

* Knowsley (IMD rank 2): Alice's "Knowsley developer", suggested with Provider A's Liverpool course.
* Liverpool (IMD rank 3): Alice's "Liverpool developer" (2 positions), suggested with Provider A's
  course (rank 1) and Provider B's Wirral course (rank 2).
* Wirral (IMD rank 42): Bob's "Wirral developer", suggested with Provider B's Wirral course.

Provider A's first cohort has 12 places, Provider B's 10. Suggestions are written as a matching
run writes them, with every feature's value and contribution, so pages explain them as usual.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User

from apprenticeships.models import CourseOffer, Vacancy
from matching.ml.features import FEATURES
from matching.models import Suggestion
from tests.market_factories import CourseOfferFactory, VacancyFactory, days_ahead

FEATURE_VALUES = {
    "distance_km": 12.0,
    "text_similarity": 0.4,
    "start_gap_days": 0.0,
    "delivery_fit": 1.0,
    "ofsted_grade": 2.0,
    "achievement_rate": 62.5,
    "price_ratio": 0.8,
    "places_left": 10.0,
    "provider_share": 0.0,
    "travel_minutes": 38.0,
    "travel_changes": 1.0,
}
CONTRIBUTIONS = {
    "distance_km": 0.19,
    "text_similarity": 0.06,
    "start_gap_days": 0.15,
    "delivery_fit": 0.1,
    "ofsted_grade": 0.1,
    "achievement_rate": 0.06,
    "price_ratio": 0.01,
    "places_left": 0.02,
    "provider_share": 0.0,
    "travel_minutes": 0.0,
    "travel_changes": 0.0,
}


def suggest(vacancy: Vacancy, offer: CourseOffer, *, rank: int = 1, score: float = 0.69) -> Suggestion:
    """A suggestion of the offer's first cohort, as a matching run would write it."""
    return Suggestion.objects.create(
        vacancy=vacancy,
        cohort=offer.cohorts.order_by("start_date").first(),
        course_offer=offer,
        score=score,
        rank=rank,
        features={name: FEATURE_VALUES[name] for name in FEATURES},
        contributions={name: CONTRIBUTIONS[name] for name in FEATURES},
        model_version="prior-1",
    )


@dataclass
class ReviewMarket:
    offer_a: CourseOffer
    offer_b: CourseOffer
    knowsley: Suggestion
    liverpool: Suggestion
    liverpool_alternative: Suggestion
    wirral: Suggestion


def review_market(alice: User, bob: User, priya: User, quentin: User) -> ReviewMarket:
    employer_a, employer_b = alice.membership.employer, bob.membership.employer
    offer_a = CourseOfferFactory(
        provider=priya.membership.provider,
        title="Software developer, Liverpool day release",
        cohorts=[{"start_date": days_ahead(45), "places": 12}],
    )
    offer_b = CourseOfferFactory(
        provider=quentin.membership.provider,
        title="Software developer, Wirral campus",
        locations=[{"postcode": "CH41 1AA", "radius_km": 30}],
        cohorts=[{"start_date": days_ahead(40), "places": 10}],
    )
    live = Vacancy.Status.LIVE
    knowsley = VacancyFactory(employer=employer_a, status=live, postcode="L36 9UA", title="Knowsley developer")
    liverpool = VacancyFactory(employer=employer_a, status=live, title="Liverpool developer", positions=2)
    wirral = VacancyFactory(employer=employer_b, status=live, postcode="CH41 1AA", title="Wirral developer")
    return ReviewMarket(
        offer_a=offer_a,
        offer_b=offer_b,
        knowsley=suggest(knowsley, offer_a, score=0.61),
        liverpool=suggest(liverpool, offer_a, score=0.74),
        liverpool_alternative=suggest(liverpool, offer_b, rank=2, score=0.58),
        wirral=suggest(wirral, offer_b, score=0.83),
    )


def banner(response) -> str:
    """Every message shown on the page after a redirect, as one string."""
    return " ".join(str(message) for message in response.context["messages"])
