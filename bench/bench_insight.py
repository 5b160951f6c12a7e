#!/usr/bin/env python
"""The insight dashboard's main aggregates and the full CSV export, against their floors, in-process on both sides.

The benchmark database (meldpunt_bench) is brought to `--size` demo reports (generate_reports --ensure; sizes only
grow) and analysed, then, for the last complete year and for the current month:

  (a) counts per kind, category, department, zone and channel beside the previous period
      (stats.dashboard.report_counts, one GROUPING SETS scan);
  (b) timeliness, handling-time percentiles and ombudsman referrals per department and category
      (stats.quality.report_timeliness);
  (c) the open backlog and its age per department (stats.quality.open_backlog);
  each against its floor: the statement a PostgreSQL expert would write for the same question (FLOOR_*_SQL below),
  whose answer the script checks is the project's, row for row. The project's side runs as the page runs it (in
  stats.jit.jit_off: SET LOCAL jit = off, then the statement); its statement is also timed with JIT on, as it ran
  before, to show what JIT cost;
  (d) the full report list as CSV (stats.report_list through csv.writer, as the view streams it) against
      COPY (SELECT the same columns) TO STDOUT, both written to /dev/null: time, and the process's peak RSS
      growth during the project's export (ru_maxrss; the COPY runs after it).

Each set runs interleaved (project, project with JIT, floor, ...) `--repeat` times; EXPLAIN (ANALYZE, BUFFERS) of
every statement is printed. Figures go to bench/results/insight-<size>.json.

    .venv/bin/python bench/bench_insight.py --size 1M --repeat 7
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import time
from decimal import Decimal
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

# The floors: the statement a PostgreSQL expert would write for the same question, giving the same rows as the
# project's (checked in the run: both answers compared, floats to 1e-9 relative), JIT off as the page runs.
#
# (a) Counts per kind, category, department, zone and channel beside the previous period: group the rows once at the
#     finest grain (a few thousand groups, one hash), then roll the small result up into the five dimensions.
FLOOR_COUNT_SQL = """
WITH fine AS (
    SELECT r.kind, r.category_id, r.department_id, r.zone_id, r.channel,
           count(*) FILTER (WHERE r.created_at >= %(start)s) AS current,
           count(*) FILTER (WHERE r.created_at < %(start)s) AS previous
    FROM reports_report r
    WHERE r.created_at >= %(previous_start)s AND r.created_at < %(end)s
    GROUP BY 1, 2, 3, 4, 5
)
SELECT GROUPING(kind, category_id, department_id, zone_id, channel), kind, category_id, department_id, zone_id,
       channel, sum(current)::bigint, sum(previous)::bigint
FROM fine
GROUP BY GROUPING SETS ((kind), (category_id), (department_id), (zone_id), (channel))
"""
# (b) Timeliness, handling-time percentiles and ombudsman referrals per department, per category and in total, for
#     the period and the one before: the referrals as one hashed set joined to the reports (not a lookup per row).
FLOOR_TIMELINESS_SQL = """
SELECT GROUPING(department_id, category_id), current, department_id, category_id, count(*),
       count(*) FILTER (WHERE acknowledge_due IS NOT NULL
                        AND (acknowledged_at IS NOT NULL OR (status = 'nieuw' AND acknowledge_due < %(today)s))),
       count(*) FILTER (WHERE (acknowledged_at AT TIME ZONE 'Europe/Brussels')::date <= acknowledge_due),
       count(*) FILTER (WHERE answer_due IS NOT NULL
                        AND (answered_at IS NOT NULL
                             OR (status IN ('nieuw', 'ontvangen', 'in_behandeling', 'heropend')
                                 AND answer_due < %(today)s))),
       count(*) FILTER (WHERE (answered_at AT TIME ZONE 'Europe/Brussels')::date <= answer_due),
       count(answered_at),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM answered_at - created_at)),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM answered_at - created_at)),
       count(*) FILTER (WHERE answered_at IS NOT NULL AND referred)
FROM (
    SELECT r.department_id, r.category_id, r.status, r.created_at, r.acknowledge_due, r.acknowledged_at,
           r.answer_due, r.answered_at, r.created_at >= %(start)s AS current, o.report_id IS NOT NULL AS referred
    FROM reports_report r
    LEFT JOIN (SELECT DISTINCT report_id FROM feedback_ombudsmanreferral) o ON o.report_id = r.id
    WHERE r.created_at >= %(previous_start)s AND r.created_at < %(end)s
) r
GROUP BY GROUPING SETS ((current, department_id), (current, category_id), (current))
"""
# (c) The open backlog per department and in total: the open reports' ages by their creation time.
FLOOR_BACKLOG_SQL = """
SELECT GROUPING(department_id), department_id, count(*),
       count(*) FILTER (WHERE (status = 'nieuw' AND acknowledge_due < %(today)s)
                        OR (status IN ('nieuw', 'ontvangen', 'in_behandeling', 'heropend') AND answer_due < %(today)s)),
       count(*) FILTER (WHERE created_at > %(now)s - interval '7 days'),
       count(*) FILTER (WHERE created_at <= %(now)s - interval '7 days' AND created_at > %(now)s - interval '30 days'),
       count(*) FILTER (WHERE created_at <= %(now)s - interval '30 days' AND created_at > %(now)s - interval '90 days'),
       count(*) FILTER (WHERE created_at <= %(now)s - interval '90 days'),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM %(now)s - created_at)),
       extract(epoch FROM %(now)s - min(created_at))
