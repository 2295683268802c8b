"""Benchmark reading the market (not a test): `market_load` for one vacancy, the biggest standard and all.

    python bench/market_load.py [--code PATH] [--reps 15]

Reads the market bench/rematch.py leaves in its database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/lcr_bench_rematch: run that first), as a re-match of one vacancy,
a re-match of the biggest standard and a full run read it, and prints the least and the median time
of each. `--code` imports the project from another checkout instead of this one (a `git worktree` of
an earlier commit, say), so two versions can be timed side by side on the same data: run it for
each in turn, and again, and compare the figures of one round.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path


def timed(read, reps: int) -> tuple[float, float]:
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        read()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--code", default=str(Path(__file__).resolve().parent.parent), help="checkout to import")
    parser.add_argument("--reps", type=int, default=15, help="reads of one vacancy (a third as many of the rest)")
    args = parser.parse_args()
    # That checkout's project and bench/ (whose bench_setup puts its own root first), not this one's.
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [args.code, str(Path(args.code) / "bench"), *(p for p in sys.path if p != here)]
    os.chdir(args.code)  # run from there: from here, this checkout was still imported first
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lcr_bench_rematch")

    from bench.common import prepare_database

    prepare_database()
    from apprenticeships.models import Vacancy
    from matching.services import travel
    from matching.services.market import market_load, standards_with_live_vacancies

    travel.PLAN_IN_RUN_MAX = 0  # the synthetic market has no journeys cached: plan none, as bench/rematch.py
    logging.disable(logging.WARNING)  # and do not say so on every read
    live = standards_with_live_vacancies()
    if not live:
        sys.exit("no market in this database: run bench/rematch.py first")
    biggest, size = live[0]
    one = list(Vacancy.objects.filter(standard_id=biggest, status=Vacancy.Status.LIVE).values_list("id", flat=True)[:1])
    import matching.services.market as module

    print(f"code: {args.code} ({Path(module.__file__).parent.parent.parent})")
    least, median = timed(lambda: market_load([biggest], vacancy_ids=one), args.reps)
    print(f"one vacancy of the biggest standard ({size:,} vacancies): least {least:.4f} s, median {median:.4f} s")
    least, median = timed(lambda: market_load([biggest]), max(1, args.reps // 3))
    print(f"the biggest standard whole: least {least:.3f} s, median {median:.3f} s")
    least, median = timed(lambda: market_load(None), max(1, args.reps // 5))
    print(f"the whole market: least {least:.2f} s, median {median:.2f} s")


if __name__ == "__main__":
    main()
