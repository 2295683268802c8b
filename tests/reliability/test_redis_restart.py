"""Redis restarts in the middle of a full matching run: the run still ends, losing and doubling nothing.

The broker is a private redis-server started here (on a free loopback port, persisting nothing, as
CI's does), with a private two-process Celery worker on it, so the shared Redis and CI's worker are
never touched. Restarting it loses every message it held (the queued chunks and those the worker had
reserved) and whatever is sent while it is down (the last chunk's `finalize`). The run must end
anyway: the worker reconnects by itself (or, when Celery's worker stops on the lost connection,
as it sometimes does, its supervisor starts it again: `PrivateWorker.supervise`), and what was lost
is sent again by the stalled-run resume that beat sends every minute, and each worker every
MATCH_RUN_CHECK_SECONDS (played here by the test, every half second, with the worker's
MATCH_RUN_STALL_SECONDS at a few seconds). The private Redis and worker are
tests/reliability/private_services.py's. Meanwhile the
previous results must stay exactly as they were, and at the end the open suggestions and gaps
must be those an in-process match computes from the same data, with the hub's decisions left alone.
"""

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, transaction

from matching.ml.engine import GAP_CODES
from matching.models import Gap, MatchRun, MatchRunChunk, RejectReason, Suggestion
from matching.services import (
    DecisionConflict,
    match_standards,
    matcher_active_ensure,
    run_full_start,
    suggestion_approve,
    suggestion_reject,
)
from matching.tasks import resume_stalled_task
from tests.reliability.private_services import PrivateWorker, Services, private_services

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

STALL_SECONDS = 3  # the worker's MATCH_RUN_STALL_SECONDS: longer than a chunk takes here
OUTAGE_SECONDS = 1.5
BEAT_SECONDS = 0.5
RUN_TIMEOUT = 60
LAST_CHUNKS_SECONDS = 10  # a chunk takes well under a second here
# When Redis goes down, by chunks done: early and halfway (the chunks still queued are lost), and with
# only the last ones running (the `finalize` they send is lost).
RESTARTS = ("early", "halfway", "last")
DONE = (MatchRun.Status.SUCCEEDED, MatchRun.Status.FAILED)
LIVE = (MatchRun.Status.QUEUED, MatchRun.Status.RUNNING)


def generate_market(n_vacancies: int, n_offers: int, seed: int) -> dict[str, int]:
    # Imported here, as in tests/integration/test_matching_workers.py: bench.common sets defaults
    # in os.environ when imported.
    from bench.common import generate_market

    return generate_market(n_vacancies, n_offers, seed=seed)


@pytest.fixture
def private(tmp_path: Path, django_db_setup) -> Iterator[Services]:
    """A private Redis, this process publishing to it, and a private worker consuming from it."""
    with private_services(
        tmp_path, name="redis-restart", env={"MATCH_RUN_STALL_SECONDS": str(STALL_SECONDS)}
    ) as services:
        yield services


# --- What the database holds ---------------------------------------------------------------------


def snapshot(run_id: int) -> tuple[str, str]:
    """The run's status and a fingerprint of every suggestion and gap, from one snapshot."""
    suggestions, gaps = Suggestion._meta.db_table, Gap._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute(f"SELECT status FROM {MatchRun._meta.db_table} WHERE id = %s", [run_id])  # noqa: S608
        (status,) = cursor.fetchone()
        cursor.execute(
            f"""SELECT count(*), md5(coalesce(string_agg(concat_ws('|', id, vacancy_id, cohort_id,
                    course_offer_id, rank, score, status, version, run_id, updated_at), ';' ORDER BY id), ''))
                FROM {suggestions}"""  # noqa: S608
        )
        suggestion_count, suggestion_hash = cursor.fetchone()
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(concat_ws('|', id, vacancy_id, reason, run_id), ';' "  # noqa: S608
            f"ORDER BY id), '')) FROM {gaps}"
        )
        gap_count, gap_hash = cursor.fetchone()
    return status, f"{suggestion_count} suggestions {suggestion_hash}, {gap_count} gaps {gap_hash}"


