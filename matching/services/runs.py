"""Matching runs: start them, compute their chunks, and have their results written (matching.services.results).

A full run fans out: `run_prepare` splits the standards with live vacancies into chunks, each
chunk is computed by whichever worker takes it (`chunk_compute`, idempotent: recomputing a chunk
overwrites its one row and its staged suggestions), and stages its suggestions itself, in parallel
with the other chunks; the last chunk to finish triggers `run_finalize`, which one task claims and
which swaps the staged suggestions in (changing only what differs) in one transaction. Until then
the previous suggestions stay as they were. Every chunk scores with the providers' shares of the
hub's approvals as the run took them when it began (`ProviderShare`), and re-matches use those
once it has succeeded. Decided suggestions (approved, rejected, …) are never
touched.

A worker that dies (SIGKILL, a lost machine) takes the messages it had not acknowledged with it
until the broker's visibility timeout gives them back (10 minutes with Redis). So a chunk holds a
lease while it is computed (its process's heartbeat), and `runs_resume`, which every live worker
asks for every MATCH_RUN_CHECK_SECONDS (matching.worker) and beat every minute, sends again what a
run lost: a chunk whose heartbeat stopped for MATCH_CHUNK_LEASE_SECONDS, a `finalize` that never
came, or, when the whole run has shown no sign of life for MATCH_RUN_STALL_SECONDS (its messages
lost with a restarted broker), everything it waits for.
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from matching.enqueue import RUN_PREPARE, after_commit
from matching.ml.engine import MatchResult, match_market, merge_results
from matching.ml.scoring import Matcher, matcher_loads
from matching.models import MatchRun, MatchRunChunk, ProviderShare, StagedSuggestion
from matching.services.active_model import matcher_active_ensure
from matching.services.market import market_load, provider_shares, run_shares, standards_work
from matching.services.pledges import pledge_suggestions_allocate
from matching.services.results import results_stage, results_swap, results_write, suggestions_statistics_refresh

logger = logging.getLogger(__name__)


class RunInProgress(Exception):
    def __init__(self, run: MatchRun) -> None:
        super().__init__(f"Full run {run.pk} is {run.status}")
        self.run = run


def match_standards(
    standard_ids: list[int] | None, matcher: Matcher, *, provider_share: dict[int, float] | None = None
) -> MatchResult:
    """Compute suggestions and gaps for the live vacancies of these standards (None: all), scored with
    `provider_share` (None: the shares in force)."""
    started = time.perf_counter()
    market = market_load(standard_ids, provider_share=provider_share)
    load_time = time.perf_counter() - started
    result = match_market(
        market,
        matcher,
        k=settings.MATCH_SUGGESTIONS_PER_VACANCY,
        days_before=settings.MATCH_START_WINDOW_DAYS_BEFORE,
        days_after=settings.MATCH_START_WINDOW_DAYS_AFTER,
    )
    result.timings = {"load": load_time, **result.timings}
    return result


# --- Full runs -------------------------------------------------------------------------------


def run_full_start(*, by: User | None) -> MatchRun:
    """Queue a full run; only one may be queued or running at a time (RunInProgress otherwise)."""
    try:
        with transaction.atomic():
            run = MatchRun.objects.create(kind=MatchRun.Kind.FULL, created_by=by)
    except IntegrityError:
        active = MatchRun.objects.filter(kind=MatchRun.Kind.FULL, status__in=MatchRun.IN_PROGRESS).first()
        if active is None:  # it finished in between: try once more
            return run_full_start(by=by)
        raise RunInProgress(active) from None
    # With the broker down the run is saved and queued all the same: the stalled-run resume sends it later.
    after_commit(RUN_PREPARE, run.pk)
    return run


def _chunks(standards: list[tuple[int, int]], n: int) -> list[list[int]]:
    """Split (standard, work) into at most n groups with similar total work, largest first.

    Each standard goes to the group with least work so far (longest processing time first: the
    heaviest group is at most 4/3 of the best possible split, and one standard is never split).
    """
    groups: list[list[int]] = [[] for _ in range(max(1, min(n, len(standards))))]
    loads = [0] * len(groups)
    for standard_id, work in sorted(standards, key=lambda item: (-item[1], item[0])):
        i = loads.index(min(loads))
        groups[i].append(standard_id)
        loads[i] += work
    return [sorted(g) for g in groups if g]


def run_prepare(run_id: int) -> list[int]:
    """Start a queued run: create its chunks and return their indexes to compute."""
    model, _ = matcher_active_ensure()
    now = timezone.now()
    claimed = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.QUEUED).update(
        status=MatchRun.Status.RUNNING, started_at=now, model=model, model_version=model.version, updated_at=now
    )
    run = MatchRun.objects.get(pk=run_id)
    if not claimed and run.status != MatchRun.Status.RUNNING:
        return []  # finished or failed already
    # Suggestions staged by runs that ended without writing them (failed, or killed and given up on).
    StagedSuggestion.objects.exclude(run__status__in=MatchRun.IN_PROGRESS).delete()
    suggestions_statistics_refresh()  # every chunk reads the open suggestions, and the swap joins them
    if not run.chunks.exists():
        groups = _chunks(standards_work(), settings.MATCH_CHUNKS) or [[]]
        with transaction.atomic():
            MatchRun.objects.select_for_update().get(pk=run_id)  # a second prepare (redelivered) waits, then skips
            if not run.chunks.exists():
                # The shares every chunk scores with, as they are now (an approval meanwhile moves none).
                shares = provider_shares()
                ProviderShare.objects.bulk_create(
                    [ProviderShare(run=run, provider_id=p, share=shares[p]) for p in shares]
                )
                MatchRunChunk.objects.bulk_create(
                    [MatchRunChunk(run=run, index=i, standards=g) for i, g in enumerate(groups)]
                )
                MatchRun.objects.filter(pk=run_id).update(chunks_total=len(groups), updated_at=timezone.now())
    return list(run.chunks.filter(done=False).values_list("index", flat=True))


def _lease_seconds() -> float:
    """How long a chunk's heartbeat may stop before it counts as lost (never longer than a stall)."""
    return max(1, min(settings.MATCH_CHUNK_LEASE_SECONDS, settings.MATCH_RUN_STALL_SECONDS))


