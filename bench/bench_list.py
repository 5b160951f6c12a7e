#!/usr/bin/env python
"""The public list's keyset pages and the open-data export, on the benchmark database. Reads only.

  (a) GET /api/v1/reports/?bbox=<city>&page_size=100 at depths 1, 10, 100 and 1000 (cursors found by walking the
      next links once): the endpoint in-process (Django's test client, DEBUG off: view, selector, serializer,
      features from plain rows) against the raw floor, the same page by hand through a cursor (the keyset
      condition as a row comparison on the partial index report_public_recent, the same joins' columns and the
      public photos), both with the page's planner settings (no parallel workers, no JIT; see
      selectors.public_map_page). Interleaved: each round times one project call and one raw call for every
      depth, in turn. The SQL statements of one call of each are counted.
  (b) GET /api/v1/open-data/reports.csv in full, in-process, read as a stream: time, rows, bytes and the peak
      RSS of this process (ru_maxrss; a fresh process, so the peak is the export's, not an earlier test's).

EXPLAIN (ANALYZE, BUFFERS) of the raw page at the deepest depth is printed.

    .venv/bin/python bench/bench_list.py --db meldpunt_bench --repeat 10
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_DB, django_setup, machine, postgres_version, results_write, summary_ms  # noqa: E402

CITY = "2.84,51.16,3.01,51.25"
PAGE_SIZE = 100
DEPTHS = (1, 10, 100, 1000)

# A LIMIT walk down an index: one backend process, not JIT-compiled (what selectors.public_map_page sets too).
PAGE_SETTINGS_SQL = "SELECT set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true)"

RAW_PAGE_SQL = """
SELECT r.id, r.reference, r.kind, r.status, r.address, r.created_at, ST_X(r.point::geometry), ST_Y(r.point::geometry),
       c.slug, c.name_nl, d.name_nl,
       ARRAY(SELECT p.image FROM reports_reportphoto p WHERE c.photos_public AND p.report_id = r.id ORDER BY p.id)
FROM reports_report r
JOIN reports_category c ON c.id = r.category_id
JOIN zones_department d ON d.id = r.department_id
WHERE c.is_public AND r.kind IN ('melding', 'suggestie') AND r.point IS NOT NULL AND r.status = ANY(%(visible)s)
  AND (r.status = ANY(%(open)s) OR (r.status = ANY(%(solved)s) AND r.updated_at >= %(solved_since)s))
  AND ST_Intersects(r.point, ST_MakeEnvelope(2.84, 51.16, 3.01, 51.25, 4326)::geography)
  AND (%(after_at)s::timestamptz IS NULL OR (r.created_at, r.id) < (%(after_at)s::timestamptz, %(after_id)s::bigint))
ORDER BY r.created_at DESC, r.id DESC
LIMIT %(limit)s
"""


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=BENCH_DB)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    django_setup(args.db)

    import datetime as dt

    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from api.pagination import cursor_decode
    from geo_meldpunt.reports.models import MAP_STATUSES, OPEN_STATUSES, SOLVED_STATUSES

    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    print(f"load before: {loadavg()}")
    first_url = f"/api/v1/reports/?bbox={CITY}&page_size={PAGE_SIZE}"

    # The URL (and cursor position) of each depth, found once by walking the next links.
    urls: dict[int, str] = {}
    url: str | None = first_url
    page = 1
    while url and page <= max(DEPTHS):
        if page in DEPTHS:
            urls[page] = url
        url = client.get(url).json()["next"]
        page += 1
    depths = sorted(urls)
    print(f"{args.db}: depths reachable {depths} (of {DEPTHS})")

    def raw_params(depth_url: str) -> dict:
        cursor = depth_url.split("cursor=")[1].split("&")[0] if "cursor=" in depth_url else None
        after_at, after_id = cursor_decode(cursor) if cursor else (None, None)
        return {
            "visible": list(MAP_STATUSES),
            "open": list(OPEN_STATUSES),
            "solved": list(SOLVED_STATUSES),
            "solved_since": timezone.now() - dt.timedelta(days=settings.MAPS_RECENTLY_SOLVED_DAYS),
            "after_at": after_at,
            "after_id": after_id,
            "limit": PAGE_SIZE,
        }

    def raw_page(depth_url: str) -> int:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(PAGE_SETTINGS_SQL)
            cursor.execute(RAW_PAGE_SQL, raw_params(depth_url))
            return len(cursor.fetchall())

    def project_page(depth_url: str) -> int:
        return len(client.get(depth_url).json()["features"])

    for d in depths:  # warm up both sides, and check they agree on the page's size
        assert project_page(urls[d]) == raw_page(urls[d]), d
    counts = {}
    for side, fn in (("endpoint", project_page), ("raw", raw_page)):
        with CaptureQueriesContext(connection) as ctx:
            fn(urls[depths[-1]])
        counts[side] = len(ctx.captured_queries)
    print(f"SQL statements per page (BEGIN and COMMIT of the page's transaction included): {counts}")
    times: dict[tuple[str, int], list[float]] = {(side, d): [] for side in ("project", "raw") for d in depths}
    for _ in range(args.repeat):
        for d in depths:
            for side, fn in (("project", project_page), ("raw", raw_page)):
                started = time.perf_counter()
                fn(urls[d])
                times[(side, d)].append(time.perf_counter() - started)

    results: dict[str, object] = {"machine": machine(), "postgres": postgres_version(), "db": args.db}
    results["statements"] = counts
    print(f"\n(a) list page of {PAGE_SIZE}, city-wide, ms (median / p95), {args.repeat} interleaved rounds:")
    for d in depths:
        p, r = summary_ms(times[("project", d)]), summary_ms(times[("raw", d)])
        results[f"page_{d}"] = {"project": p, "raw": r}
        print(
            f"  page {d:>5}: endpoint {p['median']:7.1f} / {p['p95']:7.1f}   raw {r['median']:6.1f} / {r['p95']:6.1f}"
            f"   ratio {p['median'] / r['median']:5.1f}x"
        )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(PAGE_SETTINGS_SQL)
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + RAW_PAGE_SQL, raw_params(urls[depths[-1]]))
        print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the raw page {depths[-1]}:")
        print("\n".join("  " + row[0] for row in cursor.fetchall()))

    started = time.perf_counter()
    response = client.get("/api/v1/open-data/reports.csv")
    lines = size = 0
    for part in response.streaming_content:
        lines += part.count(b"\n")
        size += len(part)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["open_data_csv"] = {"rows": lines - 1, "bytes": size, "seconds": seconds, "peak_rss_mb": peak_mb}
    print(
        f"\n(b) open-data CSV: {lines - 1:,} rows, {size / 1e6:.1f} MB in {seconds:.1f} s "
        f"({(lines - 1) / seconds:,.0f} rows/s); peak RSS of this process {peak_mb:.0f} MB"
    )
    results["load"] = loadavg()
    print(f"load after: {results['load']}")
    print(f"results: {results_write('bench_list', results)}")


if __name__ == "__main__":
    main()
