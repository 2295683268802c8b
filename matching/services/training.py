"""Training the matcher on the hub's decisions, and promoting it only if it does better."""

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from matching.ml.features import FEATURES
from matching.ml.scoring import Matcher
from matching.ml.training import matcher_train, promotion_judge
from matching.models import RejectReason, ScoringModel, Suggestion
from matching.services.active_model import matcher_active_ensure, model_activate

S = Suggestion.Status


# Rejection reasons that name none of the suggestion's facts (the employer's own preference, or
# something else) say less about what the hub wants from a match: such a rejection counts half.
REASONS_BEYOND_FEATURES = frozenset({RejectReason.EMPLOYER_PREFERENCE, RejectReason.OTHER})
BEYOND_FEATURES_WEIGHT = 0.5


def decision_weights(reasons: list[str]) -> np.ndarray:
    """How much each decision counts in training, from the reasons given for rejections."""
    return np.array([BEYOND_FEATURES_WEIGHT if r in REASONS_BEYOND_FEATURES else 1.0 for r in reasons], dtype=float)


class NotEnoughDecisions(Exception):
    """There are no decisions of both kinds to learn from yet."""


def decisions_dataset() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(features, labels, vacancy ids, weights from rejection reasons) of every hub decision, oldest first.

    An approved suggestion stays a positive example whatever the parties did next (or its vacancy did):
    every decided one but a rejection.
    """
    rows = list(
        Suggestion.objects.filter(status__in=Suggestion.DECIDED, decided_at__isnull=False)
        .order_by("decided_at", "id")
        .values_list("features", "status", "vacancy_id", "reject_reason")
    )
    X = np.array([[np.nan if f.get(n) is None else f[n] for n in FEATURES] for f, *_ in rows], dtype=float)
    y = np.array([status != S.REJECTED for _, status, *_ in rows], dtype=float)
    groups = np.array([v for _, _, v, _ in rows], dtype=np.int64)
    weights = decision_weights([reason if status == S.REJECTED else "" for _, status, _, reason in rows])
    return X.reshape(-1, len(FEATURES)), y, groups, weights


def matcher_retrain() -> ScoringModel:
    """Train on all decisions so far, test on the most recent ones, promote only a clear improvement."""
    active_model, active = matcher_active_ensure()
    X, y, groups, weights = decisions_dataset()
    n = len(y)
    split = int(n * (1 - settings.MATCHER_TEST_SHARE))
    version = f"trained-{timezone.now():%Y%m%d-%H%M%S-%f}"
    metrics: dict = {"decisions": n, "train": split, "test": n - split, "compared_with": active_model.version}
    train_ok = len(np.unique(y[:split])) == 2
    test_ok = n - split >= settings.MATCHER_MIN_TEST_DECISIONS and len(np.unique(y[split:])) == 2
    if n < settings.MATCHER_MIN_DECISIONS or not (train_ok and test_ok):
        metrics["outcome"] = (
            f"Not enough decisions: {n} (at least {settings.MATCHER_MIN_DECISIONS}, with approvals and "
            f"rejections among the {settings.MATCHER_MIN_TEST_DECISIONS}+ most recent)."
        )
        if len(np.unique(y)) < 2:
            raise NotEnoughDecisions(metrics["outcome"])
        fitted = matcher_train(active, X, y, version=version, groups=groups, weights=weights)
        return _save(fitted, version, metrics, promote=False)
    candidate = matcher_train(
        active, X[:split], y[:split], version=version, groups=groups[:split], weights=weights[:split]
    )
    confidence = settings.MATCHER_PROMOTION_CONFIDENCE
    # A gain on a few dozen held-out decisions can be chance: it must also be clear (bootstrap bound above 0).
    judged = promotion_judge(
        candidate,
        active,
        X[split:],
        y[split:],
        groups[split:],
        k=settings.MATCH_SUGGESTIONS_PER_VACANCY,
        min_gain=settings.MATCHER_MIN_AUC_GAIN,
        confidence=confidence,
    )
    metrics.update({key: judged[key] for key in ("candidate", "active", "gain_lower_bound", "chance_lower_bound")})
    gain, lower, promote = judged["gain"], judged["gain_lower_bound"], judged["promote"]
    if promote:
        metrics["outcome"] = (
            f"Promoted: ROC AUC {metrics['candidate']['roc_auc']:.3f} against {metrics['active']['roc_auc']:.3f}."
        )
    elif gain < settings.MATCHER_MIN_AUC_GAIN:
        metrics["outcome"] = f"Kept as a candidate: ROC AUC gain {gain:+.3f} is below {settings.MATCHER_MIN_AUC_GAIN}."
    elif lower is not None and lower > 0:
        metrics["outcome"] = (
            f"Kept as a candidate: its own ROC AUC of {metrics['candidate']['roc_auc']:.3f} on {n - split} held-out "
            "decisions could be chance."
        )
    else:
        metrics["outcome"] = (
            f"Kept as a candidate: ROC AUC gain {gain:+.3f} could be chance on {n - split} held-out decisions "
            f"(with {confidence:.0%} confidence it is only at least {lower or 0:+.3f})."
        )
    if promote:  # the promoted model learns from every decision, the held-out ones included
        candidate = matcher_train(active, X, y, version=version, groups=groups, weights=weights)
    return _save(candidate, version, metrics, promote=promote)


@transaction.atomic
def _save(matcher: Matcher, version: str, metrics: dict, *, promote: bool) -> ScoringModel:
    model = ScoringModel.objects.create(
        version=version,
        artefact=matcher.dumps(),
        sklearn_version=matcher.sklearn_version,
        params=matcher.params,
        metrics=metrics,
        status=ScoringModel.Status.CANDIDATE,
    )
    if promote:
        model_activate(model.version)
        model.refresh_from_db()
    return model
