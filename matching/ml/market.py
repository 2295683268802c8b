"""A market as arrays: the live vacancies and the open cohorts of offers, for one or more standards.

matching.services.market reads one from the database; the tests and benchmarks build their own.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

EPOCH = date(1970, 1, 1)  # day numbers (`start_day`) count from here


def day_numbers(values: Iterable[date]) -> np.ndarray:
    """Dates as int64 days since EPOCH."""
    return np.array([(d - EPOCH).days for d in values], dtype=np.int64)


def floats(values: Iterable[object]) -> np.ndarray:
    """Numbers (Decimal, int, float) as float64, NaN where unknown (None)."""
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


@dataclass
class Vacancies:
    id: np.ndarray  # int64
    standard: np.ndarray  # int64 standard id
    latitude: np.ndarray
    longitude: np.ndarray
    start_day: np.ndarray  # int64 days since 1970-01-01
    delivery_mask: np.ndarray  # int64 bit mask of delivery modes
    positions: np.ndarray  # int64
    band: np.ndarray  # float64 the standard's maximum funding, GBP
    text: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.id)


@dataclass
class Offers:
    id: np.ndarray
    provider: np.ndarray
    standard: np.ndarray
    price: np.ndarray
    national: np.ndarray  # bool
    delivery_mask: np.ndarray
    ofsted_grade: np.ndarray  # float64, NaN when unknown
    achievement_rate: np.ndarray  # float64 per cent, NaN when unknown
    text: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.id)


@dataclass
class Cohorts:
    id: np.ndarray
    offer: np.ndarray  # index into Offers (not id)
    start_day: np.ndarray
    places: np.ndarray  # places left for new matches

    def __len__(self) -> int:
        return len(self.id)


@dataclass
class Locations:
    offer: np.ndarray  # index into Offers
    latitude: np.ndarray
    longitude: np.ndarray
    radius_km: np.ndarray
    postcode: list[str]  # where journeys to it are planned to (matching.services.travel)

    def __len__(self) -> int:
        return len(self.offer)


@dataclass
class Market:
    vacancies: Vacancies
    offers: Offers
    cohorts: Cohorts
    locations: Locations
    # provider id -> share of the hub's approved suggestions that went to it (0..1)
    provider_share: dict[int, float] = field(default_factory=dict)
    # vacancy id -> cohort ids the hub has already decided for it: never suggested again
    excluded_pairs: dict[int, set[int]] = field(default_factory=dict)
    # (vacancy id, offer id) -> (minutes or None when unreachable, changes or None for an estimate),
    # workplace to the offer's nearest venue by public transport (matching.ml.travel)
    travel: dict[tuple[int, int], tuple[float | None, float | None]] = field(default_factory=dict)
    max_travel_minutes: float | None = None  # in-person cohorts beyond this are out of reach
    # `travel` as sorted pair keys and their (minutes, changes), built on first use (matching.ml.travel)
    travel_index: tuple | None = field(default=None, repr=False, compare=False)
