#!/usr/bin/env python
"""Hotspot detection over a year: the project's detection (geo_meldpunt.hotspots.selectors.hotspots_detect) against
the statement a PostGIS expert would write for the same answer.

The database (meldpunt_bench by default) is brought to the size asked (generate_reports --ensure, then VACUUM
ANALYZE). Both sides run in-process through Django's connection, interleaved (project, floor, project, floor, ...),
over the year that ends with the newest report, JIT off on both (PostGIS's window cost triggers it):

  project: hotspots_detect(start=, end=), the whole page's detection: clusters, figures, trend, ranking, the
           reports' ids and map points, categories and departments loaded (3 queries, plus SAVEPOINT/SET LOCAL);
  floor:   FLOOR_SQL below: the same exclusions before the DBSCAN (merged, not admissible, compliments), the DBSCAN
           per category on Lambert 72 over narrow rows (id, category, point), the reports read back only for the
           clusters' members, the same figures, recurrence filter, trend and ranking.

Before timing, the script checks that the floor's rows are the project's statement's rows (every column: figures,
centre, radius, report ids, points, dates; floats to 9 significant digits), and stops when they differ.
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

FLOOR_SQL = """
WITH located AS (
    SELECT r.id, r.category_id, ST_Transform(r.point::geometry, 31370) AS xy
    FROM reports_report r
    WHERE r.created_at >= %(start)s AND r.created_at < %(end)s AND r.point IS NOT NULL
      AND r.status NOT IN ('samengevoegd', 'niet_ontvankelijk') AND r.kind <> 'compliment'
),
members AS (
    SELECT l.id, l.category_id, l.xy,
           ST_ClusterDBSCAN(l.xy, eps => %(eps)s, minpoints => %(min_points)s) OVER (PARTITION BY l.category_id)
               AS cluster
    FROM located l
),
clusters AS (
    SELECT m.category_id, count(*) AS reports,
           count(DISTINCT COALESCE(NULLIF(lower(r.reporter_email), ''), 'account:' || r.created_by_id::text,
                                   'report:' || r.id::text)) AS reporters,
           count(DISTINCT date_trunc('month', r.created_at AT TIME ZONE 'Europe/Brussels')) AS months,
           avg(r.impact)::float AS mean_impact,
           count(*) FILTER (WHERE r.created_at >= %(recent_start)s) AS recent,
           count(*) FILTER (WHERE r.created_at < %(recent_start)s) AS earlier,
           mode() WITHIN GROUP (ORDER BY r.department_id) AS department_id,
           ST_MinimumBoundingRadius(ST_Collect(m.xy)) AS circle,
           array_agg(r.id ORDER BY r.created_at DESC, r.id DESC) AS report_ids,
           array_agg(ST_X(m.xy) ORDER BY r.created_at DESC, r.id DESC) AS xs,
           array_agg(ST_Y(m.xy) ORDER BY r.created_at DESC, r.id DESC) AS ys,
           min(r.created_at) AS first_at, max(r.created_at) AS last_at,
           min(date_trunc('month', r.created_at AT TIME ZONE 'Europe/Brussels'))::date AS first_month
    FROM members m JOIN reports_report r ON r.id = m.id
    WHERE m.cluster IS NOT NULL
    GROUP BY m.category_id, m.cluster
    HAVING count(*) >= %(min_reports)s
       AND count(DISTINCT date_trunc('month', r.created_at AT TIME ZONE 'Europe/Brussels')) >= %(min_months)s
),
trended AS (
    SELECT c.*,
           CASE
               WHEN %(period_earlier_days)s <= 0 THEN 'stable'
               WHEN c.earlier = 0 OR %(recent_start_day)s::date <= GREATEST(%(start_day)s::date, c.first_month)
                   THEN CASE WHEN c.recent > 0 THEN 'rising' ELSE 'stable' END
               WHEN c.recent::float / %(recent_days)s >= %(ratio)s * c.earlier
                    / (%(recent_start_day)s::date - GREATEST(%(start_day)s::date, c.first_month)) THEN 'rising'
               WHEN %(ratio)s * c.recent / %(recent_days)s <= c.earlier::float
                    / (%(recent_start_day)s::date - GREATEST(%(start_day)s::date, c.first_month)) THEN 'falling'
               ELSE 'stable'
           END AS trend
    FROM clusters c
)
SELECT category_id, department_id, reports, reporters, months, mean_impact, trend,
       ST_X((circle).center), ST_Y((circle).center), (circle).radius,
       ST_X(ST_Transform((circle).center, 4326)), ST_Y(ST_Transform((circle).center, 4326)),
       report_ids, xs, ys, first_at, last_at
