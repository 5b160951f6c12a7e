#!/usr/bin/env python
"""The insight dashboard's main aggregates and the full CSV export, against their floors, in-process on both sides.

The benchmark database (meldpunt_bench) is brought to `--size` demo reports (generate_reports --ensure; sizes only
grow) and analysed, then, for the last complete year and for the current month:

  (a) counts per kind, category, department, zone and channel beside the previous period
      (stats.dashboard.report_counts, one GROUPING SETS scan), against the floor: one count(*) of the same rows
      (no aggregate over them can read less);
  (b) timeliness, handling-time percentiles and ombudsman referrals per department and category
      (stats.quality.report_timeliness), against the floor: the same rows read once with the timeliness columns
      summed (count FILTER), without percentiles or grouping sets;
  (c) the open backlog (stats.quality.open_backlog) against count(*) of the open reports;
  (d) the full report list as CSV (stats.report_list through csv.writer, as the view streams it) against
      COPY (SELECT the same columns) TO STDOUT, both written to /dev/null: time, and the process's peak RSS
      growth during the project's export (ru_maxrss; the COPY runs after it).

Each pair runs interleaved (project, floor, project, floor, ...) `--repeat` times; EXPLAIN (ANALYZE) of every query
is printed. Figures go to bench/results/insight-<size>.json; none are recorded in docs/benchmarks.md by this script.

    .venv/bin/python bench/bench_insight.py --size 1M --repeat 7
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    BENCH_DB,
    conninfo,
    django_setup,
    machine,
    postgres_version,
    reference_data_ensure,
    results_write,
    summary_ms,
)

FLOOR_COUNT_SQL = (
    "SELECT count(*) FROM reports_report r WHERE r.created_at >= %(previous_start)s AND r.created_at < %(end)s"
)
FLOOR_TIMELINESS_SQL = """
SELECT count(*), count(r.acknowledged_at), count(r.answered_at),
       count(*) FILTER (WHERE (r.answered_at AT TIME ZONE 'Europe/Brussels')::date <= r.answer_due)