@contextmanager
def _heartbeat(chunk_id: int, worker: str) -> Iterator[None]:
    """While the body runs, record every fifth of the lease that `worker` is still computing the chunk."""
    if connection.vendor == "sqlite":  # the embedded default runs tasks in this process: nobody to tell
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(_lease_seconds() / 5):
                try:
                    MatchRunChunk.objects.filter(pk=chunk_id, claimed_by=worker, done=False).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:  # the database is away: say so, and connect afresh next time
                    logger.warning("chunk %s: heartbeat not recorded", chunk_id, exc_info=True)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"chunk-{chunk_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def chunk_compute(run_id: int, index: int) -> bool:
    """Compute one chunk (again, if a worker died on it); True when it was the last one to finish."""
    chunk = MatchRunChunk.objects.select_related("run__model").get(run_id=run_id, index=index)
    if chunk.run.status != MatchRun.Status.RUNNING:
        return False
    if not chunk.done:
        worker = f"{socket.gethostname()}:{os.getpid()}"
        # The lease: while this process keeps its heartbeat, no live worker sends the chunk again.
        MatchRunChunk.objects.filter(pk=chunk.pk, done=False).update(claimed_by=worker, heartbeat_at=timezone.now())
        with _heartbeat(chunk.pk, worker):
            matcher = matcher_loads(bytes(chunk.run.model.artefact))
            result = (
                match_standards(chunk.standards, matcher, provider_share=run_shares(run_id))
                if chunk.standards
                else merge_results([])
            )
            _chunk_done(chunk, result, worker=worker)
    total = chunk.run.chunks_total
    done = MatchRunChunk.objects.filter(run_id=run_id, done=True).count()
    MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING).update(
        progress=0.9 * done / max(total, 1), updated_at=timezone.now()
    )
    return done == total


