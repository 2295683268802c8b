"""The matcher learns from the hub's decisions: a simulated hub whose reviewers follow a known hidden
preference trains a model that ranks held-out decisions clearly better than the prior, and the next
run uses it; a model trained on random decisions is kept as a candidate; the hub can roll back."""

from collections.abc import Iterator

import numpy as np
import pytest
from django.db import transaction
from rest_framework.response import Response
from rest_framework.test import APIClient
from scipy.special import logit
from sklearn.metrics import roc_auc_score

from matching.ml.scoring import PRIOR_VERSION
from matching.ml.training import auc_gain_lower_bound
from matching.models import ScoringModel, Suggestion
from matching.services import matcher_active_ensure, run_full_now
from tests.market_factories import db_snapshot
from tests.review.simulated_hub import hidden_preference, market_generate, reviewer_decide

# `make test` runs this module in its second process, beside the fuzzing, so the two take about as long.
pytestmark = [pytest.mark.django_db, pytest.mark.second_process]
S = Suggestion.Status


@pytest.fixture(scope="module")
def matched_market(django_db_setup, django_db_blocker) -> Iterator[None]:
    """A synthetic market matched by the prior, built once for the module inside a transaction rolled back
    at its end; each test's decisions and models vanish with its own savepoint (pytest-django's `db`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        market_generate(n_vacancies=200, n_providers=24)
        run_full_now()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def simulated_hub(matched_market) -> list[Suggestion]:
    """The suggestions of 85% of the market's vacancies to decide (in a random order, which the decision
    times follow); the rest wait for the next run."""
    suggestions = list(Suggestion.objects.order_by("id"))
    vacancies = sorted({s.vacancy_id for s in suggestions})
    rng = np.random.default_rng(7)
    waiting = set(rng.choice(vacancies, size=len(vacancies) * 15 // 100, replace=False).tolist())
    to_decide = [s for s in suggestions if s.vacancy_id not in waiting]
    return [to_decide[i] for i in rng.permutation(len(to_decide))]


def train(client: APIClient) -> Response:
    return client.post("/api/v1/matcher/train/")


def test_a_model_learnt_from_the_hubs_decisions_beats_the_prior_and_is_used_by_the_next_run(api, hannah, simulated_hub):
    counts = reviewer_decide(simulated_hub, hidden_preference)
    assert min(counts.values()) >= 50, counts  # both kinds, plenty of each

    response = train(api(hannah))

    assert response.status_code == 201, response.content
    body = response.json()
    learnt, prior = body["metrics"]["candidate"], body["metrics"]["active"]
    print(
        f"\nheld-out decisions: {learnt['decisions']} of {body['metrics']['decisions']} "
        f"({counts['approved']} approved, {counts['rejected']} rejected); "
        f"ROC AUC prior {prior['roc_auc']:.3f} -> learnt {learnt['roc_auc']:.3f}; "
        f"precision@3 prior {prior['precision_at_k']:.3f} -> learnt {learnt['precision_at_k']:.3f}"
    )
    assert learnt["roc_auc"] - prior["roc_auc"] >= 0.05
    assert body["metrics"]["gain_lower_bound"] > 0
    assert (body["status"], body["is_active"], body["promoted_at"] is not None) == ("active", True, True)
    assert body["metrics"]["compared_with"] == PRIOR_VERSION
    assert body["metrics"]["outcome"].startswith("Promoted")
    leans_on = body["params"]["leans_on"]
    assert leans_on["distance_km"] + leans_on["ofsted_grade"] > 0.6  # what the reviewers care about
    assert body["params"]["trained_on"] == body["metrics"]["decisions"]  # promoted: it learns from them all
    assert ScoringModel.objects.get(version=PRIOR_VERSION).status == ScoringModel.Status.RETIRED

    run = run_full_now()

    assert run.model_version == body["version"]
    rescored = Suggestion.objects.filter(status=S.SUGGESTED)
    assert rescored.count() >= 50
    for suggestion in rescored:
        assert suggestion.model_version == body["version"]
        # the score is a chance of approval; each feature's push in log-odds, with the intercept, adds up to it
        log_odds = sum(suggestion.contributions.values()) + body["params"]["intercept"]
        assert log_odds == pytest.approx(float(logit(suggestion.score)), abs=1e-6)
        assert 0 < suggestion.score < 1


def test_76_decisions_about_a_feature_the_prior_weighs_lightly_teach_a_model_that_is_promoted(
    api, hannah, simulated_hub
):
    # Issue 20: reviewers reject every offer priced above 60% of the funding band, whatever else it has.
    decided = simulated_hub[:76]
    counts = reviewer_decide(decided, lambda features: features["price_ratio"] <= 0.6)
    assert min(counts.values()) >= 15, counts

    body = train(api(hannah)).json()

    learnt, prior = body["metrics"]["candidate"], body["metrics"]["active"]
    print(
        f"\nprice rule, 76 decisions: held-out ROC AUC prior {prior['roc_auc']:.3f} -> learnt {learnt['roc_auc']:.3f}"
    )
    assert learnt["roc_auc"] >= 0.85
    assert body["is_active"], body["metrics"]["outcome"]
    leans_on = body["params"]["leans_on"]
    assert max(leans_on, key=leans_on.get) == "price_ratio"
    assert (body["params"]["trained_on"], body["metrics"]["test"]) == (76, 19)


def test_a_model_trained_on_random_decisions_is_kept_as_a_candidate_with_its_figures(api, hannah, simulated_hub):
    # A coin whose tosses happen to favour the candidate on the held-out decisions (ROC AUC +0.07
    # over the prior's when this was written): enough for "gain >= 0.02" alone, but not clear.
    coin = np.random.default_rng(2024)
    reviewer_decide(simulated_hub, lambda features: bool(coin.random() < 0.6))

    response = train(api(hannah))

    assert response.status_code == 201, response.content
    body = response.json()
    learnt, prior = body["metrics"]["candidate"], body["metrics"]["active"]
    print(
        f"\nrandom decisions: ROC AUC prior {prior['roc_auc']:.3f}, learnt {learnt['roc_auc']:.3f} "
        f"(gain at least {body['metrics']['gain_lower_bound']:+.3f} with 95% confidence)"
    )
    assert (body["status"], body["is_active"], body["promoted_at"]) == ("candidate", False, None)
    assert body["metrics"]["outcome"].startswith("Kept as a candidate")
    assert learnt["decisions"] == prior["decisions"] == body["metrics"]["test"] > 0
    assert matcher_active_ensure()[0].version == PRIOR_VERSION
    assert run_full_now().model_version == PRIOR_VERSION


# --- Promotion needs a clear gain, not a lucky one ----------------------------------------------


def coin_tosses(seed: int, n: int = 120) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labels and two models' scores that have nothing to do with each other."""
    rng = np.random.default_rng(seed)
    return (rng.random(n) < 0.5).astype(float), rng.random(n), rng.random(n)


