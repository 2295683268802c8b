"""Writing a run's results: swapping in its suggestions and gaps, in one transaction, for its scope.

Decided suggestions (approved, rejected, …) are never touched, nor suggested again. New
suggestions go in with PostgreSQL's COPY when there are many (a full run at region size).
"""

import io
import json
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from matching.ml.engine import GAP_CODES, MatchResult
from matching.ml.features import FEATURES
from matching.models import Gap, MatchRun, Suggestion

# The key of the PostgreSQL advisory lock that writers of results take turns on (any fixed number).
RESULTS_WRITE_LOCK = 0x4C4352
# What a run changes on a suggestion it keeps suggesting.
UPDATED_FIELDS = [
    "course_offer_id",
    "score",
    "rank",
    "features",
    "contributions",
    "model_version",
    "version",
    "run",
    "updated_at",
]
BATCH_SIZE = 2000
COPY_FROM_ROWS = 1000  # fewer new suggestions than this go in with bulk_create

Key = tuple[int, int]  # (vacancy id, cohort id): one suggestion at most for each


@dataclass
class Written:
    """What a write changed: the vacancies whose open suggestions changed, and whether any it
    updated or deleted carried a pledge (three-way matching then has to look again)."""

    vacancy_ids: set[int] = field(default_factory=set)
    pledge_moved: bool = False


@transaction.atomic
def results_write(
    run: MatchRun, result: MatchResult, *, standard_ids: list[int] | None, vacancy_ids: list[int] | None = None
) -> Written:
    """Swap in a run's suggestions and gaps for its scope (all standards, or these ones; or only these
    vacancies, for a re-match of one vacancy's part of a standard).

    Existing open suggestions are locked, then kept (same id) where unchanged, updated with a new
    version where the score or rank moved, and deleted where no longer suggested. Decided ones are
    left alone, and never suggested again.
    """
    writers_take_turns()
    existing = _suggestions_locked(standard_ids, vacancy_ids)
    wanted = _suggestions_wanted(result, model_version=run.model_version)
    to_create, to_update, to_delete = _changes(existing, wanted, run=run)
    Suggestion.objects.filter(id__in=to_delete).delete()
    _insert(run, to_create)
    Suggestion.objects.bulk_update(to_update, UPDATED_FIELDS, batch_size=BATCH_SIZE)
    _gaps_replace(run, result, standard_ids=standard_ids, vacancy_ids=vacancy_ids)
    MatchRun.objects.filter(pk=run.pk).update(updated_at=timezone.now())
    deleted = set(to_delete)
    gone = [s for s in existing.values() if s.id in deleted]
    return Written(
        vacancy_ids={key[0] for key, _ in to_create} | {s.vacancy_id for s in [*to_update, *gone]},
        pledge_moved=any(s.pledge_id is not None for s in [*to_update, *gone]),
    )


def writers_take_turns() -> None:
    """Wait for any other transaction writing results to finish (PostgreSQL; SQLite has one writer).

    Row locks only cover suggestions that exist: a full run and a re-match both adding the same new
    (vacancy, cohort) would each find nothing to lock, and one would fail on the unique constraint.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RESULTS_WRITE_LOCK])


def _suggestions_locked(standard_ids: list[int] | None, vacancy_ids: list[int] | None = None) -> dict[Key, Suggestion]:
    """Every suggestion in scope, decided or not, row-locked.

    Locked (in id order), so a decision on one of them waits for the swap instead of being lost in it.
    """
    scope = (
        Suggestion.objects.all()
        if standard_ids is None
        else Suggestion.objects.filter(vacancy__standard_id__in=standard_ids)
    )
    if vacancy_ids is not None:
        scope = scope.filter(vacancy_id__in=vacancy_ids)
    locked = (
        scope.select_for_update()
        .order_by("id")
        .only("id", "vacancy_id", "cohort_id", "status", "score", "rank", "version", "pledge_id")
    )
    return {(s.vacancy_id, s.cohort_id): s for s in locked}


def _suggestions_wanted(result: MatchResult, *, model_version: str) -> dict[Key, dict]:
    """The run's suggestions as field values, by (vacancy, cohort)."""
    wanted: dict[Key, dict] = {}
    for k in range(len(result.vacancy_id)):
        values = [float(v) for v in result.features[k]]
        contributions = [float(v) for v in result.contributions[k]]
        wanted[(int(result.vacancy_id[k]), int(result.cohort_id[k]))] = {
            "course_offer_id": int(result.offer_id[k]),
            "score": float(result.score[k]),
            "rank": int(result.rank[k]),
            "features": {name: (None if np.isnan(v) else v) for name, v in zip(FEATURES, values, strict=True)},
            "contributions": dict(zip(FEATURES, contributions, strict=True)),
            "model_version": model_version,
        }
    return wanted


def _changes(
    existing: dict[Key, Suggestion], wanted: dict[Key, dict], *, run: MatchRun
) -> tuple[list[tuple[Key, dict]], list[Suggestion], list[int]]:
    """(to create, to update, ids to delete): what turns the suggestions there are into those wanted."""
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
    return to_create, to_update, to_delete


def _gaps_replace(
    run: MatchRun, result: MatchResult, *, standard_ids: list[int] | None, vacancy_ids: list[int] | None
) -> None:
    """The run's gaps in place of those there were in its scope."""
    scope = Gap.objects.all() if standard_ids is None else Gap.objects.filter(vacancy__standard_id__in=standard_ids)
    if vacancy_ids is not None:
        scope = scope.filter(vacancy_id__in=vacancy_ids)
    scope.delete()
    Gap.objects.bulk_create(
        [
            Gap(vacancy_id=int(v), reason=GAP_CODES[int(r)], run=run)
            for v, r in zip(result.gap_vacancy_id, result.gap_reason, strict=True)
        ],
        batch_size=BATCH_SIZE,
    )


def _insert(run: MatchRun, rows: list[tuple[Key, dict]]) -> None:
    """Insert new suggestions ((vacancy, cohort), values); on PostgreSQL with COPY at this size."""
    if connection.vendor != "postgresql" or len(rows) < COPY_FROM_ROWS:
        Suggestion.objects.bulk_create(
            [Suggestion(vacancy_id=key[0], cohort_id=key[1], run=run, **values) for key, values in rows],
            batch_size=BATCH_SIZE,
        )
        return
    fields = [f for f in Suggestion._meta.concrete_fields if not f.primary_key]
    buffer = _copy_rows(run, rows, fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {Suggestion._meta.db_table} ({columns}) FROM STDIN", buffer)


def _copy_rows(run: MatchRun, rows: list[tuple[Key, dict]], fields: list) -> io.StringIO:
    """The rows in COPY's text format, written straight from the values.

    The columns every new suggestion shares (its defaults, timestamps, run) are rendered once, from
    one model instance, as bulk_create would.
    """
    template = Suggestion(run=run)
    per_row = {"vacancy_id", "cohort_id", *rows[0][1]}
    shared = {f.attname: _copy_text(f.pre_save(template, add=True)) for f in fields if f.attname not in per_row}
    buffer = io.StringIO()
    for (vacancy_id, cohort_id), values in rows:
        row = {**shared, "vacancy_id": str(vacancy_id), "cohort_id": str(cohort_id)}
        for name, value in values.items():
            row[name] = _copy_text(value)
        buffer.write("\t".join([row[f.attname] for f in fields]) + "\n")
    buffer.seek(0)
    return buffer


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
