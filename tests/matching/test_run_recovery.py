"""A full run that lost work is picked up again: what `run_resume` sends, and when.

A chunk holds a lease while a worker computes it: the worker's process name and its heartbeat. A
worker killed outright stops the heartbeat, and its unacknowledged messages stay with the broker
for its visibility timeout (10 minutes with Redis); so every live worker's run watch
(matching.worker), and beat, ask `runs_resume` to send again a chunk whose heartbeat stopped for
MATCH_CHUNK_LEASE_SECONDS, a finalize that should have come by then, or, when a run has shown no
sign of life for MATCH_RUN_STALL_SECONDS, everything it waits for. Time is passed in (`now`); the
real worker being killed is tests/reliability/test_worker_killed.py.
"""

import time
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

import matching.tasks  # noqa: F401  (a worker has every task module loaded: the run watch queues one by name)
from lcr_skills.celery import app
from matching.models import MatchRun, MatchRunChunk, Suggestion
from matching.services import chunk_compute, run_finalize, run_full_now, run_prepare, run_resume, runs_resume
from matching.worker import RunWatch

pytestmark = pytest.mark.django_db
LEASE, STALL = settings.MATCH_CHUNK_LEASE_SECONDS, settings.MATCH_RUN_STALL_SECONDS
DEAD, ALIVE = "lost-machine:4242", "live-machine:7"


@pytest.fixture
def run(small_market) -> MatchRun:
    """A full run over the small market, prepared: its chunks made, none computed yet."""
    run = MatchRun.objects.create(kind=MatchRun.Kind.FULL)
    assert len(run_prepare(run.pk)) > 2
    run.refresh_from_db()
    return run


def claimed(run: MatchRun, index: int, by: str, at: datetime) -> None:
    MatchRunChunk.objects.filter(run=run, index=index).update(claimed_by=by, heartbeat_at=at)


def indexes(run: MatchRun) -> list[int]:
    return sorted(run.chunks.values_list("index", flat=True))


def test_a_chunk_whose_worker_stopped_its_heartbeat_is_sent_again_once_its_lease_is_up(run):
    started = run.updated_at
    claimed(run, 0, DEAD, started)

    assert run_resume(run.pk, now=started + timedelta(seconds=LEASE - 1)) == ("", [])
    claimed(run, 1, ALIVE, started + timedelta(seconds=LEASE))  # another worker, busy and alive
    assert run_resume(run.pk, now=started + timedelta(seconds=LEASE + 1)) == ("chunks", [0])

    lost = MatchRunChunk.objects.get(run=run, index=0)
    assert (lost.claimed_by, lost.heartbeat_at, lost.done) == ("", None, False)  # free for whoever takes it
    assert MatchRunChunk.objects.get(run=run, index=1).claimed_by == ALIVE
    run.refresh_from_db()
    assert run.resumes == 1 and run.status == MatchRun.Status.RUNNING


def computed(run: MatchRun, index: int, at: datetime) -> None:
    MatchRunChunk.objects.filter(run=run, index=index).update(done=True, updated_at=at)
    MatchRun.objects.filter(pk=run.pk).update(updated_at=at)


def test_a_chunk_a_dead_worker_took_ahead_but_never_started_is_sent_again_with_the_one_it_was_computing(run):
    # The killed worker was computing chunk 0 and held chunk 1's message, not yet started; a live
    # worker then computed every later chunk.
    started = run.updated_at
    claimed(run, 0, DEAD, started)
    for index in indexes(run)[2:]:
        computed(run, index, started + timedelta(seconds=5))

    assert run_resume(run.pk, now=started + timedelta(seconds=LEASE - 1)) == ("", [])
    assert run_resume(run.pk, now=started + timedelta(seconds=LEASE + 1)) == ("chunks", [0, 1])


def test_a_chunk_passed_over_is_sent_again_once_the_run_stops_moving_for_a_lease(run):
    last = indexes(run)[-1]
    computed(run, last, run.updated_at)  # chunks before it were taken by nobody alive
    claimed(run, 0, ALIVE, run.updated_at + timedelta(seconds=LEASE))  # ... but this one is being computed

    assert run_resume(run.pk, now=run.updated_at + timedelta(seconds=LEASE + 1)) == ("", [])
    claimed(run, 0, ALIVE, run.updated_at + timedelta(seconds=5))  # its worker went quiet too
    assert run_resume(run.pk, now=run.updated_at + timedelta(seconds=LEASE + 6)) == ("chunks", indexes(run)[:-1])


def test_a_heartbeat_keeps_a_long_chunk_from_being_sent_again(run):
    claimed(run, 0, ALIVE, run.updated_at + timedelta(seconds=STALL))  # still beating, long after it began

    assert run_resume(run.pk, now=run.updated_at + timedelta(seconds=STALL + 1)) == ("", [])


def test_chunks_waiting_in_the_queue_are_left_alone_while_the_run_shows_life(run):
    busy_until = run.updated_at + timedelta(seconds=STALL)
    claimed(run, 0, ALIVE, busy_until)

    assert run_resume(run.pk, now=busy_until + timedelta(seconds=1)) == ("", [])


