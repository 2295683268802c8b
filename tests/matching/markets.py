"""Hand-built markets for the matcher's pure tests: the array dataclasses filled in directly, no database.

`vacancy()` and `offer()` describe one side each with sensible defaults (a day-release software
developer vacancy in Liverpool; a Liverpool offer of the same standard with one cohort starting on
the vacancy's date); `market()` turns lists of them into a `Market`. Ids are whatever the test says,
so assertions read as (vacancy id, cohort id) pairs.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from lcr_skills.geo import EARTH_RADIUS_KM
from matching.ml.candidates import ONLINE_BIT, Candidates
from matching.ml.market import Cohorts, Locations, Market, Offers, Vacancies

LIVERPOOL = (53.402036, -2.980503)  # L1's centroid
NEWCASTLE = (54.972411, -1.611540)  # NE1's, about 200 km away
START = 20_000  # the vacancy's start date, in days since 1970
DAY_RELEASE = 1
ONLINE = ONLINE_BIT
BAND = 18_000.0  # Software developer's funding band


def north_of(point: tuple[float, float], km: float) -> tuple[float, float]:
    """The point `km` due north: along a meridian the great-circle distance is R × Δlatitude."""
    return point[0] + math.degrees(km / EARTH_RADIUS_KM), point[1]


@dataclass
class VacancySpec:
    id: int
    standard: int = 1
    at: tuple[float, float] = LIVERPOOL
    start_day: int = START
    delivery_mask: int = DAY_RELEASE
    positions: int = 1
    band: float = BAND
    text: str = "Junior software developer building web applications"


@dataclass
class OfferSpec:
    id: int
    provider: int = 1
    standard: int = 1
    price: float = 15_000.0
    national: bool = False
    delivery_mask: int = DAY_RELEASE
    ofsted_grade: float = 2.0
    achievement_rate: float = 60.0
    text: str = "Software developer apprenticeship, day release in Liverpool"
    # (latitude, longitude, radius km) of each delivery location
    locations: list[tuple[float, float, float]] = field(default_factory=lambda: [(*LIVERPOOL, 25.0)])
    # (cohort id, start day, places left); None: one cohort, id 10 × offer id, on START with 10 places
    cohorts: list[tuple[int, int, int]] | None = None


def vacancy(id: int, **values: object) -> VacancySpec:
    return VacancySpec(id, **values)


def offer(id: int, **values: object) -> OfferSpec:
    return OfferSpec(id, **values)


def market(
    vacancies: list[VacancySpec],
    offers: list[OfferSpec],
    *,
    excluded: dict[int, set[int]] | None = None,
    provider_share: dict[int, float] | None = None,
) -> Market:
    cohorts = [(o, c) for o in offers for c in (o.cohorts if o.cohorts is not None else [(10 * o.id, START, 10)])]
    locations = [(k, loc) for k, o in enumerate(offers) for loc in o.locations]
    position = {o.id: k for k, o in enumerate(offers)}
    ints = lambda values: np.array(list(values), dtype=np.int64)  # noqa: E731
    floats = lambda values: np.array(list(values), dtype=float)  # noqa: E731
    return Market(
        vacancies=Vacancies(
            id=ints(v.id for v in vacancies),
            standard=ints(v.standard for v in vacancies),
            latitude=floats(v.at[0] for v in vacancies),
            longitude=floats(v.at[1] for v in vacancies),
            start_day=ints(v.start_day for v in vacancies),
            delivery_mask=ints(v.delivery_mask for v in vacancies),
            positions=ints(v.positions for v in vacancies),
            band=floats(v.band for v in vacancies),
            text=[v.text for v in vacancies],
        ),
        offers=Offers(
            id=ints(o.id for o in offers),
            provider=ints(o.provider for o in offers),
            standard=ints(o.standard for o in offers),
            price=floats(o.price for o in offers),
            national=np.array([o.national for o in offers], dtype=bool),
            delivery_mask=ints(o.delivery_mask for o in offers),
            ofsted_grade=floats(o.ofsted_grade for o in offers),
            achievement_rate=floats(o.achievement_rate for o in offers),
            text=[o.text for o in offers],
        ),
        cohorts=Cohorts(
            id=ints(c[0] for _, c in cohorts),
            offer=ints(position[o.id] for o, _ in cohorts),
            start_day=ints(c[1] for _, c in cohorts),
            places=ints(c[2] for _, c in cohorts),
        ),
        locations=Locations(
            offer=ints(k for k, _ in locations),
            latitude=floats(loc[0] for _, loc in locations),
            longitude=floats(loc[1] for _, loc in locations),
            radius_km=floats(loc[2] for _, loc in locations),
            postcode=["L1 1AA"] * len(locations),
        ),
        provider_share=provider_share or {},
        excluded_pairs=excluded or {},
    )


def pairs(m: Market, candidates: Candidates) -> set[tuple[int, int]]:
    """The candidates as (vacancy id, cohort id)."""
    return set(
        zip(
            m.vacancies.id[candidates.vacancy].tolist(),
            m.cohorts.id[candidates.cohort].tolist(),
            strict=True,
        )
    )


def gaps(m: Market, candidates: Candidates) -> dict[int, str]:
    """The gaps as vacancy id -> reason."""
    return {int(m.vacancies.id[i]): reason for i, reason in candidates.gaps.items()}
