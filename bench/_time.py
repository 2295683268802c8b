import sys, time
import bench_setup  # noqa
from bench import common  # noqa
from django.db import connection
from django.test.utils import CaptureQueriesContext
from matching import reports
for name in sys.argv[1:] or list(reports.REPORTS):
    r = reports.REPORTS[name]
    for _ in range(2):
        t = time.perf_counter(); rows = reports.report_rows(r, for_page=True); d = time.perf_counter() - t
    print(f"{name:<24} {d*1000:8.0f} ms {len(rows)} rows", flush=True)
for _ in range(2):
    with CaptureQueriesContext(connection) as c:
        t = time.perf_counter(); f = reports.dashboard_figures(); d = time.perf_counter() - t
print(f"dashboard_figures {d*1000:.0f} ms, {len(c)} queries")
for q in sorted(c.captured_queries, key=lambda q: -float(q["time"]))[:6]:
    print(q["time"], q["sql"][:150])