def test_a_run_with_no_sign_of_life_for_the_stall_time_has_everything_it_waits_for_sent_again(run):
    chunk_compute(run.pk, 0)
    run.refresh_from_db()

    step = run_resume(run.pk, now=run.updated_at + timedelta(seconds=STALL + 1))

    assert step == ("chunks", indexes(run)[1:])


def test_a_finalize_that_never_came_is_sent_again_after_the_lease(run):
    for index in indexes(run):
        chunk_compute(run.pk, index)
    run.refresh_from_db()

    assert run_resume(run.pk, now=run.updated_at + timedelta(seconds=LEASE - 1)) == ("", [])
    assert run_resume(run.pk, now=run.updated_at + timedelta(seconds=LEASE + 1)) == ("finalize", [])
    assert run_finalize(run.pk)
    assert run_resume(run.pk, now=run.updated_at + timedelta(days=1)) == ("", [])


def test_a_queued_run_may_wait_behind_other_work_until_the_stall_time(small_market):
    queued = MatchRun.objects.create(kind=MatchRun.Kind.FULL)

    assert run_resume(queued.pk, now=queued.updated_at + timedelta(seconds=LEASE + 1)) == ("", [])
    assert run_resume(queued.pk, now=queued.updated_at + timedelta(seconds=STALL + 1)) == ("prepare", [])


def test_a_run_whose_prepare_died_before_making_chunks_is_prepared_again_after_the_lease(small_market):
    claimed_run = MatchRun.objects.create(kind=MatchRun.Kind.FULL, status=MatchRun.Status.RUNNING)

    assert run_resume(claimed_run.pk, now=claimed_run.updated_at + timedelta(seconds=LEASE + 1)) == ("prepare", [])


def test_a_run_that_keeps_losing_work_fails_and_says_so(run):
    at = run.updated_at
    for _ in range(settings.MATCH_RUN_MAX_RESUMES):
        at += timedelta(seconds=STALL + 1)
        assert run_resume(run.pk, now=at)[0] == "chunks"

    assert run_resume(run.pk, now=at + timedelta(seconds=STALL + 1)) == ("", [])

    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED
    assert run.error == f"Lost work {settings.MATCH_RUN_MAX_RESUMES} times over; start a new run."


def test_work_sent_again_writes_the_same_results_as_a_run_that_lost_nothing(run):
    claimed(run, 0, DEAD, run.updated_at)
    step, lost = run_resume(run.pk, now=run.updated_at + timedelta(seconds=LEASE + 1))
    assert (step, lost) == ("chunks", [0])
    for index in indexes(run):  # the lost chunk, once more, and the rest
        chunk_compute(run.pk, index)
    chunk_compute(run.pk, 0)  # the first delivery, given back by the broker at last: nothing more
    assert run_finalize(run.pk) and not run_finalize(run.pk)
    written = list(Suggestion.objects.order_by("id").values("id", "vacancy_id", "cohort_id", "rank", "version"))

    assert run_full_now().status == MatchRun.Status.SUCCEEDED
    assert list(Suggestion.objects.order_by("id").values("id", "vacancy_id", "cohort_id", "rank", "version")) == written


def test_a_computed_chunk_says_who_computed_it_and_holds_no_lease(run):
    chunk_compute(run.pk, 0)

    chunk = MatchRunChunk.objects.get(run=run, index=0)
    assert chunk.done and chunk.computed_by and (chunk.claimed_by, chunk.heartbeat_at) == ("", None)


def test_every_worker_runs_the_run_watch_which_finishes_a_run_that_lost_a_chunk(run, tasks_in_process):
    claimed(run, 0, DEAD, run.updated_at - timedelta(seconds=LEASE + 1))
    for index in indexes(run)[1:]:
        chunk_compute(run.pk, index)
    assert RunWatch in app.steps["worker"]

    RunWatch(None).check(app)  # what a worker's timer does every MATCH_RUN_CHECK_SECONDS

    run.refresh_from_db()
    assert (run.status, run.resumes) == (MatchRun.Status.SUCCEEDED, 1)
    assert runs_resume() == []


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_chunk_being_computed_keeps_its_heartbeat_from_another_connection(small_market, settings):
    """On PostgreSQL the heartbeat is written by a thread of the computing process, on its own connection."""
    from matching.services.runs import _heartbeat

    settings.MATCH_CHUNK_LEASE_SECONDS = 1  # a beat every 0.2 s
    run = MatchRun.objects.create(kind=MatchRun.Kind.FULL)
    run_prepare(run.pk)
    first = timezone.now()
    claimed(run, 0, ALIVE, first)

    with _heartbeat(MatchRunChunk.objects.get(run=run, index=0).pk, ALIVE):
        deadline = time.monotonic() + 30
        while MatchRunChunk.objects.get(run=run, index=0).heartbeat_at == first:
            assert time.monotonic() < deadline, "no heartbeat was recorded"
            time.sleep(0.05)

    assert MatchRunChunk.objects.get(run=run, index=0).heartbeat_at > first
