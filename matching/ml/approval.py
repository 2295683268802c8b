"""A classifier of the hub's approval: the chance the hub approves a suggestion like this one.

One scikit-learn estimator (`ApprovalClassifier`) from raw pair features to that chance:

1. each feature's goodness in [0, 1] (the prior's transforms, `scoring.GOODNESS`: monotone, so a
   preference one way or the other on any feature, a threshold included, stays monotone here);
2. standardised over the decisions it learns from, so a feature whose values hardly vary (places
   left, say) needs a large coefficient to matter and is not favoured for its spread;
3. a logistic regression, its L2 regularisation C chosen by cross-validation grouped by vacancy
   (GroupKFold: a vacancy's suggestions are never split between learning and judging);
4. calibrated (Platt) on the out-of-fold log-odds of those same cross-validation fits, i.e. on
   decisions each fit never saw: log-odds = a × (fitted log-odds) + b, still linear.

So log-odds = intercept + Σ coefficient × standardised goodness: each feature's contribution (its
push up or down, in log-odds, against a suggestion with average values) adds up exactly, with the
intercept, to the log-odds of the score.
"""

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.utils.validation import check_is_fitted

from matching.ml.features import FEATURES
from matching.ml.scoring import GOODNESS

DEFAULT_CS = (0.01, 0.05, 0.2, 1.0, 5.0, 20.0, 100.0)


def goodness_matrix(X: np.ndarray) -> np.ndarray:
    """Each raw feature's goodness in [0, 1] (unknown values neutral), column by column."""
    X = np.asarray(X, dtype=float).reshape(-1, len(FEATURES))
    return np.column_stack([GOODNESS[name](X[:, [i]])[:, 0] for i, name in enumerate(FEATURES)])


class ApprovalClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression on standardised goodness, regularised by grouped CV and Platt-calibrated."""

    def __init__(self, Cs: tuple[float, ...] = DEFAULT_CS, n_splits: int = 5, calibrate: bool = True) -> None:
        self.Cs = Cs
        self.n_splits = n_splits
        self.calibrate = calibrate

    # --- fitting ---------------------------------------------------------------------------------

    def fit(
        self, X: np.ndarray, y: np.ndarray, groups: np.ndarray | None = None, sample_weight: np.ndarray | None = None
    ) -> "ApprovalClassifier":
        """Learn from decisions `y` (1 approved, 0 rejected) on features `X`; `groups` are their vacancies
        (kept together by the cross-validation), `sample_weight` how much each decision counts."""
        G = goodness_matrix(X)
        y = np.asarray(y).astype(int)
        self.classes_ = np.array([0, 1])
        if len(np.unique(y)) < 2:
            raise ValueError("ApprovalClassifier needs approvals and rejections to learn from")
        groups = np.arange(len(y)) if groups is None else np.asarray(groups)
        w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        self.n_features_in_ = G.shape[1]
        self.mean_ = G.mean(axis=0)
        scale = G.std(axis=0)
        self.scale_ = np.where(scale > 1e-9, scale, 1.0)  # a constant feature stays at 0
        Z = (G - self.mean_) / self.scale_
        splits = self._splits(y, groups)
        self.cv_log_loss_ = {}
        oof_by_c = {}
        for C in self.Cs:
            oof = np.full(len(y), np.nan)
            for learn, judge in splits:
                oof[judge] = _logistic(C).fit(Z[learn], y[learn], sample_weight=w[learn]).decision_function(Z[judge])
            oof_by_c[C] = oof
            self.cv_log_loss_[C] = _log_loss(y, oof, w) if splits else np.nan
        if splits:
            self.C_ = float(min(self.Cs, key=lambda C: (self.cv_log_loss_[C], -C)))
        else:
            self.C_ = 1.0
        fitted = _logistic(self.C_).fit(Z, y, sample_weight=w)
        coef, intercept = fitted.coef_[0].astype(float), float(fitted.intercept_[0])
        a, b = 1.0, 0.0
        judged = ~np.isnan(oof_by_c[self.C_]) if splits else np.zeros(len(y), dtype=bool)
        if self.calibrate and judged.sum() >= 4 and len(np.unique(y[judged])) == 2:
            # mildly regularised, so a few dozen clear decisions don't say 0% or 100%
            platt = LogisticRegression(C=1.0).fit(
                oof_by_c[self.C_][judged].reshape(-1, 1), y[judged], sample_weight=w[judged]
            )
            a, b = float(platt.coef_[0, 0]), float(platt.intercept_[0])
            a = max(a, 0.0)  # a model that ranks worse than chance out of fold says nothing: a flat score
        self.platt_ = (a, b)
        self.coef_ = coef * a
        self.intercept_ = intercept * a + b
        return self

    def _splits(self, y: np.ndarray, groups: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        n_groups = len(np.unique(groups))
        if n_groups < 2:
            return []
        folds = GroupKFold(n_splits=min(self.n_splits, n_groups))
        return [(a, b) for a, b in folds.split(np.zeros(len(y)), y, groups) if len(np.unique(y[a])) == 2]

    # --- prediction ------------------------------------------------------------------------------

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Each feature's push on the log-odds against a suggestion with average values (adds up with
        the intercept to `decision_function`)."""
        check_is_fitted(self, "coef_")
        return (goodness_matrix(X) - self.mean_) / self.scale_ * self.coef_

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return self.contributions(X).sum(axis=1) + self.intercept_

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        p = expit(self.decision_function(X))
        return np.column_stack([1 - p, p])

    def predict(self, X: np.ndarray) -> np.ndarray:
        return (self.decision_function(X) > 0).astype(int)

    def leans_on(self) -> dict[str, float]:
        """Each feature's share of the model's reliance: |coefficient| per standard deviation, over their sum."""
        check_is_fitted(self, "coef_")
        size = np.abs(self.coef_)
        total = size.sum()
        shares = size / total if total > 0 else np.zeros_like(size)
        return dict(zip(FEATURES, shares.tolist(), strict=True))


def _logistic(C: float) -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=1000)


def _log_loss(y: np.ndarray, log_odds: np.ndarray, weight: np.ndarray) -> float:
    known = ~np.isnan(log_odds)
    z = np.clip(log_odds[known], -30, 30)
    losses = np.logaddexp(0, z) - y[known] * z
    return float(np.average(losses, weights=weight[known])) if known.any() else np.inf
