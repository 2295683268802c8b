"""Scoring: a scikit-learn Pipeline from raw pair features to a score in [0, 1].

The pipeline is a ColumnTransformer that maps each raw feature to a "goodness" in [0, 1]
(1 = best; unknown values neutral), then a WeightedScore: score = Σ weight × goodness. With
non-negative weights summing to 1 the score stays in [0, 1], and each feature's contribution
(weight × goodness) adds up exactly to the score, so every suggestion explains itself.

The PRIOR weights below are used until the hub has made enough decisions to learn from. They
prefer, in this order, nearer providers, better-rated ones (Ofsted, achievement), cohorts that
start close to the vacancy's start, and offers whose description fits the vacancy.
"""

import io
import pickle
from dataclasses import dataclass, field

import numpy as np
import sklearn
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from matching.ml.features import FEATURES

PRIOR_VERSION = "prior-2"  # prior-2 adds the travel features (issue 18)
PRIOR_WEIGHTS: dict[str, float] = {
    "distance_km": 0.25,  # nearer is better: full marks at 0 km, none from 50 km
    "ofsted_grade": 0.15,  # Outstanding 1.0, Good 0.67, Requires improvement 0.33, Inadequate 0
    "achievement_rate": 0.10,  # share of apprentices who achieve
    "start_gap_days": 0.15,  # cohort starting on the vacancy's date is best; 90 days apart scores 0
    "text_similarity": 0.15,  # TF-IDF cosine of the vacancy's and the offer's descriptions
    "delivery_fit": 0.10,  # share of the employer's preferred delivery modes the offer has
    "price_ratio": 0.04,  # cheaper against the funding band leaves more levy (and less co-investment)
    "places_left": 0.03,  # more room in the cohort
    "provider_share": 0.03,  # providers whose suggestions the hub has approved before
    # Workplace to venue by public transport (full marks at 0 min, none from 90; fewer changes better).
    # The prior leaves travel to the hard limit for cohorts taught in person (MAX_TRAVEL_MINUTES): a
    # model trained on the hub's decisions weighs these once the hub has judged pairs with them.
    "travel_minutes": 0.0,
    "travel_changes": 0.0,
}
NEUTRAL = 0.5  # goodness of an unknown value


def _col(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=float).reshape(-1, 1)


def nearer(x: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(x), NEUTRAL, 1 - np.clip(_col(x) / 50.0, 0, 1))


def similar(x: np.ndarray) -> np.ndarray:
    return np.clip(np.nan_to_num(_col(x)), 0, 1)


def sooner(x: np.ndarray) -> np.ndarray:
    return 1 - np.clip(np.abs(np.nan_to_num(_col(x))) / 90.0, 0, 1)


def fitting(x: np.ndarray) -> np.ndarray:
    return np.clip(np.nan_to_num(_col(x)), 0, 1)


def rated(x: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(x), NEUTRAL, np.clip((4 - _col(x)) / 3.0, 0, 1))


def achieving(x: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(x), NEUTRAL, np.clip(_col(x) / 100.0, 0, 1))


def cheaper(x: np.ndarray) -> np.ndarray:
    return 1 - np.clip(np.nan_to_num(_col(x), nan=1.0), 0, 1)


def roomy(x: np.ndarray) -> np.ndarray:
    return 1 - 1 / (1 + np.clip(np.nan_to_num(_col(x)), 0, None))


def quicker(x: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(x), NEUTRAL, 1 - np.clip(_col(x) / 90.0, 0, 1))


def fewer_changes(x: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(x), NEUTRAL, 1 / (1 + np.clip(_col(x), 0, None)))


def recorded(x: np.ndarray) -> np.ndarray:
    return np.clip(np.nan_to_num(_col(x)), 0, 1)


GOODNESS = {
    "distance_km": nearer,
    "text_similarity": similar,
    "start_gap_days": sooner,
    "delivery_fit": fitting,
    "ofsted_grade": rated,
    "achievement_rate": achieving,
    "price_ratio": cheaper,
    "places_left": roomy,
    "provider_share": recorded,
    "travel_minutes": quicker,
    "travel_changes": fewer_changes,
}