def test_a_lucky_gain_on_coin_tosses_is_not_clear():
    lucky = next(s for s in range(100) if auc_gain(*coin_tosses(s)) >= 0.05)  # several hundredths, by chance
    y, candidate, active = coin_tosses(lucky)

    assert auc_gain_lower_bound(y, candidate, active, confidence=0.95) < 0


def test_a_model_that_follows_the_labels_has_a_clear_gain():
    y, noise, active = coin_tosses(1)
    candidate = y + noise  # every approval above every rejection

    assert auc_gain_lower_bound(y, candidate, active, confidence=0.95) > 0.3


def test_the_bound_is_reproducible():
    y, candidate, active = coin_tosses(3)

    assert auc_gain_lower_bound(y, candidate, active, confidence=0.95) == auc_gain_lower_bound(
        y, candidate, active, confidence=0.95
    )


def auc_gain(y: np.ndarray, candidate: np.ndarray, active: np.ndarray) -> float:
    return roc_auc_score(y, candidate) - roc_auc_score(y, active)


# --- Not enough decisions ------------------------------------------------------------------------


def test_with_no_decisions_training_is_refused_with_409_and_a_message(api, hannah, simulated_hub):
    response = train(api(hannah))

    assert response.status_code == 409
    assert response.json()["detail"].startswith("Not enough decisions: 0 (at least 50")
    assert list(ScoringModel.objects.values_list("version", flat=True)) == [PRIOR_VERSION]


