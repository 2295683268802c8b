"""Simulated reviewers with a hidden threshold rule on one feature, for the approval classifier.

`feature_rows()` draws suggestions' recorded feature values the way a Merseyside market gives them
(three suggestions per vacancy, the vacancy as the group), without a database: the learning itself
is plain arrays (matching/ml), so a few dozen decisions per rule cost milliseconds. Each rule in
`RULES` rejects every suggestion on one side of a threshold of one feature, whatever else it has.
"""

import numpy as np

from matching.ml.features import FEATURES

PER_VACANCY = 3


def feature_rows(n: int, *, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(n × FEATURES values, vacancy of each row), decision order = row order."""
    rng = np.random.default_rng(seed)
    grade = rng.choice([1.0, 2.0, 2.0, 3.0, 4.0, np.nan], size=n)
    minutes = rng.uniform(10, 110, size=n)
    columns = {
        "distance_km": rng.uniform(0.5, 45, size=n),
        "text_similarity": rng.beta(2, 5, size=n),
        "start_gap_days": rng.integers(-30, 91, size=n).astype(float),
        "delivery_fit": rng.choice([0.0, 1 / 3, 0.5, 2 / 3, 1.0, 1.0], size=n),
        "ofsted_grade": grade,
        "achievement_rate": rng.integers(35, 96, size=n).astype(float),
        "price_ratio": rng.choice([0.55, 0.7, 0.85, 1.0], size=n),
        "places_left": rng.integers(1, 41, size=n).astype(float),
        "provider_share": rng.uniform(0, 0.2, size=n),
        "travel_minutes": np.where(rng.random(n) < 0.2, np.nan, minutes),
        "travel_changes": np.where(rng.random(n) < 0.2, np.nan, rng.integers(0, 4, size=n).astype(float)),
    }
    X = np.column_stack([columns[name] for name in FEATURES])
    return X, np.arange(n) // PER_VACANCY


def _col(X: np.ndarray, name: str) -> np.ndarray:
    return X[:, FEATURES.index(name)]


# A hidden rule per feature: approve (True) only on the preferred side of the threshold.
RULES = {
    "distance_km": lambda X: _col(X, "distance_km") <= 20,
    "price_ratio": lambda X: _col(X, "price_ratio") <= 0.7,
    "ofsted_grade": lambda X: np.nan_to_num(_col(X, "ofsted_grade"), nan=2.0) <= 2,
    "achievement_rate": lambda X: _col(X, "achievement_rate") >= 60,
    "start_gap_days": lambda X: np.abs(_col(X, "start_gap_days")) <= 30,
    "delivery_fit": lambda X: _col(X, "delivery_fit") >= 0.5,
}


def decide(X: np.ndarray, feature: str) -> np.ndarray:
    return RULES[feature](X).astype(float)
