"""Hannah's page of scoring models: versions and their figures, training on the hub's decisions, rolling back."""

from datetime import timedelta

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone

from apprenticeships.models import Vacancy
from matching import services
from matching.ml.features import FEATURES
from matching.ml.scoring import PRIOR_VERSION
from matching.models import ScoringModel, Suggestion
from matching.services import matcher_active_ensure
from tests.market_factories import CourseOfferFactory, VacancyFactory, days_ahead
from tests.web.review_market import banner, review_market

pytestmark = pytest.mark.django_db

MODELS = reverse("matching-models")
TRAIN = reverse("matching-model-train")
CANDIDATE_METRICS = {
    "decisions": 120,
    "train": 90,
    "test": 30,
    "compared_with": PRIOR_VERSION,
    "candidate": {"roc_auc": 0.6543, "precision_at_k": 0.5, "decisions": 30},
    "active": {"roc_auc": 0.6421, "precision_at_k": 0.4444, "decisions": 30},
    "outcome": "Kept as a candidate: ROC AUC gain +0.012 is below 0.02.",
}


@pytest.fixture
def prior() -> ScoringModel:
    return matcher_active_ensure()[0]


@pytest.fixture
def candidate(prior) -> ScoringModel:
    """A model trained earlier that did not beat the prior."""
    weights = dict.fromkeys(FEATURES, round(1 / len(FEATURES), 4))
    return ScoringModel.objects.create(
        version="trained-20270104-090000-000001",
        artefact=prior.artefact,
        sklearn_version=prior.sklearn_version,
        params={"weights": weights, "trained_on": 120},
        metrics=CANDIDATE_METRICS,
    )


@pytest.fixture
def reviewer(client, hannah):
    client.force_login(hannah)
    return client


def card(body: str, version: str) -> str:
    start = body.index(f'id="model-{version}"')
    end = body.find('<div class="govuk-summary-card"', start)
    return body[start : end if end != -1 else None]


def test_the_page_lists_each_version_with_its_figures_and_weights(reviewer, prior, candidate):
    body = reviewer.get(MODELS).text

    in_use = card(body, PRIOR_VERSION)
    assert "govuk-tag--green" in in_use and "In use" in in_use and "None: the documented prior" in in_use
    assert "Distance" in in_use and "0.250" in in_use  # the prior's weights
    assert "Use this version" not in in_use
    trained = card(body, candidate.version)
    assert "Trained, not promoted" in trained and "Never" in trained
    assert "120: learnt from 90, tested on 30" in trained and CANDIDATE_METRICS["outcome"] in trained
    assert "ROC AUC" in trained and "0.654" in trained and "0.642" in trained
    assert "Precision at 3" in trained and "0.500" in trained and "0.444" in trained
    assert "Use this version" in trained
    assert body.index(candidate.version) < body.index(f'id="model-{PRIOR_VERSION}"')  # newest first


def test_training_with_no_decisions_warns_and_trains_nothing(reviewer, prior):
    response = reviewer.post(TRAIN, follow=True)

    assert "No model was trained. Not enough decisions: 0 (at least 50" in banner(response)
    assert list(ScoringModel.objects.values_list("version", flat=True)) == [PRIOR_VERSION]


def test_training_on_too_few_decisions_keeps_the_model_in_use(reviewer, prior, alice, bob, priya, quentin, hannah):
    market = review_market(alice, bob, priya, quentin)
    services.suggestion_approve(market.liverpool.pk, by=hannah, version=1)
    services.suggestion_reject(market.wirral.pk, by=hannah, version=1, reason="too_far")

    response = reviewer.post(TRAIN, follow=True)

    trained = ScoringModel.objects.exclude(version=PRIOR_VERSION).get()
    assert f"Model {trained.version} was trained but is not in use. Not enough decisions: 2" in banner(response)
    assert trained.status == ScoringModel.Status.CANDIDATE
    assert ScoringModel.objects.get(status=ScoringModel.Status.ACTIVE).version == PRIOR_VERSION
    assert "Trained, not promoted" in card(response.text, trained.version)
    assert "The hub has approved 1 suggestion and rejected 1 so far." in response.text


