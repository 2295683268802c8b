"""Full matching runs through Redis and the real Celery worker started by .ci/run (two processes).

Each test commits a synthetic market (bench.common.generate_market, the benchmark's generator, at a
small size), lets the worker run the match, and compares what it wrote with the same match
computed here, in this process, from the same data. One test checks that the chunks really were
computed by two different worker processes; one SIGKILLs a worker process in the middle of a chunk
and shows the run still completes with exactly the right suggestions (acks_late and
reject_on_worker_lost send the lost chunk to the other process).
"""

import os
import signal
import time
from collections import Counter

import pytest
from django.utils import timezone

from apprenticeships.services.vacancies import vacancy_transition
from lcr_skills.celery import app
from matching.models import MatchRun, MatchRunChunk, Suggestion
from matching.services import match_standards, matcher_active_ensure, run_full_start

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

RUN_TIMEOUT = 90  # seconds for a whole run; it takes a few on two cores
KILL_ATTEMPTS = 4


def generate_market(n_vacancies: int, n_offers: int, seed: int) -> dict[str, int]:
    # Imported here, not at the top: importing bench.common sets defaults for a benchmark database
    # in os.environ (setdefault: DATABASE_URL is already set whenever these tests run).
    from bench.common import generate_market

    return generate_market(n_vacancies, n_offers, seed=seed)


def wait_for(run_id: int, timeout: float = RUN_TIMEOUT) -> MatchRun:
    """Poll the run until it finishes; fail with what it was doing if it doesn't."""
    deadline = time.monotonic() + timeout
    while True:
        run = MatchRun.objects.get(pk=run_id)
        if run.status in (MatchRun.Status.SUCCEEDED, MatchRun.Status.FAILED):
            return run
        if time.monotonic() > deadline:
            chunks = list(MatchRunChunk.objects.filter(run=run).values_list("index", "done", "computed_by"))
            pytest.fail(
                f"run {run_id} still {run.status} after {timeout} s (progress {run.progress:.2f}, chunks "
                f"{chunks}): is the Celery worker running against the test database?"
            )
        time.sleep(0.2)


def computed_here() -> dict[tuple[int, int, int], float]:
    """The same match, in this process: (vacancy, cohort, rank) -> score."""
    _, matcher = matcher_active_ensure()
    result = match_standards(None, matcher)
    keys = zip(result.vacancy_id.tolist(), result.cohort_id.tolist(), result.rank.tolist(), strict=True)
    return dict(zip(keys, result.score.tolist(), strict=True))


def assert_suggestions_match_the_in_process_run() -> None:
    rows = list(Suggestion.objects.values_list("vacancy_id", "cohort_id", "rank", "score"))
    stored = {(vacancy, cohort, rank): score for vacancy, cohort, rank, score in rows}
    expected = computed_here()
    ranks = Counter((vacancy, rank) for vacancy, _, rank, _ in rows)
    assert len(stored) == len(rows) and max(ranks.values()) == 1, "a suggestion was written twice"
    missing, extra = set(expected) - set(stored), set(stored) - set(expected)
    assert not missing and not extra, f"{len(missing)} suggestions missing, {len(extra)} unexpected"
    assert stored == pytest.approx(expected, abs=1e-12)


@pytest.fixture(scope="module")
def nodes() -> int:
    """How many worker nodes answer (CI runs one, with two processes)."""
    answered = len(app.control.ping(timeout=2))
    assert answered, "no Celery worker answered through the broker"
    return answered


def active_tasks(nodes: int) -> list[dict]:
    """The tasks the worker processes are running right now.

    Waits only for the known workers' replies (`limit`), so the answer is milliseconds old rather
    than the whole timeout: a chunk here lasts well under a second.
    """
    replies = app.control.inspect(timeout=2, limit=nodes).active() or {}
    return [task for tasks in replies.values() for task in tasks]


@pytest.fixture(autouse=True)
def worker_idle(nodes: int):
    """Leave no matching task running into the next test (which starts with emptied tables)."""
    yield
    deadline = time.monotonic() + 30
    while any(t["name"].startswith("matching.") for t in active_tasks(nodes)) and time.monotonic() < deadline:
        time.sleep(0.1)


