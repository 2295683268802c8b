"""Full runs in this process on a small market: suggestions, gaps, idempotence, decisions kept, failures."""

from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.db.models import Sum

from apprenticeships.models import Cohort
from matching.ml.candidates import GapReason
from matching.ml.engine import merge_results
from matching.ml.features import FEATURES
from matching.models import CohortPrice, Gap, MatchRun, MatchRunChunk, Suggestion
from matching.services import results as results_service
from matching.services import run_full_now
from matching.services import runs as runs_service

pytestmark = pytest.mark.django_db
SUGGESTED, APPROVED, REJECTED = Suggestion.Status.SUGGESTED, Suggestion.Status.APPROVED, Suggestion.Status.REJECTED


def suggestion_rows() -> list[dict]:
    return list(
        Suggestion.objects.order_by("id").values(
            "id", "vacancy_id", "cohort_id", "course_offer_id", "rank", "score", "status", "version", "updated_at"
        )
    )


def gap_rows() -> dict[int, str]:
    return dict(Gap.objects.values_list("vacancy_id", "reason"))


def ranks_by_vacancy() -> dict[int, list[int]]:
    ranks: dict[int, list[int]] = {}
    for vacancy_id, rank in Suggestion.objects.order_by("vacancy_id", "rank").values_list("vacancy_id", "rank"):
        ranks.setdefault(vacancy_id, []).append(rank)
    return ranks


def test_a_full_run_suggests_up_to_three_ranked_cohorts_per_vacancy_and_records_the_gaps(small_market):
    run = run_full_now()

    assert run.status == MatchRun.Status.SUCCEEDED and run.progress == 1.0 and run.error == ""
    alices, bobs = small_market.alices, small_market.bobs
    winner, loser = sorted(small_market.one_place, key=lambda v: not Suggestion.objects.filter(vacancy=v).exists())
    assert ranks_by_vacancy() == {alices.pk: [1, 2, 3], bobs.pk: [1, 2, 3], winner.pk: [1]}
    assert gap_rows() == {**small_market.expected_gaps, loser.pk: GapReason.NO_PLACES}
    offers = {small_market.liverpool_offer.pk, small_market.wirral_offer.pk}
    assert set(Suggestion.objects.filter(vacancy=alices).values_list("course_offer_id", flat=True)) == offers
    assert run.counts == {"vacancies": 7, "offers": 5, "cohorts": 8, "candidates": 10, "suggestions": 7, "gaps": 4}
    assert run.model_version == "prior-2"
    assert set(Suggestion.objects.values_list("run_id", flat=True)) == {run.pk}


def test_every_stored_suggestion_explains_itself_and_its_contributions_add_up_to_its_score(small_market):
    run_full_now()

    for suggestion in Suggestion.objects.all():
        assert 0 <= suggestion.score <= 1
        assert set(suggestion.features) == set(FEATURES)  # jsonb keeps no key order
        assert abs(sum(suggestion.contributions.values()) - suggestion.score) < 1e-9
        assert {row["feature"] for row in suggestion.explanation} == set(FEATURES)
        assert suggestion.model_version == "prior-2" and suggestion.version == 1


def test_rank_one_is_the_best_scoring_cohort_when_nobody_competes_for_places(small_market):
    run_full_now()

    for vacancy in (small_market.alices, small_market.bobs):
        scores = list(Suggestion.objects.filter(vacancy=vacancy).order_by("rank").values_list("score", flat=True))
        assert scores == sorted(scores, reverse=True)


def test_a_full_run_keeps_a_capacity_price_for_every_cohort_it_matched_and_none_where_places_are_left(
    small_market,
):
    run_full_now()

    matched = set(Suggestion.objects.values_list("cohort_id", flat=True))
    prices = dict(CohortPrice.objects.values_list("cohort_id", "price"))
    assert matched and matched <= set(prices)
    taken = dict(
        Suggestion.objects.filter(rank=1)
        .values("cohort_id")
        .annotate(n=Sum("vacancy__positions"))
        .values_list("cohort_id", "n")
    )
    for cohort in Cohort.objects.filter(pk__in=prices):
        assert prices[cohort.pk] >= 0
        if taken.get(cohort.pk, 0) < cohort.places:
            assert prices[cohort.pk] == pytest.approx(0, abs=1e-9)  # places left: nobody pays for one
    assert any(prices.values())  # the small market has a contested cohort


