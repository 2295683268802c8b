"""Writing a run's results: swapping in its suggestions and gaps, in one transaction, for its scope.

Decided suggestions (approved, rejected, …) are never touched, nor suggested again. New
suggestions go in with PostgreSQL's COPY when there are many (a full run at region size).

A full run writes in two steps, so that the costly part runs in parallel: each chunk stages its
suggestions (`results_stage`, in the chunk's own task and transaction, on whichever worker computed
it), and `results_swap` then turns the suggestions there are into the staged ones with three
set-based statements (delete, update, insert only what differs), in the one transaction that makes
the run visible. Until then staged rows are seen by nobody; a run that fails leaves the suggestions
as they were.
"""

import io
import json
import logging
from dataclasses import dataclass, field

import numpy as np
from django.db import DatabaseError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from apprenticeships.models import Cohort, Standard
from matching.ml.engine import GAP_CODES, MatchResult
from matching.ml.features import FEATURES
from matching.models import CohortPrice, Gap, MatchRun, MatchRunChunk, StagedSuggestion, StandardSlack, Suggestion

logger = logging.getLogger(__name__)

# A suggestion whose score changed by more than this (or whose rank changed) moved: it is written again.
SCORE_MOVED = 1e-9
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
    prices_write(run, result)
    MatchRun.objects.filter(pk=run.pk).update(updated_at=timezone.now())
    deleted = set(to_delete)
    gone = [s for s in existing.values() if s.id in deleted]
    return Written(
        vacancy_ids={key[0] for key, _ in to_create} | {s.vacancy_id for s in [*to_update, *gone]},
        pledge_moved=any(s.pledge_id is not None for s in [*to_update, *gone]),
    )


def prices_write(run: MatchRun, result: MatchResult) -> None:
    """Keep the cohort prices the result's allocation found (those of cohorts since deleted are dropped),
    and the slack it left in each standard it solved whole."""
    price = dict(zip(result.price_cohort_id.astype(np.int64).tolist(), result.price.tolist(), strict=True))
    # Only the prices that moved are written: most stay as they were from one run to the next (0 for
    # every cohort nobody competes for), and writing all of a region's cost a full run 1.5 s.
    for cohort_id, known in _rows_with(CohortPrice.objects.all(), "cohort_id", list(price), "price"):
        if price[cohort_id] == known:
            del price[cohort_id]
    existing = [cohort_id for (cohort_id,) in _rows_with(Cohort.objects.all(), "id", list(price))]
    CohortPrice.objects.bulk_create(
        [CohortPrice(cohort_id=cohort_id, price=price[cohort_id]) for cohort_id in existing],
        update_conflicts=True,
        unique_fields=["cohort"],
        update_fields=["price"],
        batch_size=BATCH_SIZE,
    )
    # A whole solve of a standard: its slack starts again from what this solve left, unless it was
    # forgotten since the run began (the solve read a market or scores that have changed since).
    standard_ids = result.slack_standard_id.astype(np.int64).tolist()
    solved = dict(zip(standard_ids, zip(result.slack.tolist(), result.slack_bound.tolist(), strict=True), strict=True))
    forgotten = StandardSlack.objects.filter(standard_id__in=standard_ids, forgotten_at__gte=run.created_at)
    keep = set(Standard.objects.filter(id__in=standard_ids).values_list("id", flat=True))
    keep -= set(forgotten.values_list("standard_id", flat=True))
    rows = []
    for i in sorted(keep):
        slack, bound = solved[i]
        rows.append(StandardSlack(standard_id=i, slack=slack, recorded=slack, bound=bound, forgotten_at=None))
    StandardSlack.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["standard"],
        update_fields=["slack", "recorded", "bound", "forgotten_at"],
        batch_size=BATCH_SIZE,
    )


# More ids than this are looked up by reading the whole table, not sent as an IN list: a region's
# 40,000 cohorts took 0.35 s as a list and 0.03 s as a scan.
IN_LIST_MAX = 1000


