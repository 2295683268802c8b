"""Matching runs: start them, compute their chunks, and swap their results in.

A full run fans out: `run_prepare` splits the standards with live vacancies into chunks, each
chunk is computed by whichever worker takes it (`chunk_compute`, idempotent: recomputing a chunk
overwrites its one row), and the last chunk to finish triggers `run_finalize`, which one task
claims and which writes every result in one transaction. Until then the previous suggestions
stay as they were. Decided suggestions (approved, rejected, …) are never touched.

A worker that dies (SIGKILL, a lost machine) takes the messages it had not acknowledged with it
until the broker's visibility timeout gives them back (10 minutes with Redis). So a chunk holds a
lease while it is computed (its process's heartbeat), and `runs_resume`, which every live worker
asks for every MATCH_RUN_CHECK_SECONDS (matching.worker) and beat every minute, sends again what a
run lost: a chunk whose heartbeat stopped for MATCH_CHUNK_LEASE_SECONDS, a `finalize` that never
came, or, when the whole run has shown no sign of life for MATCH_RUN_STALL_SECONDS (its messages
lost with a restarted broker), everything it waits for.
"""

import io
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.contrib.auth.models import User
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from matching.ml import dataset
from matching.ml.engine import GAP_CODES, MatchResult, match_market, merge_results
from matching.ml.features import FEATURES
from matching.ml.scoring import IncompatibleModel, Matcher, matcher_loads, prior_matcher
from matching.models import Gap, MatchRun, MatchRunChunk, ScoringModel, Suggestion

logger = logging.getLogger(__name__)


class RunInProgress(Exception):
    def __init__(self, run: MatchRun) -> None:
        super().__init__(f"Full run {run.pk} is {run.status}")
        self.run = run


def matcher_active() -> tuple[ScoringModel, Matcher]:
    """The model in use; the documented prior is created the first time."""
    model = ScoringModel.objects.filter(status=ScoringModel.Status.ACTIVE).first()
    if model is not None:
        try:
            return model, matcher_loads(bytes(model.artefact))
        except IncompatibleModel:
            logger.warning("active model %s needs rebuilding for this scikit-learn", model.version)
            if not model.version.startswith("prior"):
                raise
    matcher = prior_matcher(dataset.standards_corpus())
    values = {"artefact": matcher.dumps(), "sklearn_version": matcher.sklearn_version, "params": matcher.params}
    with transaction.atomic():
        model, _ = ScoringModel.objects.update_or_create(version=matcher.version, defaults=values)
        ScoringModel.objects.filter(status=ScoringModel.Status.ACTIVE).exclude(pk=model.pk).update(
            status=ScoringModel.Status.RETIRED
        )
        ScoringModel.objects.filter(pk=model.pk).update(status=ScoringModel.Status.ACTIVE, promoted_at=timezone.now())
    return model, matcher


def match_standards(standard_ids: list[int] | None, matcher: Matcher) -> MatchResult:
    """Compute suggestions and gaps for the live vacancies of these standards (None: all)."""
    started = time.perf_counter()
    market = dataset.load_market(standard_ids)
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
        active = MatchRun.objects.filter(
            kind=MatchRun.Kind.FULL, status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING]
        ).first()
        if active is None:  # it finished in between: try once more
            return run_full_start(by=by)
        raise RunInProgress(active) from None
    from matching.tasks import run_prepare_task

    # Robust: with the broker down the run is saved and queued, and the stalled-run resume sends it later.
    transaction.on_commit(lambda: run_prepare_task.delay(run.pk), robust=True)
    return run


def _chunks(standards: list[tuple[int, int]], n: int) -> list[list[int]]:
    """Split standards into at most n groups with similar numbers of vacancies (largest first)."""
    groups: list[list[int]] = [[] for _ in range(max(1, min(n, len(standards))))]
    loads = [0] * len(groups)
    for standard_id, vacancies in standards:  # already largest first
        i = loads.index(min(loads))
        groups[i].append(standard_id)
        loads[i] += vacancies
    return [sorted(g) for g in groups if g]


