"""Benchmark the matcher at England scale (not a test): prints figures for the README.

    python bench/matching.py [--vacancies 50000] [--offers 20000] [--naive-sample 2000] [--workers 1,2,4]

Uses its own PostgreSQL database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/lcr_bench,
created if missing), fills it with a synthetic market built from the real reference data
(standards weighted by national starts, postcodes by how many postcodes each district has,
offers clustered where their providers are), runs a full match in this process, chunk after
chunk, then the same full match as production runs it: queued through Redis (BENCH_BROKER_URL,
default redis://127.0.0.1:6379/13) and computed by Celery workers, once for each number in
--workers (default 1, 2 and 4; 0 skips it), each number being that many separate `celery worker`
processes of one process each, as separate machines would be, against the same Redis and
PostgreSQL, each run from an empty table so that every run writes every suggestion. It times the
allocation side by side on the same market, today's against the one before issue 19
(bench/allocation_before.py), with the gap each states. Then it times a naive per-pair Python
scorer on a sample of the same candidate pairs (and checks it gives the same scores), and
incremental re-matches.
"""

import argparse
import math
import os
import random
import signal
import statistics
import subprocess
import time
from pathlib import Path

import bench_setup  # noqa: F401 - puts the project on sys.path
import numpy as np

# Before Django is set up: the full run through Celery is queued on this broker.
BROKER = os.environ.setdefault("CELERY_BROKER_URL", os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13"))

from bench.common import ROOT, clear_market, generate_market, peak_rss_mb, prepare_database  # noqa: E402


def ensure_database() -> None:
    import os
    from urllib.parse import urlparse

    url = urlparse(os.environ["DATABASE_URL"])
    if url.scheme.startswith("postgres"):
        subprocess.run(  # noqa: S603, S607 - createdb from the PostgreSQL client, fixed arguments
            ["createdb", "-h", url.hostname or "127.0.0.1", "-U", url.username or "postgres", url.path.lstrip("/")],
            capture_output=True,
        )


def naive_scores(market, candidates, matcher, sample: np.ndarray) -> tuple[np.ndarray, float]:  # noqa: ANN001
    """The same features and score, one pair at a time in plain Python (the thing not to do)."""
    from matching.ml.features import FEATURES
    from matching.ml.scoring import GOODNESS
    from matching.ml.travel import pair_travel

    vac, off, coh, loc = market.vacancies, market.offers, market.cohorts, market.locations
    weights = dict(zip(FEATURES, matcher.pipeline[-1].coef_, strict=True))
    started = time.perf_counter()
    scores = []
    for k in sample.tolist():
        i, j, o = int(candidates.vacancy[k]), int(candidates.cohort[k]), int(candidates.offer[k])
        nearest = math.nan
        for m in range(len(loc.offer)):
            if loc.offer[m] != o:
                continue
            lat1, lon1 = math.radians(vac.latitude[i]), math.radians(vac.longitude[i])
            lat2, lon2 = math.radians(loc.latitude[m]), math.radians(loc.longitude[m])
            a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
            d = 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))
            nearest = d if math.isnan(nearest) else min(nearest, d)
        a_vec = matcher.vectorizer.transform([vac.text[i]])
        b_vec = matcher.vectorizer.transform([off.text[o]])
        wanted = bin(int(vac.delivery_mask[i]) & 15).count("1") or 1
        raw = {
            "distance_km": nearest,
            "text_similarity": float(a_vec.multiply(b_vec).sum()),
            "start_gap_days": float(coh.start_day[j] - vac.start_day[i]),
            "delivery_fit": bin(int(vac.delivery_mask[i]) & int(off.delivery_mask[o]) & 15).count("1") / wanted,
            "ofsted_grade": float(off.ofsted_grade[o]),
            "achievement_rate": float(off.achievement_rate[o]),
            "price_ratio": float(off.price[o]) / max(float(vac.band[i]), 1.0),
            "places_left": float(coh.places[j]),
            "provider_share": market.provider_share.get(int(off.provider[o]), 0.0),
        }
        # Journey times are looked up from the travel cache, not computed: the same lookup, one pair at a time.
        minutes, changes, _ = pair_travel(market, np.array([i]), np.array([o]))
        raw["travel_minutes"], raw["travel_changes"] = float(minutes[0]), float(changes[0])
        score = sum(weights[name] * float(GOODNESS[name](np.array([[raw[name]]]))[0, 0]) for name in FEATURES)
        scores.append(min(1.0, max(0.0, score)))
    return np.array(scores), time.perf_counter() - started


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _peak_rss_mb(pid: int) -> float:
    """A live process's peak resident memory (Linux's VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def full_run_through_celery(processes: int, *, again: bool = False) -> None:
    """The full match as production runs it: `processes` Celery workers of one process each, via Redis.

    From an empty suggestions table (every suggestion to write), and then, with `again`, once more on
    the unchanged market, as the next night's run would find it (only what changed to write).
    """
    from lcr_skills.celery import app
    from matching.models import Gap, Suggestion

    app.connection_for_write().default_channel.client.flushdb()  # nothing left over from earlier runs
    workers = [
        subprocess.Popen(  # noqa: S603 - the project's own Celery, fixed arguments
            [str(ROOT / ".venv" / "bin" / "celery"), "-A", "lcr_skills", "worker", "--concurrency", "1"]
            + ["--hostname", f"bench-{os.getpid()}-{n}@%h", "--loglevel", "WARNING", "--prefetch-multiplier", "1"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_CONN_MAX_AGE": "0"},
        )
        for n in range(processes)
    ]
    try:
        deadline = time.monotonic() + 90
        while len(app.control.ping(timeout=1)) < processes:
            if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
                raise SystemExit(f"the Celery workers did not start on {BROKER}")
        Suggestion.objects.all().delete()  # as for the first run: every suggestion to write
        Gap.objects.all().delete()
        planner_statistics()
        run, wall = _full_run_waited()
        if again:
            rerun, rerun_wall = _full_run_waited()
        worker_peak = max(_peak_rss_mb(pid) for w in workers for pid in [w.pid, *_children(w.pid)])
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=120)
    print(f"\nfull run {run.pk} through Celery, {processes} worker process(es): {run.status} in {wall:.1f} s wall")
    print(f"  suggestions {run.counts['suggestions']:,}, gaps {run.counts['gaps']:,}; stage times (s, summed):")
    print("    " + ", ".join(f"{stage} {run.timings[stage]:.2f}" for stage in STAGES))
    print(f"  first choices: {run.optimality} (gap {run.optimality_gap:.2e})")
    print(f"  peak RSS of a worker process: {worker_peak:,.0f} MB")
    WALLS[processes] = wall
    if again:
        print(f"  again on the unchanged market: run {rerun.pk} {rerun.status} in {rerun_wall:.1f} s wall")
        print("    " + ", ".join(f"{stage} {rerun.timings[stage]:.2f}" for stage in STAGES))


def planner_statistics() -> None:
    """Fresh planner statistics (and visibility maps), as autovacuum keeps them in a live database by the time
    its nightly run starts. Without them (a PostgreSQL with autovacuum off, as on the bench machine of
    8 December 2026) the planner takes a freshly loaded table for a few rows: reading the places held
    on a chunk's cohorts, say, took 1.0 s by nested loops over 25,453 cohorts instead of 2 ms from the
    status index."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _full_run_waited() -> tuple["MatchRun", float]:  # noqa: F821 - imported in the body, after Django is set up
    """Start a full run through the workers and wait for it: (the run, its wall time in seconds)."""
    from matching.models import MatchRun
    from matching.services import run_full_start

    started = time.perf_counter()
    run = run_full_start(by=None)
    while run.status in MatchRun.IN_PROGRESS:
        time.sleep(0.2)
        run.refresh_from_db()
    return run, time.perf_counter() - started