def decided_rows() -> list[dict]:
    return list(Suggestion.objects.exclude(status=Suggestion.Status.SUGGESTED).order_by("id").values())


def decide_a_few(hannah, attempt: int) -> None:
    """Approve one open suggestion and reject two, so the next run has something to change."""
    top = list(Suggestion.objects.filter(status=Suggestion.Status.SUGGESTED, rank=1).order_by("id")[:60])
    reject, candidates = [top[attempt], top[attempt + 20]], top[attempt + 10 :: 20]
    for suggestion in reject:
        suggestion_reject(suggestion.pk, by=hannah, version=suggestion.version, reason=RejectReason.TOO_FAR)
    for suggestion in candidates:
        try:
            suggestion_approve(suggestion.pk, by=hannah, version=suggestion.version)
            return
        except DecisionConflict:  # its cohort is full: another one
            continue
    pytest.fail("no suggestion could be approved")


def assert_results_match_an_in_process_match() -> None:
    """Open suggestions and gaps are exactly what this process computes from the same data."""
    _, matcher = matcher_active_ensure()
    result = match_standards(None, matcher)
    keys = zip(result.vacancy_id.tolist(), result.cohort_id.tolist(), result.rank.tolist(), strict=True)
    expected = dict(zip(keys, result.score.tolist(), strict=True))
    rows = list(Suggestion.objects.values_list("vacancy_id", "cohort_id", "rank", "score", "status"))
    pairs = Counter((vacancy, cohort) for vacancy, cohort, *_ in rows)
    assert max(pairs.values()) == 1, "a (vacancy, cohort) was suggested twice"
    open_rows = [row for row in rows if row[4] == Suggestion.Status.SUGGESTED]
    ranks = Counter((vacancy, rank) for vacancy, _, rank, _, _ in open_rows)
    assert max(ranks.values()) == 1, "a vacancy has two open suggestions of the same rank"
    stored = {(vacancy, cohort, rank): score for vacancy, cohort, rank, score, _ in open_rows}
    missing, extra = set(expected) - set(stored), set(stored) - set(expected)
    assert not missing and not extra, f"{len(missing)} suggestions missing, {len(extra)} unexpected"
    assert stored == pytest.approx(expected, abs=1e-12)
    gaps = dict(zip(result.gap_vacancy_id.tolist(), (GAP_CODES[r] for r in result.gap_reason.tolist()), strict=True))
    assert dict(Gap.objects.values_list("vacancy_id", "reason")) == gaps


# --- Driving a run --------------------------------------------------------------------------------