def run_prepare(run_id: int) -> list[int]:
    """Start a queued run: create its chunks and return their indexes to compute."""
    model, _ = matcher_active()
    now = timezone.now()
    claimed = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.QUEUED).update(
        status=MatchRun.Status.RUNNING, started_at=now, model=model, model_version=model.version, updated_at=now
    )
    run = MatchRun.objects.get(pk=run_id)
    if not claimed and run.status != MatchRun.Status.RUNNING:
        return []  # finished or failed already
    if not run.chunks.exists():
        groups = _chunks(dataset.standards_with_live_vacancies(), settings.MATCH_CHUNKS) or [[]]
        with transaction.atomic():
            MatchRunChunk.objects.bulk_create(
                [MatchRunChunk(run=run, index=i, standards=g) for i, g in enumerate(groups)], ignore_conflicts=True
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
            result = match_standards(chunk.standards, matcher) if chunk.standards else merge_results([])
        MatchRunChunk.objects.filter(pk=chunk.pk).update(
            result=result.dumps(),
            done=True,
            computed_by=worker,
            claimed_by="",
            heartbeat_at=None,
            updated_at=timezone.now(),
        )
    total = chunk.run.chunks_total
    done = MatchRunChunk.objects.filter(run_id=run_id, done=True).count()
    MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING).update(
        progress=0.9 * done / max(total, 1), updated_at=timezone.now()
    )
    return done == total


LIVE_RUN = [MatchRun.Status.QUEUED, MatchRun.Status.RUNNING]


