"""A full run's chunks stage their suggestions in parallel; the run's one transaction swaps them in."""

import pytest
from django.db import connection, transaction

from matching.models import MatchRun, MatchRunChunk, StagedSuggestion, Suggestion
from matching.services import chunk_compute, matcher_active_ensure, run_finalize, run_full_now, run_prepare
from matching.services import results as results_service
from matching.services import runs as runs_service
from matching.services.results import results_write

pytestmark = pytest.mark.django_db
FIELDS = ("vacancy_id", "cohort_id", "course_offer_id", "score", "rank", "status", "version", "model_version")


def suggestions(*fields: str) -> list[tuple]:
    return list(Suggestion.objects.order_by("vacancy_id", "cohort_id").values_list(*fields))


def prepared() -> MatchRun:
    run = MatchRun.objects.create(kind=MatchRun.Kind.FULL)
    run_prepare(run.pk)
    run.refresh_from_db()
    return run


def test_chunks_stage_their_suggestions_where_nobody_sees_them_until_the_run_swaps_them_in(small_market, settings):
    settings.MATCH_CHUNKS = 3
    run_full_now()
    Suggestion.objects.all().delete()
    run = prepared()

    for index in range(run.chunks_total):
        chunk_compute(run.pk, index)

    staged = StagedSuggestion.objects.filter(run=run)
    assert staged.count() == 7 and not Suggestion.objects.exists()
    assert len(set(staged.values_list("chunk", flat=True))) > 1  # each chunk staged its own
    assert run_finalize(run.pk)
    assert Suggestion.objects.count() == 7 and set(Suggestion.objects.values_list("run_id", flat=True)) == {run.pk}
    assert not StagedSuggestion.objects.exists()  # swapped in: the staged rows are gone


def test_the_swap_writes_what_writing_the_whole_result_in_one_transaction_writes(small_market):
    run = run_full_now()
    swapped = suggestions(*FIELDS, "features", "contributions")
    Suggestion.objects.all().delete()

    _, matcher = matcher_active_ensure()
    results_write(run, runs_service.match_standards(None, matcher), standard_ids=None)

    assert suggestions(*FIELDS, "features", "contributions") == swapped


def test_a_chunk_sent_again_after_it_staged_its_suggestions_replaces_them_instead_of_adding_more(small_market):
    run = prepared()
    for index in range(run.chunks_total):
        chunk_compute(run.pk, index)
    staged = sorted(StagedSuggestion.objects.values_list("chunk", "vacancy_id", "cohort_id", "score", "rank"))
    # The run watch sends every chunk again (a lost worker), and each is computed once more.
    MatchRunChunk.objects.filter(run=run).update(done=False)

    for index in range(run.chunks_total):
        chunk_compute(run.pk, index)

    assert sorted(StagedSuggestion.objects.values_list("chunk", "vacancy_id", "cohort_id", "score", "rank")) == staged


def test_a_chunk_whose_run_failed_while_it_was_computed_stages_nothing_and_stays_undone(small_market):
    run = prepared()
    chunk = MatchRunChunk.objects.select_related("run").get(run=run, index=0)
    _, matcher = matcher_active_ensure()
    result = runs_service.match_standards(chunk.standards, matcher)
    runs_service.run_fail(run.pk, error="given up")

    runs_service._chunk_done(chunk, result, worker="slow-machine:7")

    assert not StagedSuggestion.objects.exists() and not MatchRunChunk.objects.get(pk=chunk.pk).done


def test_a_run_that_fails_leaves_no_staged_suggestion_behind_and_the_suggestions_as_they_were(
    small_market, monkeypatch
):
    run_full_now()
    before = suggestions("id", *FIELDS, "updated_at")
    calls = []

    def fails_on_the_last_chunk(standard_ids, matcher, **kwargs):
        calls.append(standard_ids)
        if len(calls) == MatchRun.objects.order_by("-id").first().chunks_total:
            raise RuntimeError("worker lost its database")
        return real(standard_ids, matcher, **kwargs)

    real = runs_service.match_standards
    monkeypatch.setattr(runs_service, "match_standards", fails_on_the_last_chunk)
    with pytest.raises(RuntimeError):
        run_full_now()

    assert MatchRun.objects.order_by("-id").first().status == MatchRun.Status.FAILED
    assert not StagedSuggestion.objects.exists()
    assert suggestions("id", *FIELDS, "updated_at") == before


def test_staged_suggestions_a_killed_run_left_behind_are_cleared_by_the_next_run(small_market):
    killed = prepared()
    chunk_compute(killed.pk, 0)
    MatchRun.objects.filter(pk=killed.pk).update(status=MatchRun.Status.FAILED)  # failed while the database was away
    assert StagedSuggestion.objects.filter(run=killed).exists()

    run_full_now()

    assert not StagedSuggestion.objects.exists()


