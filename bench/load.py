"""Load benchmark (not a test): gunicorn + PostgreSQL on loopback, driven by wrk; prints figures for the README.

    apt-get install -y wrk          # Debian's wrk (the load generator; it stops by itself)
    .venv/bin/python bench/load.py [--vacancies 50000] [--offers 20000] [--duration 12] [--rounds 3] [--keep-market]
    .venv/bin/python bench/load.py --small      # 5,000 vacancies x 2,000 offers, for development

Uses its own PostgreSQL database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/lcr_bench_load,
created if missing), fills it with the synthetic market of bench/common.py and a full matching run
(50,000 live vacancies x 20,000 offers give about 144,000 suggestions for the review queue; with
--keep-market a market of the same size already there is used as it is), then starts gunicorn on
127.0.0.1 with production settings, a shared Redis cache as production has (BENCH_CACHE_URL, default
redis://127.0.0.1:6379/11), plus one bench-only view (bench/load_settings.py, bench/load_urls.py) and
drives it with wrk, one phase at a time:

* at full speed (each connection sends its next request as soon as it has the answer), for the
  throughput: the yardsticks, a DRF list of one standard (/api/v1/standards/?page_size=1) and a
  trivial Django JsonResponse; the public vacancy search API (words, postcode, within 10 miles)
  sorted by distance and by relevance; and the hub review queue API with a hub user's token.
  Target (issue 19): the search and the queue each at least half the standards list's throughput.
  Every phase runs once in each of --rounds rounds (3), one after the other, so that the machine's load
  changing during the bench reaches all of them alike: the median round of each is shown, and the ratios
  come from the medians (with each round's own ratio beside them);
* at a sustained rate, half the standards list's throughput (the rate the target asks each of them to
  carry), or half the endpoint's own throughput where that is less (each connection waits between
  requests), for the latency: the searches and the queue while
  idle (target: p95 under 100 ms), then again while full matching runs go on in another process at
  the lower CPU priority a Celery worker should have (`nice -n 10 celery -A lcr_skills worker`):
  p95 at most 1.5 times the idle one.

Each phase prints requests/s, p50/p95/p99 latency and errors, and then the ratios.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lcr_bench_load")

ROOT = Path(__file__).resolve().parent.parent
STANDARDS = "/api/v1/standards/?page_size=1"
TRIVIAL = "/bench/trivial/"
SEARCH_BY_DISTANCE = "/api/v1/public/vacancies/?search=engineer&postcode=L1&within_miles=10&ordering=distance"
SEARCH_BY_RELEVANCE = "/api/v1/public/vacancies/?search=engineer&postcode=L1&within_miles=10&ordering=relevance"
QUEUE = "/api/v1/suggestions/?status=suggested"
SMALL = {"vacancies": 5_000, "offers": 2_000}
HUB_USERNAME = "load-bench-hub"

# The matching process's niceness: what the README asks of a production Celery worker.
WORKER_NICENESS = 10

# wrk's summary as one JSON line: latency percentiles in microseconds, errors by kind. With a
# pause (ms), each connection waits that long after an answer before its next request.
WRK_REPORT = """
local pause = tonumber(os.getenv("WRK_PAUSE_MS") or "0")
function delay()
  return pause
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "non_2xx": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"timeout": %d, "p50": %d, "p95": %d, "p99": %d}\\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def ensure_database(url: str) -> None:
    from urllib.parse import urlparse

    parts = urlparse(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit(f"the load benchmark needs PostgreSQL; DATABASE_URL is {url}")
    subprocess.run(  # noqa: S603, S607 - createdb from the PostgreSQL client, fixed arguments
        ["createdb", "-h", parts.hostname or "127.0.0.1", "-U", parts.username or "postgres", parts.path.lstrip("/")],
        capture_output=True,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def django_setup() -> None:
    import bench_setup  # noqa: F401 - puts the project on sys.path

    import bench.common  # noqa: F401 - sets Django up on the benchmark database


def build_market(n_vacancies: int, n_offers: int, *, keep: bool = False) -> str:
    """A fresh market and one full run (or, with `keep`, the one there if it has this size); returns a hub
    user's API token."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from knox.models import AuthToken

    from apprenticeships.models import CourseOffer, Role, Vacancy
    from apprenticeships.services import user_create
    from bench.common import clear_market, generate_market, prepare_database
    from matching.models import Suggestion
    from matching.services import matcher_active_ensure, run_full_now

    prepare_database()
    matcher_active_ensure()
    there = (Vacancy.objects.count(), CourseOffer.objects.count())
    if keep and there == (n_vacancies, n_offers) and Suggestion.objects.exists():
        print(f"market kept: {there[0]:,} live vacancies, {there[1]:,} offers")
    else:
        clear_market()
        started = time.perf_counter()
        sizes = generate_market(n_vacancies, n_offers)
        print(
            f"market: {sizes['vacancies']:,} live vacancies, {sizes['offers']:,} offers, {sizes['cohorts']:,} cohorts"
        )
        print(f"generate + insert: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        run = run_full_now()
        print(f"full run: {run.status} in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # fresh statistics and visibility maps, as autovacuum would leave them
    waiting = Suggestion.objects.filter(status=Suggestion.Status.SUGGESTED).count()
    print(f"{Suggestion.objects.count():,} suggestions, {waiting:,} waiting for review")
    user = get_user_model().objects.filter(username=HUB_USERNAME).first() or user_create(
        username=HUB_USERNAME, password=secrets.token_urlsafe(16), role=Role.HUB
    )
    # One token, as a hub user has (each --keep-market run would add one).
    AuthToken.objects.filter(user=user).delete()
    _, token = AuthToken.objects.create(user=user)
    return token


class PhaseOver(Exception):  # noqa: N818 - not an error: the phase it ran for has ended
    pass


def match_loop(seconds: float) -> None:
    """Full matching runs back to back for `seconds` (the "run in progress" phases), then stop.

    A full run at 50,000 vacancies outlasts a phase: at the deadline the run in progress is
    stopped (and recorded as failed, as any run that raised)."""
    from matching.services import run_full_now

    def stop(signum: int, frame: object) -> None:
        raise PhaseOver(f"stopped after the {seconds:.0f} s phase")

    os.nice(WORKER_NICENESS)
    signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    runs = 0
    try:
        while True:
            run_full_now()
            runs += 1
    except PhaseOver:
        print(f"  (matching: {runs} full runs finished during the phase, one stopped at its end)")


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "text",
        "DATABASE_CONN_MAX_AGE": "60",
        # As production: the processes share one cache (the search's close words, the throttles' counts).
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/11"),
        "PYTHONWARNINGS": "ignore::UserWarning",  # whitenoise: no collected static files, none served here
    }
    env.pop("CELERY_BROKER_URL", None)  # none of these endpoints sends a task
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "lcr_skills.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{STANDARDS}", timeout=5) as response:  # nosec B310
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not answer within 30 s")


def wrk(base: str, path: str, *, duration: int, connections: int, headers: list[str] = (), pause_ms: int = 0) -> dict:
    """Drive `connections` connections at `path` for `duration` seconds; each waits `pause_ms` between requests."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    try:
        command = [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
        ]
        for header in headers:
            command += ["-H", header]
        output = subprocess.run(  # noqa: S603 - fixed arguments, loopback URL
            [*command, base + path],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "WRK_PAUSE_MS": str(pause_ms)},
        ).stdout
    finally:
        os.unlink(script.name)
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in ("non_2xx", "connect", "read", "write", "timeout"))
    return result


