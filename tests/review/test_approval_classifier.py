"""The approval classifier learns a hidden threshold rule on any one feature from a few dozen
decisions, is promoted over the prior when the prior ranks those decisions clearly worse, is never
promoted from coin tosses, and is one scikit-learn estimator (cloneable, saved and loaded whole)."""

import numpy as np
import pytest
import sklearn
from scipy.special import logit
from sklearn.base import clone
from sklearn.metrics import roc_auc_score

from matching.ml.approval import ApprovalClassifier
from matching.ml.features import FEATURES
from matching.ml.scoring import IncompatibleModel, matcher_loads, prior_matcher
from matching.ml.training import matcher_train, promotion_judge
from matching.services.training import decision_weights
from tests.review.simulated_reviewers import RULES, decide, feature_rows

# `make test` runs this module in its second process, beside the fuzzing, so the two take about as long.
pytestmark = pytest.mark.second_process

PRIOR = prior_matcher(["software developer apprenticeship", "installation electrician"])
TEST_SHARE = 0.25  # settings.MATCHER_TEST_SHARE: the most recent quarter is held out
# The prior weighs these lightly (0.04 and 0.10): a hub that cares about them must be able to teach it.
LIGHTLY_WEIGHTED = {"price_ratio", "achievement_rate"}


def learn_and_judge(feature: str, n: int, seed: int) -> tuple[dict, object]:
    X, groups = feature_rows(n, seed=seed)
    y = decide(X, feature) if feature in RULES else (np.random.default_rng(seed).random(n) < 0.5).astype(float)
    split = int(n * (1 - TEST_SHARE))
    candidate = matcher_train(PRIOR, X[:split], y[:split], version="trained-test", groups=groups[:split])
    judged = promotion_judge(
        candidate, PRIOR, X[split:], y[split:], groups[split:], k=3, min_gain=0.02, confidence=0.95
    )
    return judged, candidate


@pytest.mark.parametrize("n", [60, 100])
@pytest.mark.parametrize("feature", list(RULES))
def test_a_threshold_rule_on_any_feature_is_learnt_from_a_few_dozen_decisions(feature, n):
    judged, candidate = learn_and_judge(feature, n, seed=11)

    print(
        f"\n{feature} ({n} decisions): held-out ROC AUC prior {judged['active']['roc_auc']:.3f} -> "
        f"learnt {judged['candidate']['roc_auc']:.3f}, promoted {judged['promote']}"
    )
    assert judged["candidate"]["roc_auc"] >= 0.85
    leans_on = candidate.params["leans_on"]
    assert max(leans_on, key=leans_on.get) == feature  # it leans on what explains the decisions
    if n == 100 and (judged["active"]["roc_auc"] <= 0.8 or feature in LIGHTLY_WEIGHTED):
        assert judged["promote"], judged


@pytest.mark.parametrize("seed", range(6))
def test_a_model_learnt_from_coin_tosses_is_never_promoted(seed):
    judged, _ = learn_and_judge("coin", 100, seed=seed)

    assert not judged["promote"], judged


def test_the_score_is_a_calibrated_chance_and_its_pushes_add_up_in_log_odds():
    X, groups = feature_rows(90, seed=3)
    noisy = np.random.default_rng(3).random(90) < 0.15  # a hub that is not quite consistent
    y = np.where(noisy, 1 - decide(X, "distance_km"), decide(X, "distance_km"))
    matcher = matcher_train(PRIOR, X, y, version="trained-test", groups=groups)
    fresh, _ = feature_rows(3000, seed=4)
    truth = decide(fresh, "distance_km")

    scores, contributions = matcher.score(fresh)

    assert np.all((scores > 0) & (scores < 1))
    np.testing.assert_allclose(contributions.sum(axis=1) + matcher.params["intercept"], logit(scores), atol=1e-9)
    # a chance: among suggestions it gives about 80%, about 80% are ones the (85%-consistent) hub would approve
    for low, high in [(0.0, 0.3), (0.7, 1.0)]:
        band = (scores >= low) & (scores < high)
        expected = np.where(truth[band] == 1, 0.85, 0.15).mean()
        assert abs(scores[band].mean() - expected) < 0.12, (low, high, scores[band].mean(), expected)
    assert roc_auc_score(truth, scores) >= 0.9


def test_the_classifier_is_one_scikit_learn_estimator():
    X, groups = feature_rows(80, seed=5)
    y = decide(X, "price_ratio")
    model = ApprovalClassifier(n_splits=4)

    assert model.get_params() == {"Cs": model.Cs, "n_splits": 4, "calibrate": True}
    twin = clone(model).set_params(calibrate=False)
    model.fit(X, y, groups=groups)
    twin.fit(X, y, groups=groups)

    assert not hasattr(clone(model), "coef_")  # a clone is unfitted, with the same parameters
    assert clone(model).get_params() == model.get_params()
    assert model.predict_proba(X).shape == (80, 2)
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
    assert model.score(X, y) >= 0.9  # ClassifierMixin accuracy
    assert roc_auc_score(y, model.decision_function(X)) == roc_auc_score(y, twin.decision_function(X))
    assert set(model.classes_) == {0, 1}


def test_a_trained_model_is_saved_and_loaded_whole_and_refused_by_another_scikit_learn():
    X, groups = feature_rows(80, seed=6)
    matcher = matcher_train(PRIOR, X, decide(X, "ofsted_grade"), version="trained-test", groups=groups)

    loaded = matcher_loads(matcher.dumps())

    assert loaded.version == "trained-test" and loaded.sklearn_version == sklearn.__version__
    assert loaded.vectorizer.vocabulary_ == PRIOR.vectorizer.vocabulary_  # the text vectoriser travels with it
    np.testing.assert_array_equal(loaded.score(X)[0], matcher.score(X)[0])
    with pytest.raises(IncompatibleModel, match="scikit-learn"):
        matcher_loads(matcher.dumps(), expected_sklearn="0.24.2")


def test_the_prior_is_unchanged_where_no_model_is_trained():
    X, _ = feature_rows(20, seed=7)

    scores, contributions = PRIOR.score(X)

    assert not PRIOR.trained
    np.testing.assert_allclose(contributions.sum(axis=1), scores)
    assert set(PRIOR.params["weights"]) == set(FEATURES)


def test_rejections_for_reasons_beyond_the_suggestions_facts_count_half():
    assert decision_weights(["", "too_far", "price", "employer_preference", "other"]).tolist() == [1, 1, 1, 0.5, 0.5]
    # A hub that rejects distant offers, and a third of the near ones for the employer's own reasons.
    X, groups = feature_rows(90, seed=8)
    near = decide(X, "distance_km") == 1
    employer_says_no = near & (np.random.default_rng(8).random(90) < 1 / 3)
    y = (near & ~employer_says_no).astype(float)
    reasons = np.where(employer_says_no, "employer_preference", np.where(near, "", "too_far")).tolist()

    plain = matcher_train(PRIOR, X, y, version="trained-plain", groups=groups)
    weighed = matcher_train(PRIOR, X, y, version="trained-weighed", groups=groups, weights=decision_weights(reasons))

    nearby = X[near]
    assert weighed.score(nearby)[0].mean() > plain.score(nearby)[0].mean()  # the facts told against them less