def test_a_suggestion_the_hub_decided_while_the_chunks_were_computed_is_left_as_decided(small_market):
    first = run_full_now()
    run = prepared()
    for index in range(run.chunks_total):
        chunk_compute(run.pk, index)
    rejected = Suggestion.objects.get(vacancy=small_market.alices, rank=1)
    # Rejected meanwhile, and stored with a score the staged row no longer agrees with.
    Suggestion.objects.filter(pk=rejected.pk).update(status=Suggestion.Status.REJECTED, score=0.01, version=7)

    assert run_finalize(run.pk)

    kept = Suggestion.objects.get(pk=rejected.pk)
    assert (kept.status, kept.score, kept.version, kept.run_id) == (Suggestion.Status.REJECTED, 0.01, 7, first.pk)
    assert Suggestion.objects.filter(vacancy=small_market.alices, cohort_id=rejected.cohort_id).count() == 1


def test_on_an_unchanged_market_chunks_stage_keys_and_scores_without_explanations(small_market):
    run_full_now()
    run = prepared()

    for index in range(run.chunks_total):
        chunk_compute(run.pk, index)

    staged = StagedSuggestion.objects.filter(run=run)
    assert staged.count() == Suggestion.objects.count() == 7
    assert not staged.filter(features__isnull=False).exists()


def test_a_suggestion_another_writer_changed_after_its_chunk_looked_still_gets_the_runs_values_and_explanation(
    small_market,
):
    run_full_now()
    before = {s.pk: s for s in Suggestion.objects.all()}
    run = prepared()
    for index in range(run.chunks_total):
        chunk_compute(run.pk, index)
    # Meanwhile a re-match of one vacancy moved one suggestion and removed another.
    moved, removed = Suggestion.objects.filter(vacancy=small_market.alices).order_by("rank")[:2]
    Suggestion.objects.filter(pk=moved.pk).update(score=0.01, rank=3, features={}, contributions={})
    Suggestion.objects.filter(pk=removed.pk).delete()

    assert run_finalize(run.pk)

    again = Suggestion.objects.get(pk=moved.pk)
    assert (again.score, again.rank, again.features) == (before[moved.pk].score, 1, before[moved.pk].features)
    assert again.contributions == before[moved.pk].contributions and again.version == moved.version + 1
    back = Suggestion.objects.get(vacancy=small_market.alices, cohort_id=removed.cohort_id)
    assert (back.score, back.rank, back.features) == (removed.score, removed.rank, removed.features)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_the_swap_plans_with_the_staged_rows_counted_though_the_statistics_saw_only_an_earlier_run():
    earlier = MatchRun.objects.create(kind=MatchRun.Kind.FULL, status=MatchRun.Status.FAILED)
    later = MatchRun.objects.create(kind=MatchRun.Kind.FULL)
    rows = [(v, c) for v in range(1, 61) for c in range(1, 51)]  # plain ids: staged rows are not foreign keys
    stage = lambda run: StagedSuggestion.objects.bulk_create(  # noqa: E731
        StagedSuggestion(run=run, chunk=0, vacancy_id=v, cohort_id=c, course_offer_id=1, score=0.5, rank=1)
        for v, c in rows
    )
    stage(earlier)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE matching_stagedsuggestion")  # as autovacuum may, while a run's rows are staged
    StagedSuggestion.objects.filter(run=earlier).delete()
    stage(later)

    def estimated() -> float:
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN (FORMAT JSON) SELECT 1 FROM matching_stagedsuggestion WHERE run_id = %s", [later.pk]
            )
            return cursor.fetchone()[0][0]["Plan"]["Plan Rows"]

    with transaction.atomic():
        assert estimated() < 10  # what the planner took the later run's 3,000 rows for: nested loops
        results_service._staged_analyze()
        assert estimated() > 1000


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_a_runs_swap_counts_its_staged_rows_before_it_joins_them(small_market):
    run = run_full_now()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_vals::text FROM pg_stats "
            "WHERE tablename = 'matching_stagedsuggestion' AND attname = 'run_id'"
        )
        assert cursor.fetchone() == (f"{{{run.pk}}}",)


def _planner_counts() -> int:
    """How many suggestions PostgreSQL's planner counts (`reltuples`, set by ANALYZE), with this connection's
    counts of changed rows handed to the statistics for the next run to read."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'matching_suggestion'::regclass")
        return round(cursor.fetchone()[0])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
@pytest.mark.django_db(transaction=True)  # committed, as runs are: only then are the changed rows counted
def test_a_run_analyses_the_suggestions_first_when_most_of_them_changed_since_their_statistics(
    tasks_in_process, small_market, monkeypatch
):
    # Tasks in this process (before the market is made): in CI a worker would otherwise re-match the market's
    # standards, and write suggestions, while this test reads the statistics.
    monkeypatch.setattr(results_service, "ANALYZE_THRESHOLD", 0)  # the small market's 7 suggestions are "most"
    Suggestion.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE matching_suggestion")  # taken while there were none (a new region, a wipe)

    run_full_now()  # its statistics were right when it began: nothing analysed

    assert Suggestion.objects.count() == 7 and _planner_counts() == 0
    # What the statistics views report of the live rows, as a maintained database's would by the next run (in a
    # test database, emptied between tests, their count is not kept exactly).
    monkeypatch.setattr(results_service, "_suggestions_live_and_counted", lambda: (7, _planner_counts()))
    run_full_now()
    assert _planner_counts() == 7  # its prepare analysed them
    assert not results_service.suggestions_statistics_refresh()  # counted right now: not analysed again
