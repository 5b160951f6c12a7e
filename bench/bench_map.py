#!/usr/bin/env python
"""The public map on the benchmark database (meldpunt_bench, about 1,000,000 reports): server-side clusters below
the detail zoom, the plain list from it on. Reads only: it neither migrates nor adds reports.

  (a) clusters for the whole city (bbox 2.84,51.16,3.01,51.25) at zoom 12, 14 and 16:
      selectors.public_report_clusters(bbox=, zoom=) evaluated to a list (it reads the stored cells of stats),
      against the same counts over the reports written by hand and run through a cursor (each visible report's
      Web Mercator tile, GROUP BY the cell);
  (b) clusters for screen-sized views (1280 x 800 pixels) at zoom 14 and 16 centred on random reports, so that
      the dense centre is among them: what the page asks while someone pans;
  (c) the list endpoint's bbox query at a zoom-17 screen: public_reports(bbox=) counted and its first page
      (100 rows) fetched, as the paginated list does, against the raw equivalent.

Each measurement runs a few warm-up rounds, then a bounded number of timed rounds, in one process with DEBUG off.
Both sides must give the same answer; EXPLAIN ANALYZE of the city-wide query at zoom 14 is printed.

    .venv/bin/python bench/bench_map.py                 # about 2 minutes
    .venv/bin/python bench/bench_map.py --repeat 5 --views 10

If meldpunt_bench is missing or nearly empty, build it first: .venv/bin/python bench/bench_queries.py --sizes 100k
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_DB, django_setup, machine, postgres_version, results_write, summary_ms  # noqa: E402

CITY = (2.84, 51.16, 3.01, 51.25)
CITY_ZOOMS = (12, 14, 16)
VIEW_ZOOMS = (14, 16)
LIST_ZOOM = 17
SCREEN_PX = (1280, 800)
PAGE_SIZE = 100  # the list endpoint's page
WARMUP = 2

# What public_reports shows, by hand: a public category, located, open or solved recently. Keep in step with
# selectors.public_reports; the "same answer" lines show when the two drift apart.
RAW_VISIBLE = """WHERE c.is_public AND r.point IS NOT NULL
  AND (r.status = ANY(%(open)s) OR (r.status = ANY(%(solved)s) AND r.updated_at >= %(solved_since)s))"""
# The same clusters counted over the reports themselves, by hand: every visible report in the cells over the box,
# grouped by its Web Mercator tile (what the clusters read before the stored cells, on their grid). Parameters
# only, no values formatted into the text.
RAW_CLUSTERS_SQL = (
    """
SELECT x, y, count(*) FROM (
  SELECT stats_cell_x(ST_X(geometry(r.point)), %(grid)s) AS x, stats_cell_y(ST_Y(geometry(r.point)), %(grid)s) AS y
  FROM reports_report r JOIN reports_category c ON c.id = r.category_id
"""
    + RAW_VISIBLE
    + """
    AND r.point && ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326)::geography
) s
WHERE x BETWEEN %(x0)s AND %(x1)s AND y BETWEEN %(y0)s AND %(y1)s
GROUP BY 1, 2
"""
)
RAW_LIST_WHERE = (
    """
FROM reports_report r JOIN reports_category c ON c.id = r.category_id
"""
    + RAW_VISIBLE
    + """
  AND ST_Intersects(r.point, ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326)::geography)