@transaction.atomic
def _chunk_done(chunk: MatchRunChunk, result: MatchResult, *, worker: str) -> None:
    """Stage a computed chunk's suggestions and mark it done, both or neither.

    The chunk's row lock makes a second try of the chunk (sent again while the first was only slow)
    wait, then find it done and write nothing; a run no longer running stages nothing.
    """
    # The chunk's row only (of="self"): chunks finishing together must not queue on their run's row.
    pending = MatchRunChunk.objects.filter(pk=chunk.pk, done=False, run__status=MatchRun.Status.RUNNING)
    if not pending.select_for_update(of=("self",)).values_list("pk", flat=True):
        return
    started = time.perf_counter()
    results_stage(chunk.run, chunk.index, result, standard_ids=chunk.standards)
    result.timings["write_chunk"] = time.perf_counter() - started
    MatchRunChunk.objects.filter(pk=chunk.pk).update(
        result=result.dumps(),  # whole: the swap fills in from it what the staging left out, if it must
        done=True,
        computed_by=worker,
        claimed_by="",
        heartbeat_at=None,
        updated_at=timezone.now(),
    )


def runs_resume(*, now: datetime | None = None) -> list[tuple[int, str, list[int]]]:
    """Pick up every full run that lost work (see `run_resume`): (run id, what to send, chunk indexes) each."""
    now = now or timezone.now()
    run_ids = MatchRun.objects.filter(kind=MatchRun.Kind.FULL, status__in=MatchRun.IN_PROGRESS).values_list(
        "id", flat=True
    )
    picked = []
    for run_id in list(run_ids):
        step, indexes = run_resume(run_id, now=now)
        if step:
            picked.append((run_id, step, indexes))
    return picked


@transaction.atomic
def run_resume(run_id: int, *, now: datetime | None = None) -> tuple[str, list[int]]:
    """What a full run lost, to send again: ("prepare", []), ("chunks", indexes), ("finalize", []) or
    ("", []) when it lost nothing (or failed, after MATCH_RUN_MAX_RESUMES resumes).

    Lost: a chunk whose heartbeat stopped for MATCH_CHUNK_LEASE_SECONDS (its process died), with
    any chunk nobody started although a later one was computed (taken ahead by a worker that died); a
    prepare or finalize that should have happened by then; or, when the run has shown no sign of
    life for MATCH_RUN_STALL_SECONDS, everything it waits for (messages lost in the broker, or on a
    dead worker before it started them). Work is idempotent: a chunk sent twice is computed once
    more at most, and a second finalize finds the run written.
    """
    now = now or timezone.now()
    # A run whose row is locked is being written this moment (run_finalize holds it): alive.
    run = (
        MatchRun.objects.select_for_update(skip_locked=True).filter(pk=run_id, status__in=MatchRun.IN_PROGRESS).first()
    )
    if run is None or run.kind != MatchRun.Kind.FULL:
        return "", []
    stalled = now - timedelta(seconds=settings.MATCH_RUN_STALL_SECONDS)
    leased = now - timedelta(seconds=_lease_seconds())
    waiting = list(run.chunks.filter(done=False).only("index", "claimed_by", "heartbeat_at"))
    lost: list[int] = []
    if run.status == MatchRun.Status.QUEUED:  # its prepare may simply wait behind other work
        step = "prepare" if run.updated_at < stalled else ""
    elif not run.chunks_total:  # claimed, but its prepare died before making the chunks
        step = "prepare" if run.updated_at < leased else ""
    elif not waiting:  # every chunk computed: the last one sent the finalize at once
        step = "finalize" if run.updated_at < leased else ""
    else:
        lost = [c.index for c in waiting if c.claimed_by and c.heartbeat_at and c.heartbeat_at < leased]
        last_sign = max([run.updated_at, *(c.heartbeat_at for c in waiting if c.heartbeat_at)])
        if lost or last_sign < leased:  # a worker died, or nothing moved for a lease
            lost = sorted({*lost, *_passed_over(run, waiting)})
        if last_sign < stalled:
            lost = [c.index for c in waiting]
        step = "chunks" if lost else ""
    if not step:
        return "", []
    if run.resumes >= settings.MATCH_RUN_MAX_RESUMES:
        run_fail(run_id, error=f"Lost work {run.resumes} times over; start a new run.")
        return "", []
    MatchRun.objects.filter(pk=run_id).update(resumes=F("resumes") + 1, updated_at=now)
    # Sent again: leased to whoever takes the message next.
    MatchRunChunk.objects.filter(run_id=run_id, index__in=lost, done=False).update(claimed_by="", heartbeat_at=None)
    logger.warning("full run %s lost work: sending %s again %s", run_id, step, lost or "")
    return step, lost