def median_run(runs: list[dict]) -> dict:
    """The run with the median throughput (of an odd number; the upper middle one of an even number)."""
    return sorted(runs, key=lambda run: run["rps"])[len(runs) // 2]


def pause_for(rate: float, connections: int, latency_us: int) -> int:
    """The pause (ms) after each answer that makes `connections` connections send `rate` requests/s."""
    return max(1, round(connections * 1000 / rate - latency_us / 1000))


def show(name: str, r: dict) -> None:
    ms = {k: r[k] / 1000 for k in ("p50", "p95", "p99")}
    print(
        f"  {name:<44} {r['rps']:>7.1f} req/s  p50 {ms['p50']:>6.1f} ms  p95 {ms['p95']:>6.1f} ms  "
        f"p99 {ms['p99']:>6.1f} ms  {r['requests']:>6} requests  {r['errors']} errors"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vacancies", type=int, default=50_000)
    parser.add_argument("--offers", type=int, default=20_000)
    parser.add_argument("--small", action="store_true", help="5,000 vacancies x 2,000 offers, for development")
    parser.add_argument("--keep-market", action="store_true", help="use the market there if it has this size")
    parser.add_argument("--duration", type=int, default=12, help="seconds per phase")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the full-speed phases")
    parser.add_argument("--round-duration", type=int, default=6, help="seconds per full-speed phase in a round")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    parser.add_argument("--match-for", type=float, help=argparse.SUPPRESS)  # internal: the matching process
    args = parser.parse_args()
    if args.small:
        args.vacancies, args.offers = SMALL["vacancies"], SMALL["offers"]

    django_setup()
    if args.match_for is not None:
        match_loop(args.match_for)
        return
    if shutil.which("wrk") is None:
        sys.exit("wrk not found: install it with `apt-get install -y wrk` (Debian), then run this again")

    ensure_database(os.environ["DATABASE_URL"])
    token = build_market(args.vacancies, args.offers, keep=args.keep_market)
    port = free_port()
    server = start_gunicorn(port, args.workers)
    base = f"http://127.0.0.1:{port}"
    auth = [f"Authorization: Token {token}"]
    load = {"duration": args.duration, "connections": args.connections}
    measured = [
        ("public search, by distance", SEARCH_BY_DISTANCE, []),
        ("public search, by relevance", SEARCH_BY_RELEVANCE, []),
        ("review queue (hub token)", QUEUE, auth),
    ]
    try:
        print(
            f"\ngunicorn: {args.workers} sync workers on 127.0.0.1; wrk: {args.connections} connections, "
            f"{args.duration} s per latency phase"
        )
        for _, path, headers in measured:  # warm up every worker
            wrk(base, path, headers=headers, duration=2, connections=args.connections)
        print(
            f"full speed, {args.rounds} rounds of every phase, {args.round_duration} s each (the median round shown; "
            "each ratio from the medians):"
        )
        yardsticks = [("DRF list of one standard", STANDARDS, []), ("trivial JsonResponse", TRIVIAL, [])]
        runs: dict[str, list[dict]] = {}
        for _ in range(args.rounds):  # one after the other, round by round: a change in the machine's load
            for name, path, headers in yardsticks + measured:  # reaches every phase, not one of them
                runs.setdefault(name, []).append(
                    wrk(base, path, headers=headers, duration=args.round_duration, connections=args.connections)
                )
        full = {name: median_run(found) for name, found in runs.items()}
        for name, _, _ in yardsticks + measured:
            show(name, full[name])
        standards = full["DRF list of one standard"]
        for name, _, _ in measured:
            ratio = full[name]["rps"] / standards["rps"]
            each = zip(runs[name], runs[yardsticks[0][0]], strict=True)
            rounds = ", ".join(f"{run['rps'] / yardstick['rps']:.2f}" for run, yardstick in each)
            print(f"  {name} / DRF standards throughput: {ratio:.2f} (target >= 0.5; round by round {rounds})")

        target = standards["rps"] / 2
        print(
            f"at a sustained rate: half the standards list's ({target:.0f} requests/s), or half the endpoint's own "
            "throughput where that is less (it could not carry more); idle, then while full matching runs"
        )
        for name, path, headers in measured:
            rate = min(target, full[name]["rps"] / 2)
            # The latency of one request on its own: a connection at a time, back to back.
            alone = wrk(base, path, headers=headers, duration=3, connections=1)
            paced = {**load, "headers": headers, "pause_ms": pause_for(rate, args.connections, alone["p50"])}
            idle = wrk(base, path, **paced)
            show(f"{name}, idle, {rate:.0f}/s", idle)
            matching = subprocess.Popen(  # noqa: S603 - this script, fixed arguments
                [sys.executable, __file__, "--match-for", str(args.duration + 2)], cwd=ROOT
            )
            time.sleep(2)  # the run is loading the market
            busy = wrk(base, path, **paced)
            show(f"{name}, matching, {rate:.0f}/s", busy)
            matching.wait()
            print(
                f"  {name}: p95 idle {idle['p95'] / 1000:.1f} ms (target < 100 ms); "
                f"p95 while matching / idle = {busy['p95'] / idle['p95']:.2f} (target <= 1.5)"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