def runs_resume(*, now: datetime | None = None) -> list[tuple[int, str, list[int]]]:
    """Pick up every full run that lost work (see `run_resume`): (run id, what to send, chunk indexes) each."""
    now = now or timezone.now()
    run_ids = MatchRun.objects.filter(kind=MatchRun.Kind.FULL, status__in=LIVE_RUN).values_list("id", flat=True)
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

    Lost: a chunk whose heartbeat stopped for MATCH_CHUNK_LEASE_SECONDS (its process died); a
    prepare or finalize that should have happened by then; or, when the run has shown no sign of
    life for MATCH_RUN_STALL_SECONDS, everything it waits for (messages lost in the broker, or on a
    dead worker before it started them). Work is idempotent: a chunk sent twice is computed once
    more at most, and a second finalize finds the run written.
    """
    now = now or timezone.now()
    # A run whose row is locked is being written this moment (run_finalize holds it): alive.
    run = MatchRun.objects.select_for_update(skip_locked=True).filter(pk=run_id, status__in=LIVE_RUN).first()
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
        if last_sign < stalled:
            lost = [c.index for c in waiting]
        step = "chunks" if lost else ""
    if not step:
        return "", []
    if run.resumes >= settings.MATCH_RUN_MAX_RESUMES:
        run_fail(run_id, f"Lost work {run.resumes} times over; start a new run.")
        return "", []
    MatchRun.objects.filter(pk=run_id).update(resumes=F("resumes") + 1, updated_at=now)
    # Sent again: leased to whoever takes the message next.
    MatchRunChunk.objects.filter(run_id=run_id, index__in=lost, done=False).update(claimed_by="", heartbeat_at=None)
    logger.warning("full run %s lost work: sending %s again %s", run_id, step, lost or "")
    return step, lost


def run_finalize(run_id: int) -> bool:
    """Write a run's results in one transaction, holding the run's row lock; True if this call wrote them.

    If the worker dies while writing, the transaction rolls back and the redelivered task writes
    again; a second finalize waits for the lock, then finds the run finished.
    """
    started = time.perf_counter()
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        chunks = list(run.chunks.all())
        if run.status != MatchRun.Status.RUNNING or len(chunks) != run.chunks_total or not all(c.done for c in chunks):
            return False
        result = merge_results([MatchResult.loads(bytes(c.result)) for c in chunks])
        results_write(run, result, standard_ids=None)
        timings = {k: round(v, 3) for k, v in result.timings.items()}
        timings["write"] = round(time.perf_counter() - started, 3)
        MatchRun.objects.filter(pk=run_id).update(
            status=MatchRun.Status.SUCCEEDED,
            progress=1.0,
            counts=result.counts,
            timings=timings,
            finished_at=timezone.now(),
        )
    run.chunks.update(result=None)  # written: the intermediate results can go
    return True


def run_fail(run_id: int, error: str) -> None:
    """Mark a run failed, keeping the previous suggestions as they were."""
    MatchRun.objects.filter(pk=run_id, status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING]).update(
        status=MatchRun.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


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
        run_fail(run.pk, f"{error.__class__.__name__}: {error}")
        raise
    run.refresh_from_db()
    return run


# --- Incremental re-matching ---------------------------------------------------------------


def rematch_standards(standard_ids: list[int]) -> MatchRun:
    """Re-match the live vacancies of a few standards (after a vacancy or offer changed)."""
    model, matcher = matcher_active()
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
    except Exception as error:
        run_fail(run.pk, f"{error.__class__.__name__}: {error}")
        raise
    timings = {**{k: round(v, 3) for k, v in result.timings.items()}, "write": round(time.perf_counter() - started, 3)}
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.SUCCEEDED,
        progress=1.0,
        counts=result.counts,
        timings=timings,
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


class _Rematch:
    """The one re-match a transaction sends when it commits, however many changes it made."""

    def __init__(self) -> None:
        self.standard_ids: set[int] = set()

    def __call__(self) -> None:
        from matching.tasks import rematch_task

        rematch_task.delay(sorted(self.standard_ids))


def rematch_after_commit(standard_ids: list[int]) -> None:
    """Queue an incremental re-match of these standards once the current transaction commits."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _, callback, *_ in connection.run_on_commit:
            if isinstance(callback, _Rematch):
                callback.standard_ids.update(standard_ids)
                return
    callback = _Rematch()
    callback.standard_ids.update(standard_ids)
    # Robust: with the broker down the change itself is saved and Django logs the error; the change
    # is matched by the next full run hub staff start (nothing re-sends a lost re-match).
    transaction.on_commit(callback, robust=True)


# --- Writing results ------------------------------------------------------------------------

# The key of the PostgreSQL advisory lock that writers of results take turns on (any fixed number).
RESULTS_WRITE_LOCK = 0x4C4352