@pytest.mark.parametrize("in_list_max", [1000, 0], ids=["ids-sent", "table-read"])
def test_writing_prices_keeps_the_new_ones_and_drops_those_of_deleted_cohorts(small_market, monkeypatch, in_list_max):
    monkeypatch.setattr(results_service, "IN_LIST_MAX", in_list_max)  # both ways of finding the stored ones
    run = run_full_now()
    cohorts = list(Cohort.objects.order_by("pk").values_list("pk", flat=True))
    CohortPrice.objects.filter(cohort_id=cohorts[2]).delete()
    gone = Cohort.objects.get(pk=cohorts[3])
    gone.delete()
    before = dict(CohortPrice.objects.values_list("cohort_id", "price"))
    moved = {cohorts[0]: before[cohorts[0]], cohorts[1]: before[cohorts[1]] + 0.25, cohorts[2]: 0.5, cohorts[3]: 0.75}
    result = merge_results([])
    result.price_cohort_id = np.array(list(moved), dtype=np.int64)
    result.price = np.array(list(moved.values()))

    results_service.prices_write(run, result)

    after = dict(CohortPrice.objects.values_list("cohort_id", "price"))
    assert after == {**before, cohorts[1]: before[cohorts[1]] + 0.25, cohorts[2]: 0.5}  # none for the deleted one


def test_the_number_of_suggestions_per_vacancy_is_a_setting(small_market, settings):
    settings.MATCH_SUGGESTIONS_PER_VACANCY = 2

    run_full_now()

    assert ranks_by_vacancy()[small_market.alices.pk] == [1, 2]


def test_a_second_run_on_unchanged_data_keeps_every_suggestion_as_it_was(small_market):
    run_full_now()
    before, gaps_before = suggestion_rows(), gap_rows()

    second = run_full_now()

    assert second.status == MatchRun.Status.SUCCEEDED
    assert suggestion_rows() == before  # same ids, scores, ranks, versions, even updated_at
    assert gap_rows() == gaps_before
    assert Suggestion.objects.count() == len({(s["vacancy_id"], s["cohort_id"]) for s in before})


def test_a_run_after_a_change_updates_a_moved_suggestion_in_place_with_a_new_version(small_market):
    run_full_now()
    first = Suggestion.objects.get(vacancy=small_market.alices, rank=1)
    first_offer = first.course_offer
    # The provider's rating drops: the same pair stays a suggestion, with a lower score.
    first_offer.provider.__class__.objects.filter(pk=first_offer.provider_id).update(ofsted_grade=4)

    run_full_now()

    again = Suggestion.objects.get(pk=first.pk)
    assert again.score < first.score
    assert again.version == first.version + 1


def test_approved_and_rejected_suggestions_survive_later_runs_untouched(small_market):
    run_full_now()
    approved = Suggestion.objects.get(vacancy=small_market.alices, rank=1)
    rejected = Suggestion.objects.get(vacancy=small_market.bobs, rank=1)
    Suggestion.objects.filter(pk=approved.pk).update(status=APPROVED)
    Suggestion.objects.filter(pk=rejected.pk).update(status=REJECTED)
    decided_before = [row for row in suggestion_rows() if row["status"] != SUGGESTED]

    run_full_now()
    run_full_now()

    assert [row for row in suggestion_rows() if row["status"] != SUGGESTED] == decided_before
    # The rejected pair is never suggested again; Bob's vacancy gets the other three cohorts.
    bobs = Suggestion.objects.filter(vacancy=small_market.bobs, status=SUGGESTED)
    assert rejected.cohort_id not in set(bobs.values_list("cohort_id", flat=True))
    assert sorted(bobs.values_list("rank", flat=True)) == [1, 2, 3]


def test_a_vacancy_with_an_approved_suggestion_is_not_matched_again(small_market):
    run_full_now()
    approved = Suggestion.objects.get(vacancy=small_market.alices, rank=2)
    Suggestion.objects.filter(pk=approved.pk).update(status=APPROVED)

    run_full_now()

    assert list(Suggestion.objects.filter(vacancy=small_market.alices).values_list("id", "status")) == [
        (approved.pk, APPROVED)
    ]
    assert small_market.alices.pk not in gap_rows()