def chunks_done_to_restart_at(phase: str, total: int) -> range:
    """When to stop Redis: early and halfway some chunks are still queued; "last", only running ones (mostly)."""
    return {
        "early": range(1, total - 2),
        "halfway": range(total // 2, total - 2),
        "last": range(total - 2, total),
    }[phase]


def wait_for_chunks_done(run_id: int, phase: str) -> tuple[int, int] | None:
    """Wait for the phase's moment in the run: (chunks done, chunks); None if the run got past it."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        run = MatchRun.objects.get(pk=run_id)
        done, total = MatchRunChunk.objects.filter(run_id=run_id, done=True).count(), run.chunks_total
        if run.status in DONE or (total and done >= chunks_done_to_restart_at(phase, total).stop):
            return None
        if total and done in chunks_done_to_restart_at(phase, total):
            return done, total
        time.sleep(0.02)
    return None


def redis_down_while_checking(services: Services, run_id: int, previous: str, phase: str) -> str:
    """Stop Redis, check the previous results stay as they were, start it again.

    Returns "ended" if the run ended meanwhile, "lost" if the outage lost some of its messages, or
    "maybe" when Redis came back after LAST_CHUNKS_SECONDS with a chunk not done (queued and lost,
    or merely slow).

    It stays down OUTAGE_SECONDS; in the "last" phase also until a second after the last chunk is done,
    so that the `finalize` that chunk sends is lost too (a send gives up after well under a second),
    or LAST_CHUNKS_SECONDS if a chunk was still queued in Redis rather than running on the worker. A
    run can only end while Redis is down if its `finalize` had reached the worker before it stopped.
    """
    services.redis.stop()
    stopped = time.monotonic()
    up_at = None if phase == "last" else stopped + OUTAGE_SECONDS
    certain = True
    while up_at is None or time.monotonic() < up_at:
        status, seen = snapshot(run_id)
        if status in DONE:
            break
        assert seen == previous, f"the previous results changed while Redis was down (run {run_id} {status})"
        if up_at is None and not MatchRunChunk.objects.filter(run_id=run_id, done=False).exists():
            up_at = max(stopped + OUTAGE_SECONDS, time.monotonic() + 1)
        elif up_at is None and time.monotonic() - stopped > LAST_CHUNKS_SECONDS:
            up_at, certain = time.monotonic(), False
        assert time.monotonic() - stopped < RUN_TIMEOUT, f"the last chunks of run {run_id} never finished"
        time.sleep(0.1)
    services.redis.start()
    if status not in LIVE:
        return "ended"
    return "lost" if certain else "maybe"


def play_beat_until_the_run_ends(run_id: int, previous: str, worker: PrivateWorker) -> MatchRun:
    """Send `matching.resume_stalled` as beat does, checking the previous results stay put until the end."""
    deadline, next_beat = time.monotonic() + RUN_TIMEOUT, 0.0
    while True:
        status, seen = snapshot(run_id)
        if status in DONE:
            return MatchRun.objects.get(pk=run_id)
        assert seen == previous, f"run {run_id} is {status} but the previous results changed"
        if time.monotonic() > deadline:
            chunks = list(MatchRunChunk.objects.filter(run_id=run_id).values_list("index", "done"))
            pytest.fail(f"run {run_id} still {status} after {RUN_TIMEOUT} s, chunks {chunks}\n{worker.tail()}")
        worker.supervise()
        if time.monotonic() >= next_beat:
            resume_stalled_task.delay()
            next_beat = time.monotonic() + BEAT_SECONDS
        time.sleep(0.1)


def test_redis_restarting_during_full_runs_loses_no_suggestion_and_duplicates_none(hannah, private):
    generate_market(3000, 1200, seed=4)
    run = run_full_start(by=hannah)
    first = play_beat_until_the_run_ends(run.pk, snapshot(run.pk)[1], private.worker)
    assert first.status == MatchRun.Status.SUCCEEDED, first.error
    assert_results_match_an_in_process_match()

    runs_started = 1
    for phase in RESTARTS:
        for _ in range(3):  # a run may slip past the moment (two chunks ending at once): another run
            decide_a_few(hannah, runs_started)
            decided = decided_rows()
            run = run_full_start(by=hannah)
            runs_started += 1
            _, previous = snapshot(run.pk)
            moment = wait_for_chunks_done(run.pk, phase)
            outage = redis_down_while_checking(private, run.pk, previous, phase) if moment else "ended"
            if outage == "ended":
                moment = None  # its finalize was already running: nothing left to lose
            runs = [play_beat_until_the_run_ends(run.pk, previous, private.worker)]
            if runs[0].status == MatchRun.Status.FAILED:  # gave up after too many resumes: a retry must work
                runs.append(play_beat_until_the_run_ends(run_full_start(by=hannah).pk, previous, private.worker))
            assert runs[-1].status == MatchRun.Status.SUCCEEDED, f"{runs[-1].error}\n{private.worker.tail()}"
            assert_results_match_an_in_process_match()
            assert decided_rows() == decided, "a decided suggestion was changed"
            assert snapshot(run.pk)[1] != previous, "the decisions should have changed some results"
            if moment:
                resumed = runs[0].resumes or len(runs) > 1
                if outage == "maybe" and not resumed:
                    continue  # a slow chunk, not a lost one: nothing was lost; another run
                # The restart did lose work: the run had to be resumed (or failed, and was retried).
                assert resumed, f"the restart at {moment} (chunks done, of) lost nothing"
                break
        else:
            pytest.fail(f"three runs went past the {phase!r} moment before Redis was stopped")
