"""Benchmark the hub dashboard at England scale (not a test): prints figures for the README.

    python bench/dashboard.py [--vacancies 50000] [--offers 20000] [--decisions 4000] [--repeat 5] [--reuse]

Uses the benchmark database of bench/common.py (DATABASE_URL, default PostgreSQL lcr_bench),
fills it with the synthetic market, runs one full match in this process, then plays the hub:
the rank-1 suggestions of `--decisions` vacancies are decided over the last 12 weeks (a fifth
rejected with a reason, the rest approved, and most of those accepted and agreed by both
parties), with the audit entries the services would write. Agreed matches do not take their
places out of the cohorts here, so "places offered" counts them twice; the timings don't care.

Then it times each report's selector (the page's rows, and every row as the CSV and API serve
them) and the whole /dashboard/ page rendered through the Django test client as hub staff, with
the number of queries of each. The target is under a second for the page.
"""

import argparse
import random
import secrets
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING

import bench_setup  # noqa: F401 - puts the project on sys.path

from bench.common import clear_market, generate_market, prepare_database
from bench.matching import ensure_database

if TYPE_CHECKING:
    from django.contrib.auth.models import User

HUB_USER = "bench-hub"


@contextmanager
def stamps_as_given(model: type) -> Iterator[None]:
    """Let bulk_create keep the created_at the benchmark gives (auto_now_add would overwrite it)."""
    field = model._meta.get_field("created_at")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


def backdate_live(days_back: int = 120) -> None:
    """Vacancies went live between `days_back` and `days_back - 40` days ago (not all this minute)."""
    from django.db.models import F
    from django.utils import timezone

    from apprenticeships.models import Vacancy

    now = timezone.now()
    for k in range(40):
        Vacancy.objects.annotate(bucket=F("id") % 40).filter(bucket=k).update(
            live_at=now - timedelta(days=days_back - k)
        )


def hub_decisions(n: int, *, seed: int = 7) -> dict[str, int]:
    """Decide the rank-1 suggestions of `n` vacancies over the last 12 weeks, with their audit entries."""
    from django.db import transaction
    from django.utils import timezone

    from matching.models import RejectReason, Suggestion, SuggestionEvent

    rng = random.Random(seed)  # noqa: S311 - benchmark data
    S, A = Suggestion.Status, SuggestionEvent.Action
    now = timezone.now()
    chosen = list(Suggestion.objects.filter(rank=1).order_by("?")[:n].only("id", "status"))
    outcomes = [S.REJECTED] * 20 + [S.APPROVED] * 15 + [S.ACCEPTED] * 10 + [S.DECLINED] * 10 + [S.AGREED] * 45
    events, counts = [], dict.fromkeys(S.values, 0)

    def event(suggestion: Suggestion, action: str, at: timedelta, **extra: str) -> None:
        when = min(now, suggestion.decided_at + at)
        events.append(
            SuggestionEvent(suggestion=suggestion, action=action, actor_role="hub", seen={}, created_at=when, **extra)
        )

    for suggestion in chosen:
        status = rng.choice(outcomes)
        suggestion.status = status
        suggestion.decided_at = now - timedelta(days=rng.uniform(0, 84))
        suggestion.created_at = suggestion.decided_at - timedelta(days=rng.uniform(1, 7))
        counts[status] += 1
        if status == S.REJECTED:
            suggestion.reject_reason = rng.choice(RejectReason.values)
            event(
                suggestion,
                A.REJECT,
                timedelta(),
                reason=suggestion.reject_reason,
                from_status=S.SUGGESTED,
                to_status=S.REJECTED,
            )
            continue
        event(suggestion, A.APPROVE, timedelta(), from_status=S.SUGGESTED, to_status=S.APPROVED)
        if status in (S.ACCEPTED, S.AGREED):
            event(suggestion, A.ACCEPT, timedelta(days=2), from_status=S.APPROVED, to_status=S.ACCEPTED)
        if status == S.AGREED:
            event(suggestion, A.AGREE, timedelta(days=5), from_status=S.ACCEPTED, to_status=S.AGREED)
        if status == S.DECLINED:
            event(suggestion, A.DECLINE, timedelta(days=3), from_status=S.APPROVED, to_status=S.DECLINED)
    with transaction.atomic(), stamps_as_given(Suggestion), stamps_as_given(SuggestionEvent):
        Suggestion.objects.bulk_update(chosen, ["status", "decided_at", "created_at", "reject_reason"], batch_size=2000)
        SuggestionEvent.objects.bulk_create(events, batch_size=5000)
    return {k: v for k, v in counts.items() if v}