def _rows_with(queryset: QuerySet, key: str, ids: list[int], *fields: str) -> list[tuple]:
    """(key, *fields) of the queryset's rows whose `key` is one of `ids`."""
    if len(ids) <= IN_LIST_MAX:
        return list(queryset.filter(**{f"{key}__in": ids}).values_list(key, *fields))
    wanted = set(ids)
    return [row for row in queryset.values_list(key, *fields).iterator(chunk_size=10 * BATCH_SIZE) if row[0] in wanted]


def cohort_prices(standard_id: int) -> dict[int, float]:
    """The stored capacity prices of the standard's cohorts (those never priced are missing); by a join
    on the standard, not a list of thousands of ids (which took Django longer to compile than to run)."""
    rows = CohortPrice.objects.filter(cohort__offer__standard_id=standard_id)
    return dict(rows.values_list("cohort_id", "price"))


def slack_moved(standard_id: int, moved: float, *, bound_moved: float = 0.0, recorded: bool = False) -> None:
    """Add what a re-match moved D(p) - total by to the standard's slack, and D(p) by to its bound (and
    the slack to what it may reach, for a component solved whole: its shortfall is recorded as a run's is)."""
    change = {
        "slack": F("slack") + moved,
        "bound": F("bound") + bound_moved,
        **({"recorded": F("recorded") + moved} if recorded else {}),
    }
    StandardSlack.objects.filter(standard_id=standard_id, slack__isnull=False).update(**change)


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
        elif abs(suggestion.score - values["score"]) > SCORE_MOVED or suggestion.rank != values["rank"]:
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


# --- A full run's suggestions: staged by each chunk, swapped in at the end --------------------

# The staged columns a suggestion takes as they are (the rest come from the run, or are defaults).
STAGED_FIELDS = ["vacancy_id", "cohort_id", "course_offer_id", "score", "rank", "features", "contributions"]


def results_stage(run: MatchRun, chunk: int, result: MatchResult, *, standard_ids: list[int]) -> None:
    """Stage one chunk's suggestions (for these standards) for the run's swap, in place of any an
    earlier try of the chunk staged.

    Every suggestion is staged, but its features and contributions only where no open suggestion
    has its pair, score and rank already: on an unchanged market a run stages little more than keys.
    The caller holds the chunk's row lock, so two tries of one chunk stage one after the other.
    """
    StagedSuggestion.objects.filter(run=run, chunk=chunk).delete()
    if not len(result.vacancy_id):
        return
    explained = ~_unchanged(result, standard_ids)
    features = _json_objects(result.features, explained)
    contributions = _json_objects(result.contributions, explained)
    rows = zip(
        result.vacancy_id.tolist(),
        result.cohort_id.tolist(),
        result.offer_id.tolist(),
        result.score.tolist(),
        result.rank.tolist(),
        features,
        contributions,
        strict=True,
    )
    if connection.vendor != "postgresql":
        StagedSuggestion.objects.bulk_create(
            [
                StagedSuggestion(
                    run=run,
                    chunk=chunk,
                    **dict(zip(STAGED_FIELDS, [v, c, o, score, rank], strict=False)),
                    features=json.loads(f) if f else None,  # left out (unchanged): null, as COPY writes it
                    contributions=json.loads(k) if k else None,
                )
                for v, c, o, score, rank, f, k in rows
            ],
            batch_size=BATCH_SIZE,
        )
        return
    head, stamp = f"{run.pk}\t{chunk}\t", timezone.now().isoformat()
    buffer = io.StringIO()
    for v, c, o, score, rank, f, k in rows:  # ids, floats and this JSON need no escaping
        buffer.write(f"{head}{v}\t{c}\t{o}\t{score!r}\t{rank}\t{f or NULL}\t{k or NULL}\t{stamp}\t{stamp}\n")
    buffer.seek(0)
    columns = ", ".join(map(connection.ops.quote_name, ["run_id", "chunk", *STAGED_FIELDS, "created_at", "updated_at"]))
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {StagedSuggestion._meta.db_table} ({columns}) FROM STDIN", buffer)


