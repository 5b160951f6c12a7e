#!/usr/bin/env python
"""Hotspot detection over a year: the project's query (geo_meldpunt.hotspots.selectors.hotspots_detect) against the
bare question a PostGIS expert would ask.

The database (meldpunt_bench by default) is brought to the size asked (generate_reports --ensure, then VACUUM
ANALYZE). Both sides run in-process through Django's connection, interleaved (project, raw, project, raw, ...), over
the year that ends with the newest report:

  project: hotspots_detect(start=, end=), the whole page's detection: clusters, figures, trend, ranking, the
           reports' ids and map points, categories and departments loaded;
  raw:     ST_ClusterDBSCAN per category on Lambert 72 and the recurrence filter, counts only.

Both plans are printed (EXPLAIN ANALYZE, BUFFERS). Figures go to bench/results/hotspots-<size>.json; the
documentation quotes them with the machine's load, as ranges over repeated runs.

    .venv/bin/python bench/bench_hotspots.py --size 1M --runs 7
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    BENCH_DB,
    django_setup,
    machine,
    postgres_version,
    reference_data_ensure,
    results_write,
    summary_ms,
)

RAW_SQL = """
SELECT category_id, cluster, count(*) AS reports
FROM (
    SELECT category_id, created_at,
           ST_ClusterDBSCAN(ST_Transform(point::geometry, 31370), eps => %(eps)s, minpoints => %(min_points)s)
               OVER (PARTITION BY category_id) AS cluster
    FROM reports_report
    WHERE created_at >= %(start)s AND created_at < %(end)s AND point IS NOT NULL
) c
WHERE cluster IS NOT NULL
GROUP BY category_id, cluster
HAVING count(*) >= %(min_reports)s
   AND count(DISTINCT date_trunc('month', created_at AT TIME ZONE 'Europe/Brussels')) >= %(min_months)s
ORDER BY reports DESC
"""


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * factor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="1M", help="report count, e.g. 10k or 1M")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each side (after one warm-up each)")
    parser.add_argument("--db", default=BENCH_DB, help="database to build and measure (default meldpunt_bench)")
    parser.add_argument("--seed", type=int, default=20260523)
    args = parser.parse_args()
    size = parse_size(args.size)

    django_setup(args.db)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from geo_meldpunt.hotspots.selectors import DETECT_SQL, hotspots_detect

    reference_data_ensure()
    call_command("generate_reports", "--ensure", str(size), "--seed", str(args.seed + size))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) reports_report")
        cursor.execute("SELECT count(*), max(created_at) FROM reports_report")
        total, newest = cursor.fetchone()
    end = timezone.localtime(newest).date() + dt.timedelta(days=1)
    start = end - dt.timedelta(days=365)
    params = {
        "eps": float(settings.HOTSPOTS_EPS_M),
        "min_points": settings.HOTSPOTS_MIN_POINTS,
        "min_reports": settings.HOTSPOTS_MIN_REPORTS,
        "min_months": settings.HOTSPOTS_MIN_MONTHS,
        "start": timezone.make_aware(dt.datetime.combine(start, dt.time.min)),
        "end": timezone.make_aware(dt.datetime.combine(end, dt.time.min)),
    }
    print(f"machine: {machine()}, load {os.getloadavg()}\ndatabase: {args.db}, {postgres_version()}")
    print(f"{total:,} reports; period {start} to {end} (exclusive)")

    def project() -> int:
        return len(hotspots_detect(start=start, end=end))

    def raw() -> int:
        # An expert turns JIT off for this query too (PostGIS's window cost triggers it; see hotspots_detect).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(RAW_SQL, params)
            return len(cursor.fetchall())

    found = {"project": project(), "raw": raw()}  # warm-up, and the answers' sizes
    times: dict[str, list[float]] = {"project": [], "raw": []}
    for _ in range(args.runs):
        for name, fn in (("project", project), ("raw", raw)):
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + RAW_SQL, params)
        raw_plan = "\n".join(row[0] for row in cursor.fetchall())
        # The project's statement with the parameters hotspots_detect passes (the last run's, from the query log
        # would need DEBUG): rebuilt here the same way.
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) " + DETECT_SQL,
            {
                **params,
                "tz": settings.TIME_ZONE,
                "recent_start": params["end"] - dt.timedelta(days=92),
                "recent_start_day": end - dt.timedelta(days=92),
                "start_day": start,
                "recent_days": 92,
                "period_earlier_days": 273,
                "ratio": settings.HOTSPOTS_TREND_RATIO,
                "excluded_statuses": ["samengevoegd", "niet_ontvankelijk"],
                "excluded_kinds": ["compliment"],
                "category_id": None,
                "limit": None,
            },
        )
        project_plan = "\n".join(row[0] for row in cursor.fetchall())
    print("\n-- raw plan\n" + raw_plan + "\n\n-- project plan\n" + project_plan)
    summary = {name: summary_ms(values) for name, values in times.items()}
    ratio = summary["project"]["median"] / summary["raw"]["median"]
    for name, s in summary.items():
        print(f"{name:8} median {s['median']:9.1f} ms  min {s['min']:9.1f}  max {s['max']:9.1f}  ({found[name]} found)")
    print(f"ratio project/raw (medians): {ratio:.2f}")
    results_write(
        f"hotspots-{args.size}",
        {
            "machine": machine(),
            "load": os.getloadavg(),
            "postgres": postgres_version(),
            "reports": total,
            "period": [str(start), str(end)],
            "found": found,
            "summary_ms": summary,
            "ratio": ratio,
            "plans": {"raw": raw_plan, "project": project_plan},
        },
    )


if __name__ == "__main__":
    main()
