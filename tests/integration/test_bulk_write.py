"""A large run's suggestions are written with PostgreSQL's COPY: the rows must be what the ORM would write."""

import numpy as np
import pytest
from django.db import connection

from matching.ml.engine import MatchResult
from matching.ml.features import FEATURES
from matching.models import MatchRun, Suggestion
from matching.services.results import results_write
from tests.market_factories import CourseOfferFactory, VacancyFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def test_a_run_of_more_than_a_thousand_suggestions_is_written_in_full_and_reads_back_the_same(employer_a, provider_a):
    assert connection.vendor == "postgresql"
    vacancy = VacancyFactory(employer=employer_a)
    offer = CourseOfferFactory(provider=provider_a, standard=vacancy.standard)
    cohort = offer.cohorts.first()
    n = 1200
    # One real pair plus many synthetic ids would break foreign keys, so reuse the one vacancy
    # with many cohorts instead.
    cohorts = [cohort] + [offer.cohorts.create(start_date=cohort.start_date, places=3) for _ in range(n - 1)]
    values = [3.5, 0.25, 14.0, 1.0, np.nan, 61.0, 0.9, 3.0, 0.0]
    features = np.tile(np.array(values + [np.nan] * (len(FEATURES) - len(values))), (n, 1))  # no travel time known
    contributions = np.tile(np.linspace(0.01, 0.09, len(FEATURES)), (n, 1))
    result = MatchResult(
        vacancy_id=np.full(n, vacancy.id),
        cohort_id=np.array([c.id for c in cohorts]),
        offer_id=np.full(n, offer.id),
        score=contributions.sum(axis=1),
        rank=np.arange(1, n + 1),
        features=features,
        contributions=contributions,
        gap_vacancy_id=np.zeros(0, dtype=np.int64),
        gap_reason=np.zeros(0, dtype=np.int64),
    )
    run = MatchRun.objects.create(kind=MatchRun.Kind.FULL, model_version="prior-1")

    results_write(run, result, standard_ids=None)

    written = Suggestion.objects.filter(vacancy=vacancy).order_by("rank")
    assert written.count() == n
    first = written.first()
    assert first.status == Suggestion.Status.SUGGESTED
    assert first.reject_reason == "" and first.employer_response == "" and first.provider_response == ""
    assert first.features["ofsted_grade"] is None and first.features["distance_km"] == 3.5
    assert abs(sum(first.contributions.values()) - first.score) < 1e-12
    assert first.created_at is not None and first.run_id == run.id and first.version == 1