NULL = "\\N"  # in COPY's text format
# An open suggestion s moved from the staged t (as _changes tells one for results_write).
MOVED = f'abs(s."score" - t."score") > {SCORE_MOVED} OR s."rank" <> t."rank"'


def _unchanged(result: MatchResult, standard_ids: list[int]) -> np.ndarray:
    """For each of the result's suggestions, whether an open suggestion has its pair, score and rank already
    (as the swap tells an unchanged one)."""
    seen = list(
        Suggestion.objects.filter(status=Suggestion.Status.SUGGESTED, vacancy__standard_id__in=standard_ids)
        .order_by()
        .values_list("vacancy_id", "cohort_id", "score", "rank")
    )
    if not seen:
        return np.zeros(len(result.vacancy_id), dtype=bool)
    vacancy, cohort, score, rank = (np.array(column) for column in zip(*seen, strict=True))
    keys = _pair_keys(vacancy, cohort)
    order = np.argsort(keys)
    wanted = _pair_keys(result.vacancy_id, result.cohort_id)
    at = order[np.minimum(np.searchsorted(keys[order], wanted), len(keys) - 1)]
    return (keys[at] == wanted) & ~(np.abs(score[at] - result.score) > SCORE_MOVED) & (rank[at] == result.rank)


def _pair_keys(vacancy_id: np.ndarray, cohort_id: np.ndarray) -> np.ndarray:
    """One int64 per (vacancy id, cohort id) pair (ids below 2**32)."""
    return (vacancy_id.astype(np.int64) << 32) | cohort_id.astype(np.int64)


# One JSON object of every feature, by name. 17 significant digits read back as the same float (as
# repr's shortest text does), and one format of the whole row takes two thirds of the time of a
# repr per value: a region's full run formats 3 million.
_FEATURES_OBJECT = "{" + ", ".join(f'"{name}": %.17g' for name in FEATURES) + "}"


def _json_objects(matrix: np.ndarray, wanted: np.ndarray) -> list[str]:
    """Each wanted row of a suggestions × FEATURES matrix as a JSON object, NaN (unknown) as null; the others as ""."""
    return [
        (_FEATURES_OBJECT % tuple(row)).replace(": nan", ": null") if keep else ""
        for row, keep in zip(matrix.tolist(), wanted.tolist(), strict=True)
    ]


@transaction.atomic
def results_swap(run: MatchRun, result: MatchResult) -> None:
    """Make a full run's staged suggestions the suggestions open for review, and its gaps the gaps.

    Open suggestions the run did not stage are deleted; those whose score or rank moved are updated
    with a new version; unchanged ones are left alone (not even locked: nothing here writes them);
    staged pairs with no suggestion yet are inserted. The rows to change are locked first, in id
    order, as `results_write` locks its scope. Decided ones are never touched, nor suggested again.
    """
    writers_take_turns()
    _staged_analyze()
    _staged_explain_changed_meanwhile(run)
    changing = _staged_changes_locked(run)
    Suggestion.objects.filter(id__in=[pk for pk, staged in changing if not staged]).delete()
    now = timezone.now()
    _staged_update(run, now)
    _staged_insert(run, now)
    _gaps_replace(run, result, standard_ids=None, vacancy_ids=None)
    prices_write(run, result)
    MatchRun.objects.filter(pk=run.pk).update(updated_at=now)


def _staged_analyze() -> None:
    """Fresh statistics of the staged rows' run ids, before the swap joins them (PostgreSQL).

    A run stages rows under an id newer than any the table's statistics have seen, so the planner took
    them for one row and joined them by nested loops: when autovacuum had analysed the table while an
    earlier run's rows were staged, a region's swap ran for minutes instead of seconds. A sample of
    3,000 rows of the one column takes about 50 ms."""
    if connection.vendor != "postgresql":
        return
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL default_statistics_target = 10")  # 300 × 10 rows sampled
        cursor.execute(f"ANALYZE {q(StagedSuggestion._meta.db_table)} ({q('run_id')})")
        cursor.execute("SET LOCAL default_statistics_target TO DEFAULT")