WALLS: dict[int, float] = {}


def allocation_side_by_side() -> None:
    """Today's allocation and the one before issue 19 on the same candidate pairs and scores."""
    from django.conf import settings

    import bench.allocation_before as before
    from matching.ml import allocation
    from matching.ml.candidates import candidate_pairs
    from matching.ml.features import pair_features, text_vectors
    from matching.ml.travel import travel_limit
    from matching.services import matcher_active_ensure
    from matching.services.market import market_load

    _, matcher = matcher_active_ensure()
    market = market_load(None)
    days = {
        "days_before": settings.MATCH_START_WINDOW_DAYS_BEFORE,
        "days_after": settings.MATCH_START_WINDOW_DAYS_AFTER,
    }
    candidates = travel_limit(market, candidate_pairs(market, **days))
    vectors = text_vectors(matcher.vectorizer, market)
    scores = np.empty(len(candidates))
    for start in range(0, len(candidates), 500_000):
        part = slice(start, start + 500_000)
        scores[part], _ = matcher.score(pair_features(market, candidates.subset(part), vectors))
    arrays = (candidates.vacancy, candidates.cohort, scores, market.vacancies.positions, market.cohorts.places)
    figures = {}
    for name, solve in [("new", allocation.first_choices_bounded), ("before", before.best_first_choices)]:
        cpu, wall = time.process_time(), time.perf_counter()
        found = solve(*arrays)
        figures[name] = (time.process_time() - cpu, time.perf_counter() - wall, found)
    (new_cpu, new_wall, (first, bound)), (old_cpu, old_wall, old_first) = figures["new"], figures["before"]
    new_total, old_total = float(scores[first].sum()), float(scores[old_first].sum())
    print(f"\nallocation side by side on the whole market ({len(candidates):,} candidate pairs), one process:")
    print(f"  before issue 19: {old_cpu:.1f} s CPU ({old_wall:.1f} s wall), rank-1 total {old_total:,.3f}")
    print(f"  now:             {new_cpu:.1f} s CPU ({new_wall:.1f} s wall), rank-1 total {new_total:,.3f}")
    print(f"  ratio (CPU): {old_cpu / new_cpu:.2f}x faster; best possible total at most {bound:,.3f}")
    print(
        f"  stated gap now {allocation.optimality_gap(new_total, bound):.3%}; "
        f"before {allocation.optimality_gap(old_total, bound):.3%}"
        f" of that bound; now / before total {new_total / old_total:.6f}"
    )


