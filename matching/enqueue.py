"""The one place that queues matching's background work on Celery.

Work is queued by task name through the Celery app's registry (`app.signature(name)`), so the
services that queue it never import the tasks that call them, and the embedded default still runs
it in this process (eager mode; `send_task` would skip the registry and never run it). A change
queues its work once its transaction commits, and never when it rolls back.
"""

import threading
import weakref
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, transaction

from lcr_skills.celery import app

# The tasks' names (their `name=` in matching.tasks): queued messages carry them, so they never change.
RUN_PREPARE = "matching.run_prepare"
CHUNK = "matching.chunk"
FINALIZE = "matching.finalize"
REMATCH = "matching.rematch"
REMATCH_VACANCIES = "matching.rematch_vacancies"
INTRODUCTION_SEND = "matching.introduction_send"
INTRODUCTION_ENDED_SEND = "matching.introduction_ended_send"
AGREED_MATCH_KEPT_SEND = "matching.agreed_match_kept_send"
INTRODUCTION_REQUEST_ANSWER_SEND = "matching.introduction_request_answer_send"
RESUME_STALLED = "matching.resume_stalled"


def send(task: str, *args: object, **options: object) -> None:
    """Queue a task now, by name (options as for `apply_async`, e.g. `expires`)."""
    app.signature(task, args=args).apply_async(**options)


def after_commit(task: str, *args: object) -> None:
    """Queue a task once the current transaction commits (at once outside one).

    Robust: with the broker down the change itself is saved and Django logs the error; what each
    task does about that is said where it is queued.
    """
    transaction.on_commit(lambda: send(task, *args), robust=True)


# --- One re-match per transaction ----------------------------------------------------------------


class _Rematch:
    """What one transaction changed: re-matched together, once, when it commits. Standards changed as
    a whole (an offer, say) are re-matched whole, and that covers their changed vacancies; the
    vacancies changed in other standards are re-matched one by one (matching.services.rematch)."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.standard_ids: set[int] = set()
        # vacancy id -> (its standard, what it was before a change in place: the first change's)
        self.vacancies: dict[int, tuple[int, dict | None]] = {}

    def __call__(self) -> None:
        if _open.batches.get(self.using) is self:
            del _open.batches[self.using]  # committed: a later change starts a batch of its own
        alone = [[v, before] for v, (s, before) in sorted(self.vacancies.items()) if s not in self.standard_ids]
        if self.standard_ids:
            send(REMATCH, sorted(self.standard_ids))
        if alone:
            send(REMATCH_VACANCIES, alone)


class _Open(threading.local):
    """Each thread's open batch per database (Django's connections, and so transactions, are per thread).

    Weakly held: Django's list of commit callbacks holds the only strong reference to a batch, so
    when its transaction (or the savepoint it began in) rolls back, Django drops the callback and
    the batch goes with it, and the next change starts a new one.
    """

    def __init__(self) -> None:
        self.batches: weakref.WeakValueDictionary[str, _Rematch] = weakref.WeakValueDictionary()


_open = _Open()


def rematch_after_commit(standard_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Queue an incremental re-match of these standards once the current transaction commits: one
    re-match per transaction, for every standard it changed; nothing if it rolls back.

    Robust: with the broker down the change itself is saved and Django logs the error; the change
    is matched by the next full run hub staff start (nothing re-sends a lost re-match).
    """
    batch, fresh = _batch(using)
    batch.standard_ids.update(standard_ids)
    if fresh:
        transaction.on_commit(batch, using=using, robust=True)  # at once outside a transaction


def rematch_vacancy_after_commit(
    vacancy_id: int, *, standard_id: int, before: dict | None = None, using: str = DEFAULT_DB_ALIAS
) -> None:
    """Queue an incremental re-match of one vacancy (of this standard) once the current transaction
    commits, with the rest of the transaction's changes; `before`: its positions and notes before a
    change in place. Robust as `rematch_after_commit`."""
    batch, fresh = _batch(using)
    if vacancy_id in batch.vacancies:
        _, first = batch.vacancies[vacancy_id]  # matched before this transaction: as it was then
        before = {**(before or {}), **(first or {})} or None
    batch.vacancies[vacancy_id] = (standard_id, before)
    if fresh:
        transaction.on_commit(batch, using=using, robust=True)


def rematch_vacancy_held(vacancy_id: int, *, standard_id: int, cohort_id: int, score: float) -> None:
    """Tell the vacancy's re-match which rank 1 it held (cohort, score) when it left the market: its
    suggestions go at once (matching.services.decisions.introductions_end), and the re-match gives
    those places to whoever should have them."""
    rematch_vacancy_after_commit(vacancy_id, standard_id=standard_id, before={"held": [cohort_id, score]})


def _batch(using: str) -> tuple[_Rematch, bool]:
    """The current transaction's batch, and whether this change starts it (and must hook it to the commit)."""
    batch = _open.batches.get(using)
    if batch is not None:
        return batch, False
    batch = _Rematch(using)
    _open.batches[using] = batch
    return batch, True