FROM trended
ORDER BY reports DESC, reporters DESC, months DESC, mean_impact DESC NULLS LAST,
         CASE trend WHEN 'rising' THEN 0 WHEN 'stable' THEN 1 ELSE 2 END, category_id, report_ids[1]
"""


def _normal(value):
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, list):
        return tuple(_normal(v) for v in value)
    return value


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
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from geo_meldpunt.hotspots.periods import trend_split
    from geo_meldpunt.hotspots.selectors import hotspots_detect

    reference_data_ensure()
    call_command("generate_reports", "--ensure", str(size), "--seed", str(args.seed + size))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) reports_report")
        cursor.execute("SELECT count(*), max(created_at) FROM reports_report")
        total, newest = cursor.fetchone()
    end = timezone.localtime(newest).date() + dt.timedelta(days=1)
    start = end - dt.timedelta(days=365)
    recent_start, recent_days, earlier_days = trend_split(start, end, settings.HOTSPOTS_TREND_MONTHS)

    def aware(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    params = {
        "eps": float(settings.HOTSPOTS_EPS_M),
        "min_points": settings.HOTSPOTS_MIN_POINTS,
        "min_reports": settings.HOTSPOTS_MIN_REPORTS,
        "min_months": settings.HOTSPOTS_MIN_MONTHS,
        "start": aware(start),
        "end": aware(end),
        "recent_start": aware(recent_start),
        "recent_start_day": recent_start,
        "start_day": start,
        "recent_days": max(recent_days, 1),
        "period_earlier_days": earlier_days,
        "ratio": settings.HOTSPOTS_TREND_RATIO,
    }
    print(f"machine: {machine()}, load {os.getloadavg()}\ndatabase: {args.db}, {postgres_version()}")
    print(f"{total:,} reports; period {start} to {end} (exclusive)")

    def project() -> int:
        return len(hotspots_detect(start=start, end=end))

    def run(sql: str, sql_params: dict | None = None) -> list[tuple]:
        # JIT off, as hotspots_detect runs its statement.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(sql, sql_params)
            return cursor.fetchall()

    def floor() -> int:
        return len(run(FLOOR_SQL, params))

    # The project's statement as the server receives it, and its rows: the floor must give the same.
    with CaptureQueriesContext(connection) as captured:
        project()
    statements = [q["sql"] for q in captured.captured_queries]
    detect_sql = next(sql for sql in statements if "ST_ClusterDBSCAN" in sql)
    project_rows = [tuple(_normal(v) for v in row) for row in run(detect_sql)]
    floor_rows = [tuple(_normal(v) for v in row) for row in run(FLOOR_SQL, params)]
    if project_rows != floor_rows:
        differing = sum(1 for a, b in zip(project_rows, floor_rows, strict=False) if a != b)
        raise SystemExit(
            f"the floor's answer differs: {len(project_rows)} and {len(floor_rows)} rows, {differing} differ in order"
        )
    print(f"same answer: {len(project_rows)} hotspots, every column equal, in the same order")
    print(f"project statements: {len(statements)} ({', '.join(sql.split()[0] for sql in statements)})")
    found = {"project": project(), "floor": floor()}
    times: dict[str, list[float]] = {"project": [], "floor": []}
    for _ in range(args.runs):
        for name, fn in (("project", project), ("floor", floor)):
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)

    floor_plan = "\n".join(row[0] for row in run("EXPLAIN (ANALYZE, BUFFERS) " + FLOOR_SQL, params))
    project_plan = "\n".join(row[0] for row in run("EXPLAIN (ANALYZE, BUFFERS) " + detect_sql))
    print("\n-- floor plan\n" + floor_plan + "\n\n-- project plan\n" + project_plan)
    summary = {name: summary_ms(values) for name, values in times.items()}
    ratio = summary["project"]["median"] / summary["floor"]["median"]
    for name, s in summary.items():
        print(f"{name:8} median {s['median']:9.1f} ms  min {s['min']:9.1f}  max {s['max']:9.1f}  ({found[name]} found)")
    print(f"ratio project/floor (medians): {ratio:.2f}")
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
            "statements": len(statements),
            "plans": {"floor": floor_plan, "project": project_plan},
        },
    )


if __name__ == "__main__":
    main()