def test_an_approved_suggestion_holds_its_places_against_later_runs(small_market):
    run_full_now()
    winner = Suggestion.objects.get(vacancy__in=small_market.one_place)  # the one place of the cohort
    Suggestion.objects.filter(pk=winner.pk).update(status=APPROVED)

    run_full_now()

    (loser,) = [v for v in small_market.one_place if v.pk != winner.vacancy_id]
    assert gap_rows()[loser.pk] == GapReason.NO_PLACES
    assert not Suggestion.objects.filter(vacancy=loser).exists()


def test_a_run_whose_chunk_fails_is_marked_failed_and_leaves_the_previous_suggestions_alone(small_market, monkeypatch):
    run_full_now()
    before, gaps_before = suggestion_rows(), gap_rows()

    def broken(standard_ids, matcher, **kwargs):
        raise RuntimeError("the database went away mid-chunk")

    monkeypatch.setattr(runs_service, "match_standards", broken)
    with pytest.raises(RuntimeError):
        run_full_now()

    failed = MatchRun.objects.order_by("-id").first()
    assert failed.status == MatchRun.Status.FAILED
    assert failed.error == "RuntimeError: the database went away mid-chunk"
    assert failed.finished_at is not None
    assert suggestion_rows() == before and gap_rows() == gaps_before


def test_a_run_that_fails_while_writing_rolls_back_to_the_previous_suggestions(small_market, monkeypatch):
    run_full_now()
    before, gaps_before = suggestion_rows(), gap_rows()
    # Changes that would delete, update and insert suggestions if the write went through.
    small_market.wirral_offer.__class__.objects.filter(pk=small_market.wirral_offer.pk).update(status="closed")

    def broken(run, now):
        raise RuntimeError("disk full")

    monkeypatch.setattr(results_service, "_staged_insert", broken)
    with pytest.raises(RuntimeError):
        run_full_now()

    assert MatchRun.objects.order_by("-id").first().status == MatchRun.Status.FAILED
    assert suggestion_rows() == before and gap_rows() == gaps_before


def test_a_run_splits_the_standards_into_chunks_and_clears_their_intermediate_results(small_market, settings):
    settings.MATCH_CHUNKS = 3

    run = run_full_now()

    chunks = list(MatchRunChunk.objects.filter(run=run))
    assert len(chunks) == run.chunks_total == 3
    assert all(chunk.done and chunk.result is None and chunk.computed_by for chunk in chunks)
    assert sorted(s for chunk in chunks for s in chunk.standards) == sorted(
        {v.standard_id for v in small_market.one_place + [small_market.alices, small_market.no_provider]}
        | {small_market.out_of_reach.standard_id, small_market.no_cohort.standard_id}
    )


def test_the_management_command_runs_a_full_match_and_prints_the_counts(small_market):
    out, err = StringIO(), StringIO()

    call_command("run_matching", "--no-progress", stdout=out, stderr=err)

    run = MatchRun.objects.get()
    text = out.getvalue()
    assert f"Run {run.pk}: succeeded" in text
    for line in ("vacancies: 7", "offers: 5", "candidates: 10", "suggestions: 7", "gaps: 4"):
        assert line in text
    assert "timings:" in text and err.getvalue() == ""


def test_chunks_share_out_the_candidate_pairs_not_the_vacancies():
    # One standard with few vacancies but many cohorts is as much work as the other three together.
    work = [(1, 900), (2, 300), (3, 300), (4, 300)]

    chunks = runs_service._chunks(work, 2)

    assert sorted(chunks) == [[1], [2, 3, 4]]


def test_a_standard_with_many_cohorts_weighs_more_than_its_vacancies_alone(small_market):
    from matching.services.market import standards_with_live_vacancies, standards_work

    work = dict(standards_work())
    vacancies = dict(standards_with_live_vacancies())

    assert set(work) == set(vacancies)
    assert all(work[s] >= vacancies[s] for s in work)
    assert work[small_market.alices.standard_id] > vacancies[small_market.alices.standard_id]
