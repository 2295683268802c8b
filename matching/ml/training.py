"""Learning from the hub's decisions: fit an approval classifier, and judge a model on held-out decisions.

A trained model is an `ApprovalClassifier` (approval.py): its score is the calibrated chance the hub
approves a suggestion like this, and its contributions are pushes in log-odds that add up.
"""

import numpy as np
from scipy.stats import rankdata
from sklearn.metrics import roc_auc_score

from matching.ml.approval import ApprovalClassifier
from matching.ml.features import FEATURES
from matching.ml.scoring import Matcher


def matcher_train(
    base: Matcher,
    X: np.ndarray,
    y: np.ndarray,
    *,
    version: str,
    groups: np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> Matcher:
    """A new model fitted to decisions (1 = approved, 0 = rejected; `groups` their vacancies, `weights`
    how much each counts) that keeps `base`'s text vectoriser, so the text similarity it learnt from
    means the same."""
    model = ApprovalClassifier().fit(X, y, groups=groups, sample_weight=weights)
    params = {
        "coefficients": dict(zip(FEATURES, model.coef_.tolist(), strict=True)),
        "intercept": model.intercept_,
        "leans_on": model.leans_on(),
        "C": model.C_,
        "trained_on": int(len(y)),
    }
    return Matcher(version, base.vectorizer, model, params)


def promotion_judge(
    candidate: Matcher,
    active: Matcher,
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    *,
    k: int,
    min_gain: float,
    confidence: float,
) -> dict:
    """Compare two models on held-out decisions (neither learnt from them): their figures, the lower
    confidence bound of the candidate's ROC AUC gain, and whether that gain is clear enough to promote."""
    judged = {
        "candidate": evaluate(candidate, X, y, groups, k=k),
        "active": evaluate(active, X, y, groups, k=k),
    }
    gain = judged["candidate"]["roc_auc"] - judged["active"]["roc_auc"]
    lower = auc_gain_lower_bound(y, candidate.score(X)[0], active.score(X)[0], confidence=confidence)
    judged["gain_lower_bound"] = None if np.isnan(lower) else lower
    # ... and better than chance itself: a model that learnt nothing (a flat score, AUC 0.5) must not be
    # promoted over an active model that happens to rank these few decisions backwards.
    flat = np.full(len(y), 0.5)
    above_chance = auc_gain_lower_bound(y, candidate.score(X)[0], flat, confidence=confidence)
    judged["chance_lower_bound"] = None if np.isnan(above_chance) else above_chance
    judged["promote"] = bool(gain >= min_gain and lower > 0 and above_chance > 0)
    judged["gain"] = gain
    return judged


def precision_at_k(scores: np.ndarray, y: np.ndarray, groups: np.ndarray, k: int) -> float:
    """Mean over vacancies of the share of approved suggestions among the k best scored."""
    shares = []
    for group in np.unique(groups):
        member = groups == group
        top = np.argsort(-scores[member], kind="stable")[:k]
        shares.append(float(y[member][top].mean()))
    return float(np.mean(shares)) if shares else float("nan")


def evaluate(matcher: Matcher, X: np.ndarray, y: np.ndarray, groups: np.ndarray, *, k: int) -> dict:
    """ROC AUC, precision@k and precision@1 of a model on decisions it was not trained on."""
    scores, _ = matcher.score(X)
    both_kinds = len(np.unique(y)) == 2
    return {
        "roc_auc": float(roc_auc_score(y, scores)) if both_kinds else None,
        "precision_at_k": precision_at_k(scores, y, groups, k),
        "precision_at_1": precision_at_k(scores, y, groups, 1),
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

    Paired (and stratified) bootstrap over the held-out decisions: on a few dozen of them a gain of a few hundredths
    is well within chance (a model fitted to coin tosses often shows one), so promotion asks for a
    gain this bound keeps above zero.
    """
    rng = np.random.default_rng(random_state)
    # Stratified: approvals and rejections are resampled apart, so every resample has both kinds in
    # the numbers the hub gave (none is wasted, and the bound does not hinge on a lone approval).
    positives, negatives = np.flatnonzero(y == 1), np.flatnonzero(y != 1)
    if not len(positives) or not len(negatives):
        return float("nan")
    rows = np.hstack(
        [
            positives[rng.integers(0, len(positives), size=(resamples, len(positives)))],
            negatives[rng.integers(0, len(negatives), size=(resamples, len(negatives)))],
        ]
    )
    labels = (y[rows] == 1).astype(float)
    gains = _auc_by_row(candidate[rows], labels) - _auc_by_row(active[rows], labels)
    return float(np.quantile(gains, 1 - confidence)) if len(gains) else float("nan")


def _auc_by_row(scores: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """ROC AUC of each row (Mann-Whitney: ties count a half), for many resamples at once."""
    ranks = rankdata(scores, axis=1)
    positives = labels.sum(axis=1)
    negatives = labels.shape[1] - positives
    return ((ranks * labels).sum(axis=1) - positives * (positives + 1) / 2) / (positives * negatives)