@pytest.fixture
def simulated_decisions(employer_a, provider_a):
    """120 decisions by a hub that approves anything within 20 km and rejects the rest, oldest first."""
    vacancies = [VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE) for _ in range(6)]
    cohorts = [
        cohort
        for n in range(2)
        for cohort in CourseOfferFactory(
            provider=provider_a, cohorts=[{"start_date": days_ahead(30 + 7 * i + n), "places": 10} for i in range(10)]
        ).cohorts.all()
    ]
    rng = np.random.default_rng(7)
    start = timezone.now() - timedelta(days=30)
    rows = []
    for n, (vacancy, cohort) in enumerate((v, c) for v in vacancies for c in cohorts):
        features = {
            "distance_km": float(rng.uniform(0, 40)),
            "text_similarity": float(rng.uniform(0, 0.6)),
            "start_gap_days": float(rng.integers(-30, 60)),
            "delivery_fit": float(rng.choice([0.5, 1.0])),
            "ofsted_grade": float(rng.integers(1, 5)),
            "achievement_rate": float(rng.uniform(40, 80)),
            "price_ratio": float(rng.uniform(0.5, 1.0)),
            "places_left": float(rng.integers(1, 12)),
            "provider_share": float(rng.uniform(0, 0.2)),
            "travel_minutes": float(rng.uniform(10, 70)),
            "travel_changes": float(rng.integers(0, 3)),
        }
        near = features["distance_km"] <= 20
        rows.append(
            Suggestion(
                vacancy=vacancy,
                cohort=cohort,
                course_offer=cohort.offer,
                score=0.5,
                rank=1,
                features=features,
                contributions=dict.fromkeys(FEATURES, 0.05),
                model_version=PRIOR_VERSION,
                status=Suggestion.Status.APPROVED if near else Suggestion.Status.REJECTED,
                decided_at=start + timedelta(hours=n),
            )
        )
    return Suggestion.objects.bulk_create(rows)


def test_training_on_the_hubs_decisions_promotes_a_better_model_and_the_hub_can_roll_back(
    reviewer, prior, simulated_decisions
):
    response = reviewer.post(TRAIN, follow=True)

    trained = ScoringModel.objects.exclude(version=PRIOR_VERSION).get()
    assert trained.status == ScoringModel.Status.ACTIVE, trained.metrics["outcome"]
    assert f"Model {trained.version} was trained and is now in use. Promoted: ROC AUC" in banner(response)
    leans_on = trained.params["leans_on"]
    assert max(leans_on, key=leans_on.get) == "distance_km"  # it learnt what the hub cares about
    report = card(response.text, trained.version)
    assert "What this model leans on" in report
    assert report.index("Distance") < report.index("Ofsted")  # the feature it leans on most comes first
    assert "Precision at 1" in report
    learnt = trained.metrics
    assert f"{learnt['decisions']}: learnt from {learnt['train']}, tested on {learnt['test']}" in report
    assert f"learnt again from all {learnt['decisions']}" in report
    assert "Use this version" in card(response.text, PRIOR_VERSION)
    assert "Used before" in card(response.text, PRIOR_VERSION)

    response = reviewer.post(reverse("matching-model-activate", args=[PRIOR_VERSION]), follow=True)

    assert f"Model {PRIOR_VERSION} is now in use." in banner(response)
    statuses = dict(ScoringModel.objects.values_list("version", "status"))
    assert statuses == {PRIOR_VERSION: "active", trained.version: "retired"}
    assert "Use this version" in card(response.text, trained.version)


def test_a_suggestion_scored_by_a_trained_model_reads_as_a_chance_of_approval_with_pushes_in_log_odds(
    reviewer, prior, simulated_decisions
):
    reviewer.post(TRAIN)
    trained = ScoringModel.objects.get(status=ScoringModel.Status.ACTIVE)
    assert trained.version != PRIOR_VERSION, trained.metrics["outcome"]
    suggestion = simulated_decisions[0]
    Suggestion.objects.filter(pk=suggestion.pk).update(
        status=Suggestion.Status.SUGGESTED,
        decided_at=None,
        score=0.73,
        model_version=trained.version,
        contributions={**dict.fromkeys(FEATURES, 0.0), "distance_km": 1.25, "ofsted_grade": -0.5},
    )

    body = reviewer.get(reverse("matching-suggestion", args=[suggestion.pk])).text

    assert "a 73% chance the hub approves a suggestion like this" in body
    assert "Chance the hub approves a suggestion like this: 73%" in body and "in log-odds" in body
    assert "Push (log-odds)" in body and "+1.250" in body and "-0.500" in body


def test_a_candidate_can_be_put_in_use(reviewer, prior, candidate):
    response = reviewer.post(reverse("matching-model-activate", args=[candidate.version]), follow=True)

    candidate.refresh_from_db()
    assert candidate.status == ScoringModel.Status.ACTIVE and candidate.promoted_at is not None
    assert "In use" in card(response.text, candidate.version)


def test_an_unknown_version_is_not_found(reviewer, prior):
    assert reviewer.post(reverse("matching-model-activate", args=["no-such-model"])).status_code == 404


def test_the_matching_page_links_the_models(reviewer):
    assert f'href="{MODELS}"' in reviewer.get(reverse("matching-runs")).text


@pytest.mark.parametrize("persona", ["alice", "priya"])
def test_employers_and_providers_may_not_see_or_change_models(client, request, prior, candidate, persona):
    client.force_login(request.getfixturevalue(persona))

    responses = [
        client.get(MODELS),
        client.post(TRAIN),
        client.post(reverse("matching-model-activate", args=[candidate.version])),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert ScoringModel.objects.count() == 2
    assert ScoringModel.objects.get(status=ScoringModel.Status.ACTIVE).version == PRIOR_VERSION