# When autovacuum analyses a table: once this many of its rows changed since the last analysis, plus this
# share of the rows it had (PostgreSQL's defaults for autovacuum_analyze_threshold and
# autovacuum_analyze_scale_factor: https://www.postgresql.org/docs/current/routine-vacuuming.html#AUTOVACUUM).
ANALYZE_THRESHOLD = 50
ANALYZE_SCALE_FACTOR = 0.1


def _suggestions_live_and_counted() -> tuple[int, int]:
    """(the live suggestions the statistics views report, the rows the planner counts: 0 if never analysed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.n_live_tup, c.reltuples FROM pg_stat_user_tables AS s "
            "JOIN pg_class AS c ON c.oid = s.relid WHERE s.relid = %s::regclass",
            [Suggestion._meta.db_table],
        )
        live, counted = cursor.fetchone() or (0, 0)
    return live, max(round(counted), 0)  # reltuples -1: never analysed


def suggestions_statistics_refresh() -> bool:
    """Analyse the suggestions' pair and status columns if the rows the planner counts (`reltuples`) are further
    from the rows there are (`n_live_tup`) than autovacuum lets changes pass (PostgreSQL); True if it did.

    A full run reads the open suggestions by pair and status in every chunk and joins them in its swap. When the
    statistics were taken while the table was nearly empty (the first run after a wipe, a run started within
    autovacuum's minute of a large one, or a database with autovacuum off), the planner takes 143,763 rows for a
    few and joins them by nested loops: the swap's first statement ran for minutes on the bench. Analysing the
    three columns takes about 0.2 s and sets `reltuples`, so the next run does not again. (A column list does not
    reset `n_mod_since_analyze`, so that counter can't say it is stale.) The live count reaches the statistics
    views when the writers' connections report it, up to seconds after they commit."""
    if connection.vendor != "postgresql":
        return False
    table = Suggestion._meta.db_table
    live, counted = _suggestions_live_and_counted()
    if abs(live - counted) <= ANALYZE_THRESHOLD + ANALYZE_SCALE_FACTOR * counted:
        return False
    with connection.cursor() as cursor:
        q = connection.ops.quote_name
        try:
            with transaction.atomic():  # a savepoint inside a caller's transaction, which a failure leaves usable
                cursor.execute(f"ANALYZE {q(table)} ({q('vacancy_id')}, {q('cohort_id')}, {q('status')})")
        except DatabaseError:  # only the plans suffer: the run goes on
            logger.warning("suggestions' statistics not refreshed", exc_info=True)
            return False
    logger.info("suggestions' statistics refreshed: %s rows counted, %s there", round(counted), live)
    return True


def _staged_explain_changed_meanwhile(run: MatchRun) -> None:
    """Fill in the features and contributions the chunks left out of a staged suggestion that the swap
    will write after all (its open suggestion changed or went since the chunk looked), from the chunk's result."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.{q('id')}, t.{q('chunk')}, t.{q('vacancy_id')}, t.{q('cohort_id')} "  # noqa: S608 - names from the models  # nosec B608
            f"FROM {q(StagedSuggestion._meta.db_table)} AS t LEFT JOIN {q(Suggestion._meta.db_table)} AS s "
            f"ON s.{q('vacancy_id')} = t.{q('vacancy_id')} AND s.{q('cohort_id')} = t.{q('cohort_id')} "
            f"WHERE t.{q('run_id')} = %s AND t.{q('features')} IS NULL AND (s.{q('id')} IS NULL OR "
            f"(s.{q('status')} = %s AND ({MOVED})))",
            [run.pk, Suggestion.Status.SUGGESTED],
        )
        missing = cursor.fetchall()
    for index in sorted({chunk for _, chunk, _, _ in missing}):
        result = MatchResult.loads(bytes(MatchRunChunk.objects.get(run=run, index=index).result))
        row = {key: k for k, key in enumerate(zip(result.vacancy_id.tolist(), result.cohort_id.tolist(), strict=True))}
        for pk, _, vacancy_id, cohort_id in (m for m in missing if m[1] == index):
            k = row[(vacancy_id, cohort_id)]
            features, contributions = (
                _json_objects(m[[k]], np.ones(1, dtype=bool))[0] for m in (result.features, result.contributions)
            )
            StagedSuggestion.objects.filter(pk=pk).update(
                features=json.loads(features), contributions=json.loads(contributions)
            )


def _staged_changes_locked(run: MatchRun) -> list[tuple[int, bool]]:
    """(id, whether the run staged its pair) of each open suggestion the swap deletes or updates, row-locked."""
    q = connection.ops.quote_name
    lock = " FOR UPDATE OF s" if connection.features.has_select_for_update_of else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.{q('id')}, t.{q('id')} IS NOT NULL FROM {q(Suggestion._meta.db_table)} AS s "  # noqa: S608 - names from the models  # nosec B608
            f"LEFT JOIN {q(StagedSuggestion._meta.db_table)} AS t ON t.{q('run_id')} = %s "
            f"AND t.{q('vacancy_id')} = s.{q('vacancy_id')} AND t.{q('cohort_id')} = s.{q('cohort_id')} "
            f"WHERE s.{q('status')} = %s AND (t.{q('id')} IS NULL OR {MOVED}) ORDER BY s.{q('id')}{lock}",
            [run.pk, Suggestion.Status.SUGGESTED],
        )
        return [(pk, bool(staged)) for pk, staged in cursor.fetchall()]


def _staged_update(run: MatchRun, now: object) -> None:
    """Open suggestions whose score or rank moved take the staged values and a new version."""
    q = connection.ops.quote_name
    taken = ", ".join(f"{q(name)} = t.{q(name)}" for name in STAGED_FIELDS[2:])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {q(Suggestion._meta.db_table)} AS s SET {taken}, {q('model_version')} = %s, "  # noqa: S608 - names from the models  # nosec B608
            f"{q('version')} = s.{q('version')} + 1, {q('run_id')} = %s, {q('updated_at')} = %s "
            f"FROM {q(StagedSuggestion._meta.db_table)} AS t "
            f"WHERE t.{q('run_id')} = %s AND s.{q('vacancy_id')} = t.{q('vacancy_id')} "
            f"AND s.{q('cohort_id')} = t.{q('cohort_id')} AND s.{q('status')} = %s "
            f"AND ({MOVED})",
            [run.model_version, run.pk, now, run.pk, Suggestion.Status.SUGGESTED],
        )


def _staged_insert(run: MatchRun, now: object) -> None:
    """Staged pairs with no suggestion (open or decided) become new suggestions, with the run's defaults."""
    q = connection.ops.quote_name
    template = Suggestion(run=run, model_version=run.model_version, created_at=now, updated_at=now)
    columns, values, params = [], [], []
    for f in Suggestion._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(q(f.column))
        if f.attname in STAGED_FIELDS:
            values.append(f"t.{q(f.attname)}")
        else:
            values.append("%s")
            params.append(f.get_db_prep_save(getattr(template, f.attname), connection))
    table = q(Suggestion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "  # noqa: S608 - names from the models  # nosec B608
            f"FROM {q(StagedSuggestion._meta.db_table)} AS t WHERE t.{q('run_id')} = %s AND NOT EXISTS "
            f"(SELECT 1 FROM {table} AS s WHERE s.{q('vacancy_id')} = t.{q('vacancy_id')} "
            f"AND s.{q('cohort_id')} = t.{q('cohort_id')}) ORDER BY t.{q('vacancy_id')}, t.{q('rank')}",
            [*params, run.pk],
        )