"""
)
RAW_LIST_COUNT_SQL = "SELECT count(*) " + RAW_LIST_WHERE
RAW_LIST_PAGE_SQL = (
    "SELECT r.id, r.reference, r.point " + RAW_LIST_WHERE + " ORDER BY r.created_at DESC, r.id DESC LIMIT %(limit)s"
)


def screen_bbox(lon: float, lat: float, zoom: int) -> tuple[float, float, float, float]:
    """The box a SCREEN_PX map shows at `zoom`, centred on (lon, lat) (Web Mercator, close enough for a city)."""
    degrees_per_px = 360 / 2**zoom / 256
    half_w = SCREEN_PX[0] / 2 * degrees_per_px
    half_h = SCREEN_PX[1] / 2 * degrees_per_px * math.cos(math.radians(lat))
    return (lon - half_w, lat - half_h, lon + half_w, lat + half_h)


def same_answers(project, raw, args_list) -> int:
    """How many of the argument sets get the same answer from both sides, asked back to back.

    Solved reports leave the public map as they age past MAPS_RECENTLY_SOLVED_DAYS, a few a minute on the demo
    data: answers timed seconds apart may differ by that, answers asked back to back (retried once) may not.
    """
    same = 0
    for args in args_list:
        same += any(project(*args) == raw(*args) for _attempt in range(2))
    return same


def timed(fn, args_list, repeat: int) -> tuple[list[float], list]:
    for args in args_list[:WARMUP]:
        fn(*args)
    times, answers = [], []
    for _ in range(repeat):
        for args in args_list:
            t0 = time.perf_counter()
            answer = fn(*args)
            times.append(time.perf_counter() - t0)
            answers.append(answer)
    return times, answers


def report_centres(n: int, seed: int) -> list[tuple[float, float]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000.0])
        cursor.execute(
            "SELECT ST_X(point::geometry), ST_Y(point::geometry) FROM reports_report r "
            "JOIN reports_category c ON c.id = r.category_id WHERE c.is_public AND point IS NOT NULL "
            "ORDER BY random() LIMIT %s",
            [n],
        )
        return [(round(x, 6), round(y, 6)) for x, y in cursor.fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=BENCH_DB)
    parser.add_argument("--repeat", type=int, default=10, help="timed rounds of each city-wide query")
    parser.add_argument("--views", type=int, default=30, help="screen-sized views per zoom, and list boxes")
    parser.add_argument("--seed", type=int, default=20260523)
    args = parser.parse_args()

    django_setup(args.db)
    from django.conf import settings
    from django.db import connection
    from django.db.utils import ProgrammingError
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from geo_meldpunt.reports.models import OPEN_STATUSES, SOLVED_STATUSES
    from geo_meldpunt.reports.selectors import PUBLIC_REPORT_FIELDS, public_report_clusters, public_reports
    from geo_meldpunt.stats.grid import cell_bounds, cell_range

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM reports_report")
            total = cursor.fetchone()[0]
    except ProgrammingError:
        total = 0
    if total < 10_000:
        sys.exit(
            f"{args.db} holds {total:,} reports: build it first with "
            ".venv/bin/python bench/bench_queries.py --sizes 100k (or 1M)"
        )
    public_total = public_reports().count()

    def visible() -> dict:
        """public_reports' parameters, now: "recently solved" is measured from the moment of the query."""
        return {
            "open": [str(x) for x in OPEN_STATUSES],
            "solved": [str(x) for x in SOLVED_STATUSES],
            "solved_since": timezone.now() - dt.timedelta(days=settings.MAPS_RECENTLY_SOLVED_DAYS),
        }

    info = {"machine": machine(), "postgres": postgres_version(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    print(f"machine: {info['machine']}\ndatabase: {args.db}, {info['postgres']}")
    print(f"reports: {total:,} in the table, {public_total:,} on the public map (public_reports)")

    def project_clusters(bbox, zoom):
        return sorted(
            (round(c.cell[0], 9), round(c.cell[1], 9), c.count) for c in public_report_clusters(bbox=bbox, zoom=zoom)
        )

    def raw_clusters(bbox, zoom):
        grid = zoom + 2
        x0, y0, x1, y1 = cell_range(bbox, grid)
        area = (*cell_bounds(grid, x0, y1)[:2], *cell_bounds(grid, x1, y0)[2:])
        params = {"grid": grid, "x0": x0, "x1": x1, "y0": y0, "y1": y1}
        params.update(zip(("minlon", "minlat", "maxlon", "maxlat"), area, strict=True))
        with connection.cursor() as cursor:
            cursor.execute(RAW_CLUSTERS_SQL, {**params, **visible()})
            return sorted(
                (round(cell_bounds(grid, x, y)[0], 9), round(cell_bounds(grid, x, y)[1], 9), n)
                for x, y, n in cursor.fetchall()
            )

    def project_list(bbox):
        # The list endpoint counts, then fetches a page. Only the public fields: the benchmark database is not
        # migrated, and later migrations may have added columns it lacks.
        qs = public_reports(bbox=bbox).select_related(None).select_related("category", "department")
        qs = qs.only(*PUBLIC_REPORT_FIELDS)
        return qs.count(), [r.pk for r in qs[:PAGE_SIZE]]

    def raw_list(bbox):
        params = {"minlon": bbox[0], "minlat": bbox[1], "maxlon": bbox[2], "maxlat": bbox[3], "limit": PAGE_SIZE}
        params.update(visible())
        with connection.cursor() as cursor:
            cursor.execute(RAW_LIST_COUNT_SQL, params)
            count = cursor.fetchone()[0]
            cursor.execute(RAW_LIST_PAGE_SQL, params)
            return count, [row[0] for row in cursor.fetchall()]

    results: dict = {**info, "reports": total, "public": public_total, "city": {}, "views": {}}

    def row(name, s, base=None):
        ratio = f"{s['median'] / base['median']:6.2f}x" if base else "       "
        print(f"  {name:<44} median {s['median']:8.2f} ms   p95 {s['p95']:8.2f} ms   {ratio}")

    print(f"\n== clusters, whole city {CITY}, {args.repeat} rounds each ==")
    for zoom in CITY_ZOOMS:
        t_p, a_p = timed(project_clusters, [(CITY, zoom)], args.repeat)
        t_r, _raw_answers = timed(raw_clusters, [(CITY, zoom)], args.repeat)
        same = same_answers(project_clusters, raw_clusters, [(CITY, zoom)]) == 1
        cells = len(a_p[0])
        print(f"zoom {zoom}: {cells:,} cells, {sum(c[2] for c in a_p[0]):,} reports counted, same answer: {same}")
        row("public_report_clusters() -> list", summary_ms(t_p), summary_ms(t_r))
        row("raw SQL through a cursor", summary_ms(t_r))
        results["city"][zoom] = {
            "cells": cells,
            "project": summary_ms(t_p),
            "raw": summary_ms(t_r),
            "same_answer": same,
        }

    centres = report_centres(args.views, args.seed)
    print(f"\n== clusters, {SCREEN_PX[0]}x{SCREEN_PX[1]} px views centred on {len(centres)} random public reports ==")
    for zoom in VIEW_ZOOMS:
        boxes = [(screen_bbox(lon, lat, zoom), zoom) for lon, lat in centres]
        t_p, a_p = timed(project_clusters, boxes, 1)
        t_r, _raw_answers = timed(raw_clusters, boxes, 1)
        same = same_answers(project_clusters, raw_clusters, boxes)
        counted = [sum(c[2] for c in answer) for answer in a_p]
        print(
            f"zoom {zoom}: reports per view median {sorted(counted)[len(counted) // 2]:,}, max {max(counted):,}; "
            f"same answer {same}/{len(boxes)}"
        )
        row("public_report_clusters() -> list", summary_ms(t_p), summary_ms(t_r))
        row("raw SQL through a cursor", summary_ms(t_r))
        results["views"][zoom] = {"project": summary_ms(t_p), "raw": summary_ms(t_r), "same_answer": same}

    boxes = [(screen_bbox(lon, lat, LIST_ZOOM),) for lon, lat in centres]
    t_p, a_p = timed(project_list, boxes, 1)
    t_r, _raw_answers = timed(raw_list, boxes, 1)
    same = same_answers(project_list, raw_list, boxes)
    counts = sorted(count for count, _page in a_p)
    print(
        f"\n== list endpoint's bbox query at zoom {LIST_ZOOM} ({SCREEN_PX[0]}x{SCREEN_PX[1]} px), count + first page "
        f"of {PAGE_SIZE} =="
    )
    print(f"reports per view median {counts[len(counts) // 2]:,}, max {counts[-1]:,}; same answer {same}/{len(boxes)}")
    row("public_reports(bbox=) count + page", summary_ms(t_p), summary_ms(t_r))
    row("raw SQL through a cursor", summary_ms(t_r))
    results["list_zoom17"] = {"project": summary_ms(t_p), "raw": summary_ms(t_r), "same_answer": same}

    print("\nEXPLAIN ANALYZE public_report_clusters(bbox=city, zoom=14) (the stored cells):")
    with CaptureQueriesContext(connection) as captured:
        public_report_clusters(bbox=CITY, zoom=14)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + captured.captured_queries[-1]["sql"])
        for (line,) in cursor.fetchall():
            print("    " + line)
    print(f"\nresults: {results_write('map', results)}")


if __name__ == "__main__":
    main()
