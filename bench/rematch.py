"""Benchmark re-matching one vacancy (not a test): the incremental path against today's whole-standard re-match.

    python bench/rematch.py [--vacancies 50000] [--offers 20000] [--reps 3] [--no-full-run]

Uses its own PostgreSQL database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/lcr_bench_rematch,
created if missing), fills it with bench.common's synthetic market and matches it in full (as the
region would be), then, in the biggest standard and one of median size, changes one vacancy at a
time (a new live vacancy; a live one changed in place: more positions and new notes; one holding a
rank 1 closed; a new one just after the hub approved a suggestion in another standard) and
re-matches it by `vacancy_rematch` (matching.services.rematch), then re-matches
the whole standard as every change did before (`rematch_standards`), in the same run, side by side.
The whole re-match starts from what the single one wrote, so it checks it: the same rank-1 total
(printed) and no suggestion row left to change. (It writes almost nothing, so its time here is a
little under what it takes after a real change: the ratios are if anything understated.)
"""

import argparse
import os
import random
import statistics
import subprocess
import time
from datetime import timedelta

import bench_setup  # noqa: F401 - puts the project on sys.path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lcr_bench_rematch")

from bench.common import clear_market, generate_market, prepare_database  # noqa: E402

SCENARIOS = ["new", "changed", "closed", "approved"]


def ensure_database() -> None:
    from urllib.parse import urlparse

    url = urlparse(os.environ["DATABASE_URL"])
    if url.scheme.startswith("postgres"):
        subprocess.run(  # noqa: S603, S607 - createdb from the PostgreSQL client, fixed arguments
            ["createdb", "-h", url.hostname or "127.0.0.1", "-U", url.username or "postgres", url.path.lstrip("/")],
            capture_output=True,
        )


def rank1_total(standard_id: int) -> float:
    from django.db.models import Sum

    from matching.models import Suggestion

    rows = Suggestion.objects.filter(vacancy__standard_id=standard_id, status=Suggestion.Status.SUGGESTED, rank=1)
    return float(rows.aggregate(total=Sum("score"))["total"] or 0.0)


def snapshot(standard_id: int) -> set[tuple]:
    from matching.models import Suggestion

    return set(
        Suggestion.objects.filter(vacancy__standard_id=standard_id).values_list(
            "id", "vacancy_id", "cohort_id", "rank", "score", "version"
        )
    )


def approve_elsewhere(measured: list[int]) -> None:
    """The hub approves a rank-1 suggestion in a standard not measured (every provider's share of approvals is a
    feature: until the shares were kept per full run, this sent every standard's contested changes to the
    slow path)."""
    from django.contrib.auth.models import User

    from matching.models import Suggestion
    from matching.services import suggestion_approve

    hub, _ = User.objects.get_or_create(username="rematch-bench-hub")
    suggestion = (
        Suggestion.objects.filter(rank=1, status=Suggestion.Status.SUGGESTED, vacancy__status="live")
        .exclude(vacancy__standard_id__in=measured)
        .order_by("?")
        .first()
    )
    suggestion_approve(suggestion.pk, by=hub, version=suggestion.version)