class WeightedScore(RegressorMixin, BaseEstimator):
    """score = intercept + Σ weight × goodness, clipped to [0, 1]; contributions are the terms."""

    def __init__(self, weights: tuple[float, ...] = (), intercept: float = 0.0) -> None:
        self.weights = weights
        self.intercept = intercept

    def fit(self, X: np.ndarray, y: np.ndarray | None = None) -> "WeightedScore":
        self.coef_ = np.asarray(self.weights, dtype=float)
        self.intercept_ = float(self.intercept)
        self.n_features_in_ = X.shape[1]
        return self

    def contributions(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(X, dtype=float) * self.coef_

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.clip(self.contributions(X).sum(axis=1) + self.intercept_, 0.0, 1.0)


def goodness_transformer() -> ColumnTransformer:
    return ColumnTransformer(
        [
            (name, FunctionTransformer(GOODNESS[name], feature_names_out="one-to-one"), [i])
            for i, name in enumerate(FEATURES)
        ]
    )


@dataclass
class Matcher:
    """A versioned scoring model: the text vectoriser for the similarity feature and the scoring pipeline."""

    version: str
    vectorizer: TfidfVectorizer
    pipeline: Pipeline  # the prior's weighted score, or a trained ApprovalClassifier (training.py)
    params: dict = field(default_factory=dict)
    sklearn_version: str = sklearn.__version__

    def score(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(scores, contributions) for a (pairs × FEATURES) matrix."""
        if not len(X):
            return np.zeros(0), np.zeros((0, len(FEATURES)))
        if self.trained:  # the chance of approval; contributions in log-odds, adding up with the intercept
            return self.pipeline.predict_proba(X)[:, 1], self.pipeline.contributions(X)
        goodness = self.pipeline[:-1].transform(X)
        contributions = self.pipeline[-1].contributions(goodness)
        return self.pipeline[-1].predict(goodness), contributions

    @property
    def trained(self) -> bool:
        """Learnt from the hub's decisions (an approval classifier), rather than the fixed-weight prior."""
        return hasattr(self.pipeline, "contributions")  # a Pipeline has none of its own

    def dumps(self) -> bytes:
        buffer = io.BytesIO()
        pickle.dump(self, buffer, protocol=pickle.HIGHEST_PROTOCOL)
        return buffer.getvalue()


class IncompatibleModel(Exception):
    """The stored model was saved by another scikit-learn version; rebuild or retrain it."""


def matcher_loads(data: bytes, *, expected_sklearn: str = sklearn.__version__) -> Matcher:
    """Load a stored model, refusing one pickled by another scikit-learn version."""
    matcher = pickle.loads(data)  # noqa: S301 - our own artefact, written by matcher.dumps()  # nosec B301
    if not isinstance(matcher, Matcher) or matcher.sklearn_version != expected_sklearn:
        raise IncompatibleModel(f"model saved with scikit-learn {getattr(matcher, 'sklearn_version', '?')}")
    estimator = matcher.pipeline if matcher.trained else matcher.pipeline[-1]
    if getattr(estimator, "n_features_in_", len(FEATURES)) != len(FEATURES):
        raise IncompatibleModel(f"model {matcher.version} scores other features than {', '.join(FEATURES)}")
    return matcher


def prior_matcher(corpus: list[str]) -> Matcher:
    """The documented prior: fixed weights, and a vectoriser fitted on the standards' own texts."""
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1, max_features=20000)
    vectorizer.fit(corpus or ["apprenticeship"])
    weights = tuple(PRIOR_WEIGHTS[name] for name in FEATURES)
    pipeline = Pipeline([("goodness", goodness_transformer()), ("score", WeightedScore(weights=weights))])
    pipeline.fit(np.zeros((1, len(FEATURES))))
    return Matcher(PRIOR_VERSION, vectorizer, pipeline, {"weights": dict(zip(FEATURES, weights, strict=True))})
