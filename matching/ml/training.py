"""Learning from the hub's decisions: fit new weights, and judge a model on held-out decisions.

A trained model has the prior's form: the same goodness transforms, then non-negative weights
that add up to 1 (a linear model constrained to be positive, rescaled), so its scores stay in
[0, 1] and its contributions still add up to the score and read the same way.
"""

import numpy as np
from scipy.stats import rankdata
from sklearn.linear_model import LinearRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline

from matching.ml.features import FEATURES
from matching.ml.scoring import Matcher, WeightedScore, goodness_transformer


def matcher_train(base: Matcher, X: np.ndarray, y: np.ndarray, *, version: str) -> Matcher:
    """A new model fitted to decisions (1 = approved, 0 = rejected) on top of `base`'s vectoriser."""
    goodness = goodness_transformer().fit(X)
    fit = LinearRegression(positive=True).fit(goodness.transform(X), y)
    weights = np.asarray(fit.coef_, dtype=float)
    weights = weights / weights.sum() if weights.sum() > 0 else np.full(len(FEATURES), 1 / len(FEATURES))
    pipeline = Pipeline([("goodness", goodness), ("score", WeightedScore(weights=tuple(weights.tolist())))])
    pipeline.fit(X, y)
    params = {"weights": dict(zip(FEATURES, weights.tolist(), strict=True)), "trained_on": int(len(y))}
    return Matcher(version, base.vectorizer, pipeline, params)


def precision_at_k(scores: np.ndarray, y: np.ndarray, groups: np.ndarray, k: int) -> float:
    """Mean over vacancies of the share of approved suggestions among the k best scored."""
    shares = []
    for group in np.unique(groups):
        member = groups == group
        top = np.argsort(-scores[member], kind="stable")[:k]
        shares.append(float(y[member][top].mean()))
    return float(np.mean(shares)) if shares else float("nan")


def evaluate(matcher: Matcher, X: np.ndarray, y: np.ndarray, groups: np.ndarray, *, k: int) -> dict:
    """ROC AUC and precision@k of a model on decisions it was not trained on."""
    scores, _ = matcher.score(X)
    both_kinds = len(np.unique(y)) == 2
    return {
        "roc_auc": float(roc_auc_score(y, scores)) if both_kinds else None,
        "precision_at_k": precision_at_k(scores, y, groups, k),
        "decisions": int(len(y)),
    }


def auc_gain_lower_bound(
    y: np.ndarray,
    candidate: np.ndarray,
    active: np.ndarray,
    *,
    confidence: float,
    resamples: int = 1000,
    random_state: int = 0,
) -> float:
    """A one-sided lower confidence bound of the candidate's ROC AUC gain over the active model's.

    Paired bootstrap over the held-out decisions: on a few dozen of them a gain of a few hundredths
    is well within chance (a model fitted to coin tosses often shows one), so promotion asks for a
    gain this bound keeps above zero.
    """
    rng = np.random.default_rng(random_state)
    rows = rng.integers(0, len(y), size=(resamples, len(y)))
    labels = y[rows]
    both_kinds = (labels.min(axis=1) == 0) & (labels.max(axis=1) == 1)
    rows, labels = rows[both_kinds], labels[both_kinds]
    gains = _auc_by_row(candidate[rows], labels) - _auc_by_row(active[rows], labels)
    return float(np.quantile(gains, 1 - confidence)) if len(gains) else float("nan")


def _auc_by_row(scores: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """ROC AUC of each row (Mann-Whitney: ties count a half), for many resamples at once."""
    ranks = rankdata(scores, axis=1)
    positives = labels.sum(axis=1)
    negatives = labels.shape[1] - positives
    return ((ranks * labels).sum(axis=1) - positives * (positives + 1) / 2) / (positives * negatives)