FROM reports_report r WHERE r.created_at >= %(previous_start)s AND r.created_at < %(end)s
"""
FLOOR_BACKLOG_SQL = "SELECT count(*) FROM reports_report r WHERE r.status = ANY(%(open)s)"
FLOOR_EXPORT_SQL = """
COPY (
  SELECT r.reference, r.kind, c.slug, d.slug, z.slug, r.channel, r.status, r.created_at, r.acknowledge_due,
         r.acknowledged_at, r.answer_due, r.answered_at, r.closed_at, r.paused_days, r.impact,
         round(ST_X(r.point::geometry)::numeric, 4), round(ST_Y(r.point::geometry)::numeric, 4),
         (SELECT s.score FROM feedback_satisfactionsurvey s WHERE s.report_id = r.id AND s.answered_at IS NOT NULL
          ORDER BY s.answered_at DESC LIMIT 1),
         EXISTS (SELECT 1 FROM feedback_ombudsmanreferral o WHERE o.report_id = r.id)
  FROM reports_report r JOIN reports_category c ON c.id = r.category_id
       JOIN zones_department d ON d.id = r.department_id LEFT JOIN zones_zone z ON z.id = r.zone_id
  ORDER BY r.created_at, r.id
) TO STDOUT WITH (FORMAT csv, HEADER)
"""


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * factor)


def interleaved(project, floor, repeat: int) -> tuple[list[float], list[float]]:
    project()
    floor()  # warm both once
    t_project, t_floor = [], []
    for _ in range(repeat):
        for fn, times in ((project, t_project), (floor, t_floor)):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    return t_project, t_floor


def explain(sql: str, params: dict) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def export_project() -> int:
    from geo_meldpunt.stats.filters import ReportFilter
    from geo_meldpunt.stats.report_list import COLUMNS, report_list_rows

    with open("/dev/null", "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        n = 0
        for row in report_list_rows(report_filter=ReportFilter()):
            writer.writerow(row)
            n += 1
    return n


def export_floor() -> None:
    import psycopg
    from django.conf import settings

    with (
        psycopg.connect(conninfo(settings.DATABASES["default"]["NAME"])) as conn,
        conn.cursor() as cursor,
        cursor.copy(FLOOR_EXPORT_SQL) as copy,
        open("/dev/null", "wb") as out,
    ):
        for data in copy:
            out.write(data)


def bench(repeat: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from geo_meldpunt.reports.choices import OPEN_STATUSES
    from geo_meldpunt.stats import dashboard, quality
    from geo_meldpunt.stats.filters import MONTH, Period, ReportFilter

    today = timezone.localdate()
    everything = ReportFilter()
    out: dict = {}
    for name, period in (
        ("last_year", Period.year(today.year - 1)),
        ("this_month", Period.containing(today, MONTH)),
    ):
        bounds = {"previous_start": period.previous_start, "end": period.end}

        def floor_count(bounds=bounds):
            with connection.cursor() as cursor:
                cursor.execute(FLOOR_COUNT_SQL, bounds)
                return cursor.fetchone()

        def floor_timeliness(bounds=bounds):
            with connection.cursor() as cursor:
                cursor.execute(FLOOR_TIMELINESS_SQL, bounds)
                return cursor.fetchone()

        counts = interleaved(
            lambda period=period: dashboard.report_counts(period=period, report_filter=everything), floor_count, repeat
        )
        timeliness = interleaved(
            lambda period=period: quality.report_timeliness(period=period, report_filter=everything, today=today),
            floor_timeliness,
            repeat,
        )
        out[name] = {
            "counts": {"project": summary_ms(counts[0]), "floor": summary_ms(counts[1])},
            "timeliness": {"project": summary_ms(timeliness[0]), "floor": summary_ms(timeliness[1])},
            "explain_floor_count": explain(FLOOR_COUNT_SQL, bounds),
            "explain_floor_timeliness": explain(FLOOR_TIMELINESS_SQL, bounds),
        }
    open_statuses = [str(s) for s in OPEN_STATUSES]

    def floor_backlog():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_BACKLOG_SQL, {"open": open_statuses})
            return cursor.fetchone()

    backlog = interleaved(
        lambda: quality.open_backlog(report_filter=everything, now=timezone.now()), floor_backlog, repeat
    )
    out["backlog"] = {
        "project": summary_ms(backlog[0]),
        "floor": summary_ms(backlog[1]),
        "explain_floor": explain(FLOOR_BACKLOG_SQL, {"open": open_statuses}),
    }
    # The project's own statements, as the server runs them (captured, then explained).
    out["explain_project"] = project_plans(today)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    rows = export_project()
    export_s = time.perf_counter() - t0
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    export_floor()
    floor_s = time.perf_counter() - t0
    out["export"] = {
        "rows": rows,
        "project_s": export_s,
        "floor_copy_s": floor_s,
        "peak_rss_mib": rss_after / 1024,
        "rss_growth_mib": (rss_after - rss_before) / 1024,
    }
    return out


def project_plans(today: dt.date) -> dict[str, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from geo_meldpunt.stats import dashboard, quality
    from geo_meldpunt.stats.filters import Period, ReportFilter

    period = Period.year(today.year - 1)
    plans = {}
    with CaptureQueriesContext(connection) as captured:
        dashboard.report_counts(period=period, report_filter=ReportFilter())
        quality.report_timeliness(period=period, report_filter=ReportFilter(), today=today)
        quality.open_backlog(report_filter=ReportFilter(), now=timezone.now())
    with connection.cursor() as cursor:
        for name, query in zip(("counts", "timeliness", "backlog"), captured.captured_queries, strict=True):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plans[name] = "\n".join(row[0] for row in cursor.fetchall())
    return plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="", help="ensure this many demo reports first (e.g. 1M); default: as is")
    parser.add_argument("--repeat", type=int, default=7, help="interleaved runs per pair")
    parser.add_argument("--seed", type=int, default=20260523)
    parser.add_argument("--db", default=BENCH_DB, help="database to measure (default meldpunt_bench)")
    args = parser.parse_args()

    django_setup(args.db)
    from django.core.management import call_command
    from django.db import connection

    reference_data_ensure()
    if args.size:
        size = parse_size(args.size)
        call_command("generate_reports", "--ensure", str(size), "--seed", str(args.seed + size))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) reports_report")
        cursor.execute("SELECT count(*) FROM reports_report")
        total = cursor.fetchone()[0]
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    info = {"machine": machine(), "load": load, "postgres": postgres_version(), "reports": total}
    print(
        f"machine: {info['machine']}, load {' '.join(load)}\ndatabase: {args.db}, {info['postgres']}, {total:,} reports"
    )
    res = bench(args.repeat)

    def row(name, s, base=None):
        ratio = f"{s['median'] / base['median']:6.2f}x" if base else ""
        print(f"  {name:<44} median {s['median']:9.2f} ms  [{s['min']:.2f} - {s['max']:.2f}]  {ratio}")

    for period in ("last_year", "this_month"):
        r = res[period]
        print(f"\n{period}")
        row("stats.dashboard.report_counts", r["counts"]["project"], r["counts"]["floor"])
        row("floor: count(*) of the same rows", r["counts"]["floor"])
        row("stats.quality.report_timeliness", r["timeliness"]["project"], r["timeliness"]["floor"])
        row("floor: the timeliness columns summed once", r["timeliness"]["floor"])
    row("\nstats.quality.open_backlog", res["backlog"]["project"], res["backlog"]["floor"])
    row("floor: count(*) of open reports", res["backlog"]["floor"])
    e = res["export"]
    print(
        f"\nexport of {e['rows']:,} rows: project {e['project_s']:.1f} s, floor COPY {e['floor_copy_s']:.1f} s "
        f"({e['project_s'] / e['floor_copy_s']:.2f}x); peak RSS {e['peak_rss_mib']:.0f} MiB "
        f"(+{e['rss_growth_mib']:.0f} MiB during the export)"
    )
    for name, plan in {
        **{f"project {k}": v for k, v in res["explain_project"].items()},
        "floor count (last year)": res["last_year"]["explain_floor_count"],
        "floor timeliness (last year)": res["last_year"]["explain_floor_timeliness"],
        "floor backlog": res["backlog"]["explain_floor"],
    }.items():
        print(f"\nEXPLAIN {name}")
        for line in plan.splitlines():
            print("    " + line)
    results_write(f"insight-{total}", {**info, **res})


if __name__ == "__main__":
    main()