def _passed_over(run: MatchRun, waiting: list[MatchRunChunk]) -> list[int]:
    """Chunks nobody took although one queued after them was computed: a worker took their messages
    ahead of time and died before starting them (the broker holds those for its visibility timeout).
    Asked when a chunk's worker died, or no process has shown life on the run for a lease; at worst
    a chunk waiting in a live worker's hands is computed twice."""
    last_done = run.chunks.filter(done=True).aggregate(last=Max("index"))["last"]
    if last_done is None:
        return []
    return [c.index for c in waiting if not c.claimed_by and c.index < last_done]


def run_finalize(run_id: int) -> bool:
    """Swap in a run's staged results in one transaction, holding the run's row lock; True if this call wrote them.

    If the worker dies while writing, the transaction rolls back and the redelivered task writes
    again; a second finalize waits for the lock, then finds the run finished.
    """
    started = time.perf_counter()
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        chunks = list(run.chunks.all())
        if run.status != MatchRun.Status.RUNNING or len(chunks) != run.chunks_total or not all(c.done for c in chunks):
            return False
        # Gaps, counts, timings and quality: the suggestions are staged.
        result = merge_results([MatchResult.loads(bytes(c.result), suggestions=False) for c in chunks])
        results_swap(run, result)
        pledge_suggestions_allocate()  # pledges are shared region-wide: allocated once all standards are in
        _run_succeed(run_id, result, write_seconds=time.perf_counter() - started)
    run.chunks.update(result=None)  # written: the intermediate results can go
    StagedSuggestion.objects.filter(run_id=run_id).delete()
    # This run's shares are now in force (market.shares_in_force): those of runs before it can go.
    ProviderShare.objects.exclude(run_id=run_id).exclude(run__status__in=MatchRun.IN_PROGRESS).delete()
    return True


def _run_succeed(run_id: int, result: MatchResult, *, write_seconds: float) -> None:
    """Mark a run succeeded, with its counts, how long each step took and how close to optimal it is."""
    timings = {**{k: round(v, 3) for k, v in result.timings.items()}, "write": round(write_seconds, 3)}
    MatchRun.objects.filter(pk=run_id).update(
        status=MatchRun.Status.SUCCEEDED,
        progress=1.0,
        counts=result.counts,
        timings=timings,
        optimality_gap=result.optimality_gap if "first_bound" in result.quality else None,
        finished_at=timezone.now(),
    )


def run_fail(run_id: int, *, error: str) -> None:
    """Mark a run failed, keeping the previous suggestions as they were."""
    failed = MatchRun.objects.filter(pk=run_id, status__in=MatchRun.IN_PROGRESS).update(
        status=MatchRun.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )
    if failed:
        StagedSuggestion.objects.filter(run_id=run_id).delete()


def run_full_now(
    *, by: User | None = None, progress: Callable[[int, int], None] = lambda done, total: None
) -> MatchRun:
    """A full run in this process (for `manage.py run_matching` and benchmarks), chunk by chunk."""
    run = MatchRun.objects.create(kind=MatchRun.Kind.FULL, created_by=by)
    try:
        indexes = run_prepare(run.pk)
        for n, index in enumerate(indexes, start=1):
            chunk_compute(run.pk, index)
            progress(n, len(indexes))
        run_finalize(run.pk)
    except Exception as error:
        run_fail(run.pk, error=f"{error.__class__.__name__}: {error}")
        raise
    run.refresh_from_db()
    return run


# --- Incremental re-matching ---------------------------------------------------------------


def rematch_standards(standard_ids: list[int]) -> MatchRun:
    """Re-match the live vacancies of a few standards (after a vacancy or offer changed)."""
    model, matcher = matcher_active_ensure()
    run = MatchRun.objects.create(
        kind=MatchRun.Kind.INCREMENTAL,
        status=MatchRun.Status.RUNNING,
        standards=sorted(set(standard_ids)),
        model=model,
        model_version=model.version,
        started_at=timezone.now(),
    )
    try:
        result = match_standards(run.standards, matcher)
        started = time.perf_counter()
        results_write(run, result, standard_ids=run.standards)
        pledge_suggestions_allocate()
    except Exception as error:
        run_fail(run.pk, error=f"{error.__class__.__name__}: {error}")
        raise
    _run_succeed(run.pk, result, write_seconds=time.perf_counter() - started)
    run.refresh_from_db()
    return run