def _writers_take_turns() -> None:
    """Wait for any other transaction writing results to finish (PostgreSQL; SQLite has one writer).

    Row locks only cover suggestions that exist: a full run and a re-match both adding the same new
    (vacancy, cohort) would each find nothing to lock, and one would fail on the unique constraint.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RESULTS_WRITE_LOCK])


@transaction.atomic
def results_write(run: MatchRun, result: MatchResult, *, standard_ids: list[int] | None) -> None:
    """Swap in a run's suggestions and gaps for its scope (all standards, or these ones).

    Existing open suggestions are locked, then kept (same id) where unchanged, updated with a new
    version where the score or rank moved, and deleted where no longer suggested. Decided ones are
    left alone, and never suggested again.
    """
    _writers_take_turns()
    scope = (
        Suggestion.objects.all()
        if standard_ids is None
        else Suggestion.objects.filter(vacancy__standard_id__in=standard_ids)
    )
    # Locked (in id order), so a decision on one of them waits for the swap instead of being lost in it.
    locked = (
        scope.select_for_update()
        .order_by("id")
        .only("id", "vacancy_id", "cohort_id", "status", "score", "rank", "version")
    )
    existing = {(s.vacancy_id, s.cohort_id): s for s in locked}
    model_version = run.model_version
    wanted: dict[tuple[int, int], dict] = {}
    for k in range(len(result.vacancy_id)):
        key = (int(result.vacancy_id[k]), int(result.cohort_id[k]))
        values = [float(v) for v in result.features[k]]
        contributions = [float(v) for v in result.contributions[k]]
        wanted[key] = {
            "course_offer_id": int(result.offer_id[k]),
            "score": float(result.score[k]),
            "rank": int(result.rank[k]),
            "features": {name: (None if np.isnan(v) else v) for name, v in zip(FEATURES, values, strict=True)},
            "contributions": dict(zip(FEATURES, contributions, strict=True)),
            "model_version": model_version,
        }
    to_create, to_update, to_delete = [], [], []
    for key, suggestion in existing.items():
        if suggestion.status != Suggestion.Status.SUGGESTED:
            wanted.pop(key, None)  # decided: never overwritten, never re-suggested
        elif key not in wanted:
            to_delete.append(suggestion.id)
    for key, values in wanted.items():
        suggestion = existing.get(key)
        if suggestion is None:
            to_create.append((key, values))
        elif abs(suggestion.score - values["score"]) > 1e-9 or suggestion.rank != values["rank"]:
            for field, value in values.items():
                setattr(suggestion, field, value)
            suggestion.version += 1
            suggestion.run = run
            suggestion.updated_at = timezone.now()
            to_update.append(suggestion)
    Suggestion.objects.filter(id__in=to_delete).delete()
    _insert(run, to_create)
    Suggestion.objects.bulk_update(
        to_update,
        [
            "course_offer_id",
            "score",
            "rank",
            "features",
            "contributions",
            "model_version",
            "version",
            "run",
            "updated_at",
        ],
        batch_size=2000,
    )
    gap_scope = Gap.objects.all() if standard_ids is None else Gap.objects.filter(vacancy__standard_id__in=standard_ids)
    gap_scope.delete()
    Gap.objects.bulk_create(
        [
            Gap(vacancy_id=int(v), reason=GAP_CODES[int(r)], run=run)
            for v, r in zip(result.gap_vacancy_id, result.gap_reason, strict=True)
        ],
        batch_size=2000,
    )
    MatchRun.objects.filter(pk=run.pk).update(updated_at=timezone.now())


def _copy_text(value: object) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, dict | list):
        value = json.dumps(value)
    elif isinstance(value, bool):
        value = "t" if value else "f"
    elif hasattr(value, "isoformat"):
        value = value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _insert(run: MatchRun, rows: list[tuple[tuple[int, int], dict]]) -> None:
    """Insert new suggestions ((vacancy, cohort), values); on PostgreSQL with COPY at this size.

    COPY rows are written straight from the values: the columns every new suggestion shares (its
    defaults, timestamps, run) are rendered once, from one model instance, as bulk_create would.
    """
    if connection.vendor != "postgresql" or len(rows) < 1000:
        Suggestion.objects.bulk_create(
            [Suggestion(vacancy_id=key[0], cohort_id=key[1], run=run, **values) for key, values in rows],
            batch_size=2000,
        )
        return
    template = Suggestion(run=run)
    fields = [f for f in Suggestion._meta.concrete_fields if not f.primary_key]
    per_row = {"vacancy_id", "cohort_id", *rows[0][1]}
    shared = {f.attname: _copy_text(f.pre_save(template, add=True)) for f in fields if f.attname not in per_row}
    buffer = io.StringIO()
    for (vacancy_id, cohort_id), values in rows:
        row = {**shared, "vacancy_id": str(vacancy_id), "cohort_id": str(cohort_id)}
        for name, value in values.items():
            row[name] = _copy_text(value)
        buffer.write("\t".join([row[f.attname] for f in fields]) + "\n")
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {Suggestion._meta.db_table} ({columns}) FROM STDIN", buffer)