def change(scenario: str, standard_id: int, rng: random.Random, measured: list[int]) -> tuple[int, dict | None]:
    """Make one change to a vacancy of the standard; (its id, what it was before a change in place)."""
    from django.utils import timezone

    from apprenticeships.models import Vacancy
    from matching.models import Suggestion

    live = Vacancy.objects.filter(standard_id=standard_id, status=Vacancy.Status.LIVE)
    if scenario == "approved":
        approve_elsewhere(measured)
    if scenario in ("new", "approved"):
        model = live.order_by("?").first()
        model.pk = None
        model.start_date = timezone.localdate() + timedelta(days=rng.randint(30, 180))
        model.positions = rng.choice([1, 1, 1, 2, 3])
        model.save()
        return model.pk, None
    holders = Suggestion.objects.filter(
        vacancy__standard_id=standard_id, vacancy__status=Vacancy.Status.LIVE, rank=1, status="suggested"
    ).values_list("vacancy_id", flat=True)
    vacancy = Vacancy.objects.get(pk=rng.choice(sorted(holders)))
    if scenario == "changed":
        before = {"positions": vacancy.positions, "notes": vacancy.notes}
        vacancy.positions += 1
        vacancy.notes = "Python and web applications; laptop provided."
        vacancy.save(update_fields=["positions", "notes", "updated_at"])
        return vacancy.pk, before
    vacancy.status = Vacancy.Status.CLOSED
    vacancy.save(update_fields=["status", "updated_at"])
    return vacancy.pk, None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vacancies", type=int, default=50_000)
    parser.add_argument("--offers", type=int, default=20_000)
    parser.add_argument("--reps", type=int, default=3, help="changes of each kind in each standard")
    parser.add_argument("--no-full-run", action="store_true", help="match only the two standards first")
    args = parser.parse_args()

    ensure_database()
    prepare_database()
    from django.db import connection

    from matching.services import matcher_active_ensure, rematch_standards, run_full_now, vacancy_rematch
    from matching.services.market import standards_with_live_vacancies

    clear_market()
    sizes = generate_market(args.vacancies, args.offers)
    print(f"database: {connection.vendor}")
    print(f"market: {sizes['vacancies']:,} live vacancies, {sizes['offers']:,} offers, {sizes['cohorts']:,} cohorts")
    matcher_active_ensure()
    live = standards_with_live_vacancies()
    standards = {"biggest": live[0], "median": live[len(live) // 2]}
    if args.no_full_run:
        for standard_id, _ in standards.values():
            rematch_standards([standard_id])
    else:
        started = time.perf_counter()
        run = run_full_now()
        print(f"full match first: {run.counts['suggestions']:,} suggestions in {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql":
        # The planner's statistics as autovacuum keeps them in a region that has been running: fresh from
        # the bulk load and the full match, the table looks empty to it and a few lookups scan it instead.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # Nothing here plans journeys: the synthetic market has none cached, and a full run at this size
    # plans none (it asks for compute_travel_times), so its stored scores have no travel times. A
    # re-match would plan those of the few vacancies it reads, and their scores would then differ from
    # the stored ones, which is not a region's state once compute_travel_times has filled the cache.
    from matching.services import travel

    travel.PLAN_IN_RUN_MAX = 0
    rng = random.Random(2026)  # noqa: S311 - benchmark data
    print(
        "\none vacancy re-matched: the new path (vacancy_rematch) and today's whole-standard re-match, "
        f"median of {args.reps} changes each"
    )
    header = (
        f"{'standard':<22} {'change':<8} {'path':<16} {'new path s':>10} {'whole s':>8} {'ratio':>7} "
        f"{'rank-1 total (new / whole)':>30} {'same':>5}"
    )
    print(header)
    print("-" * len(header))
    for label, (standard_id, n) in standards.items():
        for scenario in SCENARIOS:
            fast, slow, paths, totals, same, steps, differ = [], [], [], [], True, [], []
            for _ in range(args.reps):
                vacancy_id, before = change(scenario, standard_id, rng, [i for i, _ in standards.values()])
                t0 = time.perf_counter()
                run = vacancy_rematch(vacancy_id, before=before)
                fast.append(time.perf_counter() - t0)
                paths.append(
                    f"{run.counts['path']} {run.counts['vacancies']} {run.counts.get('not_priced', '')}".strip()
                )
                steps.append(run.timings)
                after_one, total_one = snapshot(standard_id), rank1_total(standard_id)
                t0 = time.perf_counter()
                rematch_standards([standard_id])
                slow.append(time.perf_counter() - t0)
                total_whole = rank1_total(standard_id)
                totals.append((total_one, total_whole))
                same &= abs(total_one - total_whole) < 1e-9 and snapshot(standard_id) == after_one
                differ.append(total_one - total_whole)
            f, s = statistics.median(fast), statistics.median(slow)
            one, whole = totals[-1]
            print(
                f"{f'{label} ({n:,} vac.)':<22} {scenario:<8} {','.join(sorted(set(p.split()[0] for p in paths))):<16} "
                f"{f:>10.3f} {s:>8.2f} {s / f:>6.0f}x {f'{one:,.6f} / {whole:,.6f}':>30} {str(same):>5}"
            )
            print(f"{'':<31}rank-1 total, new path minus whole, each change: {', '.join(f'{d:+.2e}' for d in differ)}")
            for p, t, seconds in zip(paths, steps, fast, strict=True):
                path, count, *why = p.split(maxsplit=2)
                detail = f"{path}: {count} vacancies re-solved" + (f" (not priced: {why[0]})" if why else "")
                laps = ", ".join(f"{k} {v:.3f}" for k, v in t.items() if k != "total")
                print(f"{'':<31}{seconds:.3f} s, {detail}; {laps}")


if __name__ == "__main__":
    main()
