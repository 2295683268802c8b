"""A small Merseyside market for the hub's review, and suggestions as the matcher writes them.

* Alice's vacancy (Liverpool L1, two positions, starting in 60 days) and Bob's (Birkenhead CH41)
  can each go to Provider A's Liverpool offer or Provider B's Wirral offer, two cohorts each.
* `matched` runs the real matcher over that market; `suggest()` writes one suggestion for a
  chosen pair, scored by the model in use, for the tests that need a precise set-up (capacity,
  queue order).
"""

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pytest

from apprenticeships.models import Cohort, CourseOffer, Vacancy
from matching.ml.features import FEATURES
from matching.models import Suggestion
from matching.services import matcher_active_ensure, run_full_now
from tests.market_factories import CourseOfferFactory, VacancyFactory, days_ahead

LIVE = Vacancy.Status.LIVE
# A good pair: near, Ofsted Good, starting a fortnight apart, offering what the employer wants.
TYPICAL_FEATURES: dict[str, float | None] = {
    "distance_km": 5.0,
    "text_similarity": 0.3,
    "start_gap_days": 14.0,
    "delivery_fit": 1.0,
    "ofsted_grade": 2.0,
    "achievement_rate": 62.5,
    "price_ratio": 0.83,
    "places_left": 10.0,
    "provider_share": 0.0,
    "travel_minutes": 38.0,
    "travel_changes": 1.0,
}


@dataclass
class Market:
    liverpool_offer: CourseOffer  # Provider A
    wirral_offer: CourseOffer  # Provider B
    alices: Vacancy  # Employer A, two positions
    bobs: Vacancy  # Employer B


@pytest.fixture
def market(employer_a, employer_b, provider_a, provider_b) -> Market:
    return Market(
        liverpool_offer=CourseOfferFactory(provider=provider_a),  # cohorts in 45 and 135 days
        wirral_offer=CourseOfferFactory(
            provider=provider_b,
            title="Software developer, Wirral campus",
            description="Block release in Birkenhead; Python and web applications.",
            price=Decimal("16500.00"),
            locations=[{"postcode": "CH41 1AA", "radius_km": 30}],
            cohorts=[{"start_date": days_ahead(40), "places": 10}, {"start_date": days_ahead(100), "places": 10}],
        ),
        alices=VacancyFactory(employer=employer_a, status=LIVE, positions=2),
        bobs=VacancyFactory(employer=employer_b, status=LIVE, postcode="CH41 1AA", title="Trainee developer"),
    )


@pytest.fixture
def matched(market) -> Market:
    """The market after a full run of the real matcher: three suggestions for each vacancy."""
    run_full_now()
    return market


def best(vacancy: Vacancy, offer: CourseOffer) -> Suggestion:
    """The vacancy's best-ranked suggestion with this offer."""
    return Suggestion.objects.filter(vacancy=vacancy, course_offer=offer).order_by("rank").first()


def suggest(vacancy: Vacancy, cohort: Cohort, *, rank: int = 1, **features: float | None) -> Suggestion:
    """A suggestion as the matcher writes one: the pair's features scored by the model in use."""
    model, matcher = matcher_active_ensure()
    values = {**TYPICAL_FEATURES, **features}
    row = np.array([[np.nan if values[name] is None else values[name] for name in FEATURES]], dtype=float)
    scores, contributions = matcher.score(row)
    return Suggestion.objects.create(
        vacancy=vacancy,
        cohort=cohort,
        course_offer=cohort.offer,
        score=float(scores[0]),
        rank=rank,
        features=values,
        contributions=dict(zip(FEATURES, contributions[0].tolist(), strict=True)),
        model_version=model.version,
    )