# write_chunk: each chunk staging its suggestions (summed over chunks, in parallel on the workers);
# write: the run's one transaction swapping them in (matching.services.results).
STAGES = ["load", "candidates", "features", "score", "allocation", "write_chunk", "write"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vacancies", type=int, default=50_000)
    parser.add_argument("--offers", type=int, default=20_000)
    parser.add_argument("--naive-sample", type=int, default=2_000)
    parser.add_argument(
        "--workers", default="1,2,4", help="Celery worker processes for the full runs through Celery, comma-separated"
    )
    args = parser.parse_args()

    ensure_database()
    prepare_database()
    from django.db import connection

    from matching.ml.candidates import candidate_pairs
    from matching.ml.features import pair_features, text_vectors
    from matching.models import MatchRun
    from matching.services import matcher_active_ensure, rematch_standards, run_full_now
    from matching.services.market import market_load, standards_with_live_vacancies

    clear_market()
    started = time.perf_counter()
    sizes = generate_market(args.vacancies, args.offers)
    generate_time = time.perf_counter() - started
    print(f"database: {connection.vendor}")
    print(f"market: {sizes['vacancies']:,} live vacancies, {sizes['offers']:,} offers, {sizes['cohorts']:,} cohorts")
    print(f"generate + insert: {generate_time:.1f} s (not part of the run)")
    planner_statistics()
    matcher_active_ensure()  # create the prior once, outside the timings

    started = time.perf_counter()
    run = run_full_now()
    wall = time.perf_counter() - started
    print(f"\nfull run {run.pk} in this process, chunk after chunk: {run.status} in {wall:.1f} s wall")
    for name in ["vacancies", "offers", "cohorts", "candidates", "suggestions", "gaps"]:
        print(f"  {name:<12} {run.counts[name]:>12,}")
    print("  stage times (s, summed over chunks):")
    for stage in STAGES:
        print(f"    {stage:<12} {run.timings[stage]:>8.2f}")

    print(f"  first choices: {run.optimality} (gap {run.optimality_gap:.2e})")

    run_peak = peak_rss_mb()
    scale = [int(n) for n in args.workers.split(",") if int(n)]
    for processes in scale:
        full_run_through_celery(processes, again=processes == 2)
    if len(WALLS) > 1:
        one = WALLS.get(1, WALLS[min(WALLS)])
        print("\nscale-out: " + ", ".join(f"{n} process(es) {w:.1f} s ({one / w:.2f}x)" for n, w in WALLS.items()))
    allocation_side_by_side()
    # Naive per-pair scorer against the vectorised one, on a busy (but not the busiest) standard.
    _, matcher = matcher_active_ensure()
    live = standards_with_live_vacancies()
    standard_id = live[min(10, len(live) - 1)][0]
    market = market_load([standard_id])
    t0 = time.perf_counter()
    candidates = candidate_pairs(market)
    X = pair_features(market, candidates, text_vectors(matcher.vectorizer, market))
    fast_scores, _ = matcher.score(X)
    fast_time = time.perf_counter() - t0
    rng = random.Random(1)  # noqa: S311
    sample = np.array(sorted(rng.sample(range(len(candidates)), min(args.naive_sample, len(candidates)))))
    slow_scores, slow_time = naive_scores(market, candidates, matcher, sample)
    per_pair_fast = fast_time / max(len(candidates), 1)
    per_pair_slow = slow_time / max(len(sample), 1)
    agree = np.allclose(slow_scores, fast_scores[sample], atol=1e-9)
    print(f"\nnaive per-pair scorer on standard {standard_id} ({len(candidates):,} candidate pairs):")
    print(f"  vectorised: {per_pair_fast * 1e6:,.2f} µs/pair (candidates + features + score)")
    print(f"  naive:      {per_pair_slow * 1e6:,.0f} µs/pair over a sample of {len(sample):,}")
    print(f"  ratio:      {per_pair_slow / per_pair_fast:,.0f}x faster; same scores: {agree}")

    # Incremental re-match of one standard of median size.
    median_standard = live[len(live) // 2][0]
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        incremental = rematch_standards([median_standard])
        times.append(time.perf_counter() - t0)
    print(
        f"\nincremental re-match of standard {median_standard} ({incremental.counts['vacancies']} vacancies, "
        f"{incremental.counts['candidates']} candidate pairs): median {statistics.median(times):.3f} s of 3"
    )
    biggest = live[0][0]
    t0 = time.perf_counter()
    incremental = rematch_standards([biggest])
    print(
        f"incremental re-match of the biggest standard {biggest} ({incremental.counts['vacancies']:,} vacancies): "
        f"{time.perf_counter() - t0:.2f} s ({', '.join(f'{k} {v:.2f} s' for k, v in incremental.timings.items())})"
    )
    print(f"runs recorded: {MatchRun.objects.count()}")
    print(f"peak RSS: {run_peak:,.0f} MB after the full run, {peak_rss_mb():,.0f} MB at the end")


if __name__ == "__main__":
    main()
