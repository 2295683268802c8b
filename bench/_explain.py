import sys
import bench_setup  # noqa
from bench import common  # noqa
from django.db import connection
from django.test.utils import CaptureQueriesContext
from matching import reports
with CaptureQueriesContext(connection) as c:
    getattr(reports, sys.argv[1])()
for q in c.captured_queries:
    if float(q["time"]) < 0.05: continue
    print(q["sql"][:400]); print("---", q["time"])
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
        for row in cur.fetchall(): print(row[0])