def test_with_only_approvals_training_is_refused_with_409(api, hannah, simulated_hub):
    reviewer_decide(simulated_hub[:150], lambda features: True)

    response = train(api(hannah))

    assert response.status_code == 409
    assert "Not enough decisions: 150" in response.json()["detail"]
    assert ScoringModel.objects.count() == 1


def test_with_fewer_decisions_than_the_minimum_a_model_is_kept_as_a_candidate(api, hannah, simulated_hub, settings):
    settings.MATCHER_MIN_DECISIONS = 200
    reviewer_decide(simulated_hub[:120], hidden_preference)

    response = train(api(hannah))

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["is_active"]) == ("candidate", False)
    assert body["metrics"]["outcome"].startswith("Not enough decisions: 120 (at least 200")
    assert matcher_active_ensure()[0].version == PRIOR_VERSION


# --- Versions and roll-back ----------------------------------------------------------------------


@pytest.fixture
def promoted(api, hannah, simulated_hub) -> str:
    reviewer_decide(simulated_hub, hidden_preference)
    body = train(api(hannah)).json()
    assert body["is_active"], body["metrics"]
    return body["version"]


def test_the_hub_lists_every_version_with_its_figures_and_which_is_active(api, hannah, promoted):
    response = api(hannah).get("/api/v1/matcher/models/")

    assert response.status_code == 200
    rows = response.json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert [(r["version"], r["status"], r["is_active"]) for r in rows] == [
        (promoted, "active", True),
        (PRIOR_VERSION, "retired", False),
    ]
    assert rows[0]["promoted_at"] and rows[1]["promoted_at"]
    assert rows[0]["metrics"]["candidate"]["roc_auc"] > rows[0]["metrics"]["active"]["roc_auc"]
    assert "artefact" not in rows[0]


def test_the_hub_can_roll_back_to_an_earlier_version_and_forward_again(api, hannah, promoted):
    response = api(hannah).post(f"/api/v1/matcher/models/{PRIOR_VERSION}/activate/")

    assert response.status_code == 200, response.content
    assert (response.json()["version"], response.json()["is_active"]) == (PRIOR_VERSION, True)
    assert ScoringModel.objects.get(version=promoted).status == ScoringModel.Status.RETIRED
    assert run_full_now().model_version == PRIOR_VERSION

    again = api(hannah).post(f"/api/v1/matcher/models/{promoted}/activate/")

    assert again.json()["is_active"] is True
    assert run_full_now().model_version == promoted
    assert ScoringModel.objects.filter(status=ScoringModel.Status.ACTIVE).count() == 1


def test_activating_an_unknown_version_is_404(api, hannah, promoted):
    assert api(hannah).post("/api/v1/matcher/models/no-such-model/activate/").status_code == 404
    assert matcher_active_ensure()[0].version == promoted


@pytest.mark.parametrize("persona", ["alice", "priya"])
def test_only_hub_staff_may_see_train_or_activate_models(api, request, persona, promoted):
    client = api(request.getfixturevalue(persona))
    before = db_snapshot(ScoringModel)

    assert client.get("/api/v1/matcher/models/").status_code == 403
    assert client.post("/api/v1/matcher/train/").status_code == 403
    assert client.post("/api/v1/matcher/models/train/").status_code == 403
    assert client.post(f"/api/v1/matcher/models/{PRIOR_VERSION}/activate/").status_code == 403
    assert db_snapshot(ScoringModel) == before


def test_anonymous_people_may_not_train(api, simulated_hub):
    assert api().post("/api/v1/matcher/train/").status_code == 401
    assert ScoringModel.objects.count() == 1
