"""A simulated hub for the learning loop: a synthetic Merseyside market and a reviewer with a known taste.

`market_generate()` bulk-inserts live vacancies across the city region and open offers from
providers around the North West (Ofsted grades 1 to 4, some ungraded), each delivering within
60 km, so a vacancy's candidates run from next door to well over 20 km away. The Inadequate
providers are central, cheap and claim high achievement, so the prior still suggests them. `reviewer_decide()`
decides suggestions by a hidden preference — reject anything over 20 km away or with an
Inadequate (4) Ofsted grade, approve the rest — one a minute, so the decisions have a time order.
"""

import random
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from apprenticeships.models import (
    Cohort,
    CourseOffer,
    Employer,
    OfferLocation,
    PostcodeDistrict,
    Provider,
    Standard,
    Vacancy,
)
from apprenticeships.models.delivery import ALL_MODES_MASK
from matching.models import Suggestion

# LARS codes: software developer, network engineer, installation electrician, power network craftsperson.
STANDARDS = [2, 1, 5, 6]
# Providers' grades, in turn: a quarter are Inadequate, one in eight has no grade yet.
OFSTED_GRADES = [1, 2, 4, 3, 2, None, 4, 2]
PROVIDER_AREAS = ["L", "CH", "WA", "WN", "PR", "M", "BL"]
FAR_KM = 20.0


def hidden_preference(features: dict[str, float | None]) -> bool:
    """The simulated reviewers' taste: nothing over 20 km away, no Inadequate provider."""
    distance, grade = features["distance_km"], features["ofsted_grade"]
    return not ((distance is not None and distance > FAR_KM) or grade == 4)


def market_generate(n_vacancies: int, n_providers: int, *, seed: int = 5) -> None:
    """Bulk-insert live vacancies in the city region and two open offers from each provider."""
    rng = random.Random(seed)
    today, now = timezone.localdate(), timezone.now()
    standards = list(Standard.objects.filter(lars_code__in=STANDARDS).order_by("lars_code"))
    city_region = list(PostcodeDistrict.objects.filter(local_authority__in_city_region=True).order_by("outcode"))
    around = list(PostcodeDistrict.objects.filter(postcode_area__in=PROVIDER_AREAS).order_by("outcode"))
    employers = Employer.objects.bulk_create(
        Employer(name=f"Simulated employer {i}", postcode=d.outcode, local_authority=d.local_authority)
        for i, d in enumerate(city_region)
    )
    places = rng.choices(range(len(city_region)), k=n_vacancies)
    Vacancy.objects.bulk_create(
        Vacancy(
            employer=employers[i],
            title=f"Apprentice {standard.title.lower()}",
            description=f"Train as {standard.title.lower()}: {standard.overview}",
            standard=standard,
            weekly_wage=Decimal("320.00"),
            hours_per_week=Decimal("37.5"),
            postcode=city_region[i].outcode,
            outcode=city_region[i].outcode,
            latitude=city_region[i].latitude,
            longitude=city_region[i].longitude,
            local_authority=city_region[i].local_authority,
            start_date=today + timedelta(days=rng.randint(40, 150)),
            closing_date=today + timedelta(days=14),
            delivery_mask=rng.randint(1, ALL_MODES_MASK),
            status=Vacancy.Status.LIVE,
            live_at=now - timedelta(days=rng.randint(1, 30)),
        )
        for i, standard in zip(places, rng.choices(standards, k=n_vacancies), strict=True)
    )
    grades = [OFSTED_GRADES[i % len(OFSTED_GRADES)] for i in range(n_providers)]
    # Inadequate providers that are central, cheap and claim high achievement: the prior suggests them.
    provider_places = [rng.choice(city_region if grade == 4 else around) for grade in grades]
    providers = Provider.objects.bulk_create(
        Provider(
            name=f"Simulated provider {i}",
            ukprn=f"19{i:06d}",
            postcode=d.outcode,
            local_authority=d.local_authority,
            ofsted_grade=grade,
            achievement_rate=Decimal(rng.randint(85, 95) if grade == 4 else rng.randint(35, 95)),
        )
        for i, (d, grade) in enumerate(zip(provider_places, grades, strict=True))
    )
    offers, where = [], []
    for provider, district in zip(providers, provider_places, strict=True):
        prices = ["0.55"] if provider.ofsted_grade == 4 else ["0.55", "0.7", "0.85", "1.0"]
        for standard in rng.sample(standards, 2):
            offers.append(
                CourseOffer(
                    provider=provider,
                    standard=standard,
                    title=f"{standard.title} with {provider.name}",
                    description=f"{standard.title}. {standard.overview}",
                    price=Decimal(standard.max_funding) * Decimal(rng.choice(prices)),
                    delivery_mask=rng.randint(1, ALL_MODES_MASK),
                    status=CourseOffer.Status.OPEN,
                )
            )
            where.append(district)
    CourseOffer.objects.bulk_create(offers)
    OfferLocation.objects.bulk_create(
        OfferLocation(
            offer=offer,
            postcode=d.outcode,
            radius_km=60,
            latitude=d.latitude,
            longitude=d.longitude,
            local_authority=d.local_authority,
        )
        for offer, d in zip(offers, where, strict=True)
    )
    Cohort.objects.bulk_create(
        Cohort(offer=offer, start_date=today + timedelta(days=rng.randint(20, 220)), places=40)
        for offer in offers
        for _ in range(2)
    )


def reviewer_decide(
    suggestions: list[Suggestion], prefers: Callable[[dict], bool], *, start_days_ago: int = 60
) -> dict[str, int]:
    """Decide each suggestion by `prefers`, one a minute in the order given; returns the counts.

    Written in bulk (status and decision time are what training reads): hundreds of decisions
    through the service would only make the test slow, and the service is tested on its own.
    """
    start = timezone.now() - timedelta(days=start_days_ago)
    for minute, suggestion in enumerate(suggestions):
        approved = prefers(suggestion.features)
        suggestion.status = Suggestion.Status.APPROVED if approved else Suggestion.Status.REJECTED
        suggestion.reject_reason = "" if approved else "too_far"
        suggestion.decided_at = start + timedelta(minutes=minute)
    Suggestion.objects.bulk_update(suggestions, ["status", "reject_reason", "decided_at"], batch_size=500)
    statuses = [s.status for s in suggestions]
    return {"approved": statuses.count(Suggestion.Status.APPROVED), "rejected": statuses.count("rejected")}
