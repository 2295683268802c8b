"""A provider's share of the hub's approvals is a feature of its pairs; scores use the shares the last
full run began with (matching.models.ProviderShare), so an approval moves no score until the next full
run and the slack ledgers of the standards it did not touch still bound a priced re-match."""

import random

import pytest
from django.utils import timezone

from apprenticeships.models import PostcodeDistrict, Vacancy
from matching.models import MatchRun, ProviderShare, StandardSlack, Suggestion
from matching.services import rematch, run_full_now, suggestion_approve, vacancy_rematch
from matching.services.runs import chunk_compute, run_finalize, run_prepare
from tests.market_factories import NETWORK_ENGINEER, CourseOfferFactory, VacancyFactory, days_ahead, standard
from tests.matching.test_vacancy_rematch import assert_places_kept, random_market, vacancy_new

pytestmark = pytest.mark.django_db


def share_of(vacancy: Vacancy) -> float:
    """The provider share its rank-1 suggestion was scored with."""
    return Suggestion.objects.get(vacancy=vacancy, rank=1, status=Suggestion.Status.SUGGESTED).features[
        "provider_share"
    ]


def approve(vacancy: Vacancy, hub_user) -> Suggestion:  # noqa: ANN001
    suggestion = Suggestion.objects.get(vacancy=vacancy, rank=1)
    return suggestion_approve(suggestion.pk, by=hub_user, version=suggestion.version)


def test_an_approval_moves_no_score_until_the_next_full_run(employer_a, provider_a, hannah):
    CourseOfferFactory(provider=provider_a, cohorts=[{"start_date": days_ahead(60), "places": 5}])
    first = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    run_full_now()
    approve(first, hannah)  # provider A now has every approval the hub made

    later = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    vacancy_rematch(later.pk)
    assert share_of(later) == 0.0  # as at the last full run, which began before any approval

    run_full_now()
    assert share_of(later) == 1.0
    # Only the shares in force are kept: the first run's went once the second succeeded.
    assert set(ProviderShare.objects.values_list("run_id", flat=True)) == {MatchRun.objects.latest("pk").pk}


def test_a_full_run_scores_every_chunk_with_the_shares_it_began_with(
    employer_a, provider_a, provider_b, hannah, settings
):
    settings.MATCH_CHUNKS = 2
    engineering = standard(NETWORK_ENGINEER)
    CourseOfferFactory(provider=provider_a, cohorts=[{"start_date": days_ahead(60), "places": 5}])
    CourseOfferFactory(provider=provider_b, standard=engineering, cohorts=[{"start_date": days_ahead(60), "places": 5}])
    developer = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    engineers = [
        VacancyFactory(employer=employer_a, standard=engineering, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
        for _ in range(2)
    ]
    run_full_now()
    approve(developer, hannah)  # provider A: every approval so far
    run = MatchRun.objects.create(kind=MatchRun.Kind.FULL)
    run_prepare(run.pk)
    chunks = dict(run.chunks.values_list("index", "standards"))
    [engineering_chunk] = [index for index, standards in chunks.items() if engineering.pk in standards]
    [other] = set(chunks) - {engineering_chunk}
    chunk_compute(run.pk, other)
    # The hub approves one of provider B's while the run is computing: half the approvals are B's now.
    approve(engineers[0], hannah)
    chunk_compute(run.pk, engineering_chunk)
    assert run_finalize(run.pk)

    assert dict(ProviderShare.objects.filter(run=run).values_list("provider_id", "share")) == {provider_a.pk: 1.0}
    assert share_of(engineers[1]) == 0.0  # as the run began, not the 0.5 when its chunk was computed


def test_an_approval_forgets_the_slack_of_its_own_standard_only(employer_a, provider_a, hannah):
    """Before, any approval forgot every standard's slack: until the next whole solve, every contested
    re-match in every standard took the slow path (the whole standard, in the biggest)."""
    contested = random_market(1, employer_a, provider_a, vacancies=40)
    CourseOfferFactory(
        provider=provider_a, standard=standard(NETWORK_ENGINEER), cohorts=[{"start_date": days_ahead(60), "places": 5}]
    )
    engineer = VacancyFactory(
        employer=employer_a, standard=standard(NETWORK_ENGINEER), status=Vacancy.Status.LIVE, start_date=days_ahead(60)
    )
    run_full_now()

    approve(engineer, hannah)

    assert StandardSlack.objects.get(standard=standard(NETWORK_ENGINEER)).slack is None
    assert StandardSlack.objects.get(standard=contested).slack is not None
    # Contested changes in the other standard are still settled against the prices the last solve kept.
    rng = random.Random(7)  # noqa: S311 - test data
    districts = list(PostcodeDistrict.objects.filter(outcode__regex=r"^(L|CH)[0-9]+$").order_by("outcode")[:20])
    runs = [
        vacancy_rematch(vacancy_new(rng, employer_a, contested, districts, timezone.localdate()).pk) for _ in range(6)
    ]
    assert_places_kept(contested)
    assert "priced" in {run.counts["path"] for run in runs}
    assert "unpriced" not in {run.counts.get("not_priced") for run in runs}


def test_a_re_match_that_finds_a_newer_full_run_when_its_turn_comes_scores_again(
    employer_a, provider_a, hannah, monkeypatch
):
    CourseOfferFactory(provider=provider_a, cohorts=[{"start_date": days_ahead(60), "places": 5}])
    first = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    run_full_now()
    approve(first, hannah)
    later = VacancyFactory(employer=employer_a, status=Vacancy.Status.LIVE, start_date=days_ahead(60))
    waited = rematch.writers_take_turns

    def a_full_run_finishes_first() -> None:  # another worker's full run, while this one scored the vacancy
        rematch.writers_take_turns = waited
        run_full_now()
        waited()

    monkeypatch.setattr(rematch, "writers_take_turns", a_full_run_finishes_first)
    run = vacancy_rematch(later.pk)

    assert (run.counts["path"], run.counts["not_priced"]) == ("component", rematch.NEW_RUN)
    assert share_of(later) == 1.0  # scored with the new run's shares, not the 0 it was scored with first