FROM reports_report
WHERE status IN ('nieuw', 'ontvangen', 'in_behandeling', 'wacht_op_melder', 'doorverwezen', 'heropend')
GROUP BY ROLLUP (department_id)
"""
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


def interleaved(sides: dict, repeat: int) -> dict[str, list[float]]:
    """Each side once to warm up, then `repeat` rounds of every side in turn; seconds per side."""
    for fn in sides.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(repeat):
        for name, fn in sides.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return times


def run_sql(sql: str, params: dict | None = None, *, jit: bool = False) -> list[tuple]:
    """One statement in its own transaction, with JIT off (as the dashboard runs its statements) unless `jit`."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if not jit:
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return cursor.fetchall()


def explain(sql: str, params: dict | None = None, *, jit: bool = False) -> str:
    return "\n".join(row[0] for row in run_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql, params, jit=jit))


def captured_sql(fn) -> tuple[str, int]:
    """The one query `fn` sends (besides BEGIN, SET LOCAL and COMMIT), as the server receives it, and how many
    statements `fn` sends in all."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    sent = [q["sql"] for q in captured.captured_queries]
    queries = [sql for sql in sent if not sql.startswith(("SET LOCAL", "BEGIN", "COMMIT"))]
    assert len(queries) == 1, sent
    return queries[0], len(sent)


def _normal(value):
    if isinstance(value, Decimal | float):
        return float(f"{float(value):.9g}")
    return value


def same_answer(project_rows: list[tuple], floor_rows: list[tuple], what: str) -> int:
    """Both answers as sorted lists of rows (floats to 9 significant digits); stops the run when they differ."""
    a = sorted((tuple(_normal(v) for v in row) for row in project_rows), key=repr)
    b = sorted((tuple(_normal(v) for v in row) for row in floor_rows), key=repr)
    if a != b:
        raise SystemExit(f"{what}: the floor's answer differs from the project's ({len(a)} and {len(b)} rows)")
    return len(a)


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
    from django.utils import timezone

    from geo_meldpunt.stats import dashboard, quality
    from geo_meldpunt.stats.filters import MONTH, Period, ReportFilter
    from geo_meldpunt.stats.jit import jit_off

    now = timezone.now()
    today = timezone.localdate()
    everything = ReportFilter()
    out: dict = {}

    def pair(name: str, project, floor_sql: str, params: dict) -> dict:
        """The project's function as the page calls it (in jit_off), the same statement with JIT on (as before),
        and the floor; answers compared first."""

        def in_page():
            with jit_off():
                return project()

        statement, statements = captured_sql(in_page)
        rows = same_answer(run_sql(statement), run_sql(floor_sql, params), name)
        times = interleaved(
            {
                "project": in_page,
                "project_jit_on": lambda: run_sql(statement, jit=True),
                "floor": lambda: run_sql(floor_sql, params),
            },
            repeat,
        )
        return {
            **{side: summary_ms(values) for side, values in times.items()},
            "rows": rows,
            "statements": statements,
            "explain_project": explain(statement),
            "explain_project_jit_on": explain(statement, jit=True),
            "explain_floor": explain(floor_sql, params),
        }

    for name, period in (
        ("last_year", Period.year(today.year - 1)),
        ("this_month", Period.containing(today, MONTH)),
    ):
        bounds = {"previous_start": period.previous_start, "start": period.start, "end": period.end, "today": today}
        out[name] = {
            "counts": pair(
                f"counts {name}",
                lambda period=period: dashboard.report_counts(period=period, report_filter=everything),
                FLOOR_COUNT_SQL,
                bounds,
            ),
            "timeliness": pair(
                f"timeliness {name}",
                lambda period=period: quality.report_timeliness(period=period, report_filter=everything, today=today),
                FLOOR_TIMELINESS_SQL,
                bounds,
            ),
        }
    out["backlog"] = pair(
        "backlog",
        lambda: quality.open_backlog(report_filter=everything, now=now),
        FLOOR_BACKLOG_SQL,
        {"now": now, "today": now.astimezone(timezone.get_current_timezone()).date()},
    )

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
        print(f"  {name:<52} median {s['median']:9.2f} ms  [{s['min']:.2f} - {s['max']:.2f}]  {ratio}")

    def figure(title: str, r: dict) -> None:
        print(f"  {title} ({r['rows']} rows, the same in project and floor)")
        row(f"project ({r['statements']} statements: BEGIN, SET LOCAL jit, query, COMMIT)", r["project"], r["floor"])
        row("the project's query alone with JIT on (as before)", r["project_jit_on"], r["floor"])
        row("floor: the expert's query, same answer (JIT off)", r["floor"])

    for period in ("last_year", "this_month"):
        print(f"\n{period}")
        figure("counts per kind, category, department, zone, channel", res[period]["counts"])
        figure("timeliness, percentiles, ombudsman", res[period]["timeliness"])
    print()
    figure("open backlog and its age per department", res["backlog"])
    e = res["export"]
    print(
        f"\nexport of {e['rows']:,} rows: project {e['project_s']:.1f} s, floor COPY {e['floor_copy_s']:.1f} s "
        f"({e['project_s'] / e['floor_copy_s']:.2f}x); peak RSS {e['peak_rss_mib']:.0f} MiB "
        f"(+{e['rss_growth_mib']:.0f} MiB during the export)"
    )
    plans = {}
    for period in ("last_year", "this_month"):
        for figure_name in ("counts", "timeliness"):
            r = res[period][figure_name]
            for side in ("project", "project_jit_on", "floor"):
                plans[f"{side} {figure_name} ({period})"] = r[f"explain_{side}"]
    for side in ("project", "project_jit_on", "floor"):
        plans[f"{side} backlog"] = res["backlog"][f"explain_{side}"]
    for name, plan in plans.items():
        print(f"\nEXPLAIN {name}")
        for line in plan.splitlines():
            print("    " + line)
    results_write(f"insight-{total}", {**info, **res})


if __name__ == "__main__":
    main()