def test_a_run_started_through_the_api_is_computed_by_the_worker_and_matches_an_in_process_run(api, hannah):
    generate_market(400, 160, seed=1)

    response = api(hannah).post("/api/v1/match-runs/")

    assert response.status_code == 202, response.content
    run = wait_for(response.json()["id"])
    assert run.status == MatchRun.Status.SUCCEEDED, run.error
    body = api(hannah).get(f"/api/v1/match-runs/{run.pk}/").json()
    assert body["status"] == "succeeded" and body["progress"] == 1.0
    assert body["counts"]["vacancies"] == 400 and body["counts"]["suggestions"] == Suggestion.objects.count() > 0
    assert_suggestions_match_the_in_process_run()


def test_the_chunks_of_a_run_are_computed_by_both_worker_processes(hannah):
    generate_market(3000, 1200, seed=2)

    run = wait_for(run_full_start(by=hannah).pk)

    assert run.status == MatchRun.Status.SUCCEEDED, run.error
    chunks = list(MatchRunChunk.objects.filter(run=run))
    assert len(chunks) == run.chunks_total > 2 and all(chunk.done for chunk in chunks)
    processes = {chunk.computed_by for chunk in chunks}
    assert len(processes) >= 2, f"every chunk was computed by {processes}"
    assert_suggestions_match_the_in_process_run()


def test_a_worker_process_killed_mid_chunk_loses_nothing_and_duplicates_nothing(hannah, nodes):
    generate_market(5000, 2000, seed=3)
    landed = []
    for attempt in range(1, KILL_ATTEMPTS + 1):
        run = run_full_start(by=hannah)
        victim, killed_at = None, None
        deadline = time.monotonic() + RUN_TIMEOUT
        while victim is None and time.monotonic() < deadline:
            running = [t for t in active_tasks(nodes) if t["name"] == "matching.chunk" and t["args"][0] == run.pk]
            if running:
                victim, killed_at = running[0], timezone.now()
                os.kill(victim["worker_pid"], signal.SIGKILL)
            elif MatchRun.objects.get(pk=run.pk).status in (MatchRun.Status.SUCCEEDED, MatchRun.Status.FAILED):
                break  # over before a chunk was seen running: try again

        finished = wait_for(run.pk)

        assert finished.status == MatchRun.Status.SUCCEEDED, finished.error
        assert_suggestions_match_the_in_process_run()
        if victim is not None:
            chunk = MatchRunChunk.objects.get(run=run, index=victim["args"][1])
            # Computed again by another process, after the kill: it died in the middle of that chunk.
            if not chunk.computed_by.endswith(f":{victim['worker_pid']}") and chunk.updated_at > killed_at:
                landed.append((attempt, chunk.index, victim["worker_pid"], chunk.computed_by))
        if len(landed) == 2:  # twice is cheap: each run takes a few seconds
            break
    assert landed, f"no kill landed in the middle of a chunk in {KILL_ATTEMPTS} runs"


def wait_for_rematch(after: int) -> MatchRun:
    """The first incremental run after run `after`, once it has finished."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while True:
        run = MatchRun.objects.filter(kind=MatchRun.Kind.INCREMENTAL, pk__gt=after).order_by("pk").first()
        if run is not None and run.status in (MatchRun.Status.SUCCEEDED, MatchRun.Status.FAILED):
            return run
        if time.monotonic() > deadline:
            pytest.fail("no re-match finished: is the Celery worker running against the test database?")
        time.sleep(0.2)


def test_the_worker_re_matches_a_closed_vacancy_alone_and_leaves_what_a_whole_match_would(hannah):
    generate_market(400, 160, seed=3)
    full = wait_for(run_full_start(by=hannah).pk)
    assert full.status == MatchRun.Status.SUCCEEDED, full.error
    holder = Suggestion.objects.filter(rank=1, status=Suggestion.Status.SUGGESTED).order_by("pk").first()

    vacancy_transition(holder.vacancy, action="close", by=hannah)

    rematch = wait_for_rematch(full.pk)
    assert rematch.status == MatchRun.Status.SUCCEEDED, rematch.error
    assert rematch.counts["path"] in ("direct", "priced", "component") and rematch.standards == [
        holder.vacancy.standard_id
    ]
    assert not Suggestion.objects.filter(vacancy_id=holder.vacancy_id).exists()
    assert_suggestions_match_the_in_process_run()