def hub_user() -> "User":
    from django.contrib.auth.models import User

    from apprenticeships.models import Role
    from apprenticeships.services import user_create

    return User.objects.filter(username=HUB_USER).first() or user_create(
        username=HUB_USER, password=secrets.token_urlsafe(16), email="hub@example.org", role=Role.HUB, organisation=None
    )


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, int, object]:
    """Median and best seconds of `repeat` calls, the queries of one call, and its result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, result, queries = [], None, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - started)
        queries = len(captured)
    return statistics.median(times), min(times), queries, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vacancies", type=int, default=50_000)
    parser.add_argument("--offers", type=int, default=20_000)
    parser.add_argument("--decisions", type=int, default=4_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep the market already in the database")
    args = parser.parse_args()

    ensure_database()
    prepare_database()
    from django.db import connection
    from django.test import Client, override_settings

    from matching.dashboard import reports
    from matching.models import Suggestion, SuggestionEvent
    from matching.services import matcher_active_ensure, run_full_now

    print(f"database: {connection.vendor}")
    if not args.reuse:
        clear_market()
        started = time.perf_counter()
        sizes = generate_market(args.vacancies, args.offers)
        backdate_live()
        print(
            f"market: {sizes['vacancies']:,} live vacancies, {sizes['offers']:,} offers, {sizes['cohorts']:,} cohorts"
        )
        print(f"generate + insert: {time.perf_counter() - started:.1f} s")
        matcher_active_ensure()
        started = time.perf_counter()
        run = run_full_now()
        print(f"full run {run.pk}: {run.status} in {time.perf_counter() - started:.1f} s, {run.counts}")
        started = time.perf_counter()
        decided = hub_decisions(args.decisions)
        print(f"hub decisions: {decided} in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # planner statistics, as autovacuum keeps them in a live database
    print(f"suggestions: {Suggestion.objects.count():,}; audit entries: {SuggestionEvent.objects.count():,}")

    print(f"\nreports (median and best of {args.repeat}; the page's rows, then every row for CSV and API):")
    print(f"  {'report':<24}{'page ms':>9}{'best':>7}{'queries':>9}{'all rows ms':>13}{'rows':>8}")
    for name, report in reports.REPORTS.items():
        median, best, queries, _ = timed(lambda r=report: reports.report_rows(r, for_page=True), args.repeat)
        all_median, _, _, rows = timed(lambda r=report: reports.report_rows(r), args.repeat)
        print(
            f"  {name:<24}{median * 1000:>9.0f}{best * 1000:>7.0f}{queries:>9}{all_median * 1000:>13.0f}{len(rows):>8,}"
        )
    median, best, queries, _ = timed(reports.dashboard_figures, args.repeat)
    print(f"  {'the page (shared facts)':<24}{median * 1000:>9.0f}{best * 1000:>7.0f}{queries:>9}")

    client = Client(HTTP_HOST="localhost")
    client.force_login(hub_user())
    with override_settings(SECURE_SSL_REDIRECT=False):
        assert client.get("/dashboard/").status_code == 200  # warm: templates compiled, session loaded
        median, best, queries, response = timed(lambda: client.get("/dashboard/"), args.repeat)
    print(
        f"\n/dashboard/ as hub staff: median {median * 1000:.0f} ms, best {best * 1000:.0f} ms, "
        f"{queries} queries, {len(response.content) / 1024:,.0f} KiB, status {response.status_code}"
    )
    print(f"target under 1 s: {'met' if median < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
