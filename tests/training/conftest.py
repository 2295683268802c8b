"""A small training market: Priya's (Provider A) offer in Liverpool, Quentin's (Provider B) in Wirral and
one national, a closed offer and a far-away one; every price distinctive, so a test can look for it."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from apprenticeships.models import Cohort, CourseOffer
from tests.market_factories import NETWORK_ENGINEER, CourseOfferFactory, days_ahead, standard

# Prices no page or answer for an employer may hold, in any format.
PRICES = {"liverpool": Decimal("14321.00"), "wirral": Decimal("13579.00"), "national": Decimal("12468.00")}


def price_texts() -> list[str]:
    """Every way a price could be written: 14321, 14321.00, 14,321."""
    texts = []
    for price in PRICES.values():
        whole = int(price)
        texts += [str(whole), f"{whole:,}", f"{price}"]
    return texts


@dataclass
class TrainingMarket:
    liverpool: CourseOffer
    wirral: CourseOffer
    national: CourseOffer
    far: CourseOffer
    closed: CourseOffer


@pytest.fixture
def training_market(provider_a, provider_b) -> TrainingMarket:
    liverpool = CourseOfferFactory(
        provider=provider_a,
        title="Software developer in Liverpool",
        price=PRICES["liverpool"],
        locations=[{"postcode": "L3 5TR", "radius_km": 25}],
        delivery_modes=["day_release", "online"],
        cohorts=[{"start_date": days_ahead(45), "places": 12}, {"start_date": days_ahead(135), "places": 8}],
    )
    wirral = CourseOfferFactory(
        provider=provider_b,
        title="Software developer on the Wirral",
        price=PRICES["wirral"],
        locations=[{"postcode": "CH41 1AA", "radius_km": 25}],
        delivery_modes=["block_release"],
        cohorts=[{"start_date": days_ahead(90), "places": 3}],
    )
    # One cohort has started, one is full: neither is the next start.
    Cohort.objects.create(offer=wirral, start_date=days_ahead(-10), places=5)
    Cohort.objects.create(offer=wirral, start_date=days_ahead(20), places=0)
    national = CourseOfferFactory(
        provider=provider_b,
        title="Network engineer anywhere",
        standard=standard(NETWORK_ENGINEER),
        price=PRICES["national"],
        locations=[],
        national=True,
        delivery_modes=["online"],
        cohorts=[{"start_date": days_ahead(30), "places": 20}],
    )
    far = CourseOfferFactory(
        provider=provider_b,
        title="Software developer in London",
        price=PRICES["wirral"],
        locations=[{"postcode": "EC1A 1BB", "radius_km": 10}],
        cohorts=[{"start_date": days_ahead(60), "places": 6}],
    )
    closed = CourseOfferFactory(
        provider=provider_a, title="Closed software course", price=PRICES["liverpool"], status=CourseOffer.Status.CLOSED
    )
    return TrainingMarket(liverpool, wirral, national, far, closed)
