#!/usr/bin/env python
"""The public map on the benchmark database (meldpunt_bench, about 1,000,000 reports): server-side clusters below
the detail zoom, the plain list from it on. Reads only: it neither migrates nor adds reports. Everything runs in
one process with DEBUG off, and each pair is interleaved (project, floor, project, floor, ...).

  (a) clusters for the whole city (bbox 2.84,51.16,3.01,51.25) at zoom 12, 14 and 16, four sides per round:
      - the endpoint, GET /api/v1/reports/clusters/?bbox=&zoom= through Django's test client (view, selector, JSON;
        the response's size in bytes is printed: the goal is under 50 ms and 200 KB city-wide);
      - the floor for the endpoint: one statement a PostGIS expert would write on the same stored cells
        (stats_mapcell, the all-public-categories rows, grouped to the zoom's grid) that builds the same GeoJSON
        text in PostgreSQL, fetched through a cursor (no correction for solved reports that aged off the map since
        the last sweep: a lower bound; "same cells" allows the counts to differ by those few reports only);
      - public_report_clusters_geojson() alone (the selector the endpoint calls: the cells' GeoJSON written by
        PostgreSQL), and
      - for reference, the best query without stored cells: every visible report in the box grouped by its cell.
  (b) clusters for screen-sized views (1280 x 800 pixels) at zoom 14 and 16 centred on random reports, so that
      the dense centre is among them: the endpoint against the same cells floor;
  (c) the list at a zoom-17 screen, as the map asks it: GET /api/v1/reports/?bbox=<screen>&page_size=500 (the
      first keyset page, no count) against the raw first page: the same rows by hand (the visible reports in
      the box, newest first, LIMIT 500, with the public photos) through a cursor, with the same columns the
      endpoint reads, and the same planner settings (no parallel workers, no JIT: a walk of a few hundred index
      entries, see selectors.public_map_page).

Both sides must give the same answer; EXPLAIN ANALYZE of the floors is printed, and the SQL statements of one
endpoint call. Python's garbage collector is watched: the time its collections took inside each timed call is
summed per side ("gc"), so that a slow outlier can be told apart from a slow query.

    .venv/bin/python bench/bench_map.py --db meldpunt_bench --repeat 10 --views 30

If meldpunt_bench is missing or nearly empty, build it first: .venv/bin/python bench/bench_queries.py --sizes 1M
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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
LIST_PAGE_SIZE = 500  # what the map asks from the detail zoom on (maps.views.public: page_size)
SCREEN_PX = (1280, 800)
WARMUP = 2

# What public_reports shows, by hand: a public kind (never a klacht or a compliment) in a public category, located,
# open or solved recently. Keep in step with
# selectors.public_reports; the "same answer" lines show when the two drift apart.
RAW_VISIBLE = """WHERE c.is_public AND r.kind IN ('melding', 'suggestie') AND r.point IS NOT NULL
  AND (r.status = ANY(%(open)s) OR (r.status = ANY(%(solved)s) AND r.updated_at >= %(solved_since)s))"""

# The floor of the endpoint: the stored cells of all public categories (category_id 0), open and solved, grouped
# from the stored grid to the zoom's grid, and the GeoJSON written in PostgreSQL, compactly by string concatenation
# (json_build_object writes " : " and ", " and is slower). Served by the unique index mapcell_key
# (grid, ix, iy, category_id, status_group).
FLOOR_CELLS_SQL = """
SELECT '{"type":"FeatureCollection","features":[' || coalesce(string_agg(
  '{"type":"Feature","geometry":{"type":"Point","coordinates":['
  || round(lon::numeric, 6)::float8 || ',' || round(lat::numeric, 6)::float8
  || ']},"properties":{"count":' || n || ',"cell":['
  || round((x * 360.0 / 2 ^ %(grid)s - 180)::numeric, 7)::float8 || ','
  || round(degrees(atan(sinh(pi() * (1 - 2.0 * (y + 1) / 2 ^ %(grid)s))))::numeric, 7)::float8 || ','
  || round(((x + 1) * 360.0 / 2 ^ %(grid)s - 180)::numeric, 7)::float8 || ','
  || round(degrees(atan(sinh(pi() * (1 - 2.0 * y / 2 ^ %(grid)s))))::numeric, 7)::float8
  || ']}}', ','), '') || ']}'
FROM (
  SELECT ix >> %(shift)s AS x, iy >> %(shift)s AS y, sum(n) AS n,
         sum(lon_sum) / sum(n) AS lon, sum(lat_sum) / sum(n) AS lat
  FROM stats_mapcell
  WHERE grid = %(stored)s AND category_id = 0 AND status_group IN ('open', 'solved')
    AND ix BETWEEN %(x0)s AND %(x1)s AND iy BETWEEN %(y0)s AND %(y1)s
  GROUP BY 1, 2
  HAVING sum(n) > 0
) cells
"""

# For reference: the same clusters counted over the reports themselves (no stored cells): every visible report in
# the cells over the box, grouped by its Web Mercator tile.
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

# The floor of the list's first page: the visible reports in the box, newest first, with the columns the endpoint
# serialises (and its category and department), LIMIT the page. The status list repeats the partial index
# report_public_recent's predicate (open or solved), so the planner may walk it newest first.
RAW_LIST_PAGE_SQL = (
    """
SELECT r.reference, r.id, r.kind, r.status, r.address, r.created_at, ST_X(r.point::geometry), ST_Y(r.point::geometry),
       c.slug, c.name_nl, d.name_nl,
       ARRAY(SELECT p.image FROM reports_reportphoto p WHERE c.photos_public AND p.report_id = r.id ORDER BY p.id)
FROM reports_report r
JOIN reports_category c ON c.id = r.category_id
JOIN zones_department d ON d.id = r.department_id
"""
    + RAW_VISIBLE
    + """
  AND r.status = ANY(%(map_statuses)s)
  AND ST_Intersects(r.point, ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326)::geography)
ORDER BY r.created_at DESC, r.id DESC
LIMIT %(limit)s
"""
)


# A LIMIT walk down an index: one backend process, not JIT-compiled (what selectors.public_map_page sets too).
PAGE_SETTINGS_SQL = "SELECT set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true)"


def screen_bbox(lon: float, lat: float, zoom: int) -> tuple[float, float, float, float]:
    """The box a SCREEN_PX map shows at `zoom`, centred on (lon, lat) (Web Mercator, close enough for a city)."""
    degrees_per_px = 360 / 2**zoom / 256
    half_w = SCREEN_PX[0] / 2 * degrees_per_px
    half_h = SCREEN_PX[1] / 2 * degrees_per_px * math.cos(math.radians(lat))
    return (lon - half_w, lat - half_h, lon + half_w, lat + half_h)


GC_PAUSES: list[tuple[int, float, float]] = []  # (generation, start, seconds) of every collection


def _gc_watch(phase: str, info: dict) -> None:
    if phase == "start":
        GC_PAUSES.append((info["generation"], time.perf_counter(), 0.0))
    elif GC_PAUSES:
        generation, started, _ = GC_PAUSES[-1]
        GC_PAUSES[-1] = (generation, started, time.perf_counter() - started)


GC_MS: dict[str, list[float]] = {}  # per side: the collections' time inside each timed call, ms


def interleaved(sides: dict, args_list: list, repeat: int) -> tuple[dict[str, list[float]], dict[str, list]]:
    """Each side once per argument set, in turn, `repeat` rounds (after WARMUP untimed calls of each)."""
    for args in args_list[:WARMUP]:
        for fn in sides.values():
            fn(*args)
    times: dict[str, list[float]] = {name: [] for name in sides}
    answers: dict[str, list] = {name: [] for name in sides}
    GC_MS.clear()
    for _ in range(repeat):
        for args in args_list:
            for name, fn in sides.items():
                seen = len(GC_PAUSES)
                t0 = time.perf_counter()
                answer = fn(*args)
                times[name].append(time.perf_counter() - t0)
                GC_MS.setdefault(name, []).append(sum(p for _g, _s, p in GC_PAUSES[seen:]) * 1000)
                answers[name].append(answer)
    return times, answers


def report_centres(n: int, seed: int) -> list[tuple[float, float]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000.0])
        cursor.execute(
            "SELECT ST_X(point::geometry), ST_Y(point::geometry) FROM reports_report r "
            "JOIN reports_category c ON c.id = r.category_id WHERE c.is_public AND point IS NOT NULL "
            "AND r.kind IN ('melding', 'suggestie') "
            "ORDER BY random() LIMIT %s",
            [n],
        )
        return [(round(x, 6), round(y, 6)) for x, y in cursor.fetchall()]


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=BENCH_DB)
    parser.add_argument("--repeat", type=int, default=10, help="timed rounds of each city-wide query")
    parser.add_argument("--views", type=int, default=30, help="screen-sized views per zoom, and list boxes")
    parser.add_argument("--seed", type=int, default=20260523)
    args = parser.parse_args()

    django_setup(args.db)
    import gc

    from django.conf import settings
    from django.db import connection, transaction
    from django.db.utils import ProgrammingError
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from geo_meldpunt.reports.models import OPEN_STATUSES, SOLVED_STATUSES
    from geo_meldpunt.reports.selectors import public_report_clusters_geojson, public_reports
    from geo_meldpunt.stats.cells import _range
    from geo_meldpunt.stats.grid import cell_bounds, cell_range, grid_for_zoom

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
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()

    def visible() -> dict:
        """public_reports' parameters, now: "recently solved" is measured from the moment of the query."""
        return {
            "open": [str(x) for x in OPEN_STATUSES],
            "solved": [str(x) for x in SOLVED_STATUSES],
            "solved_since": timezone.now() - dt.timedelta(days=settings.MAPS_RECENTLY_SOLVED_DAYS),
            "map_statuses": [str(x) for x in (*OPEN_STATUSES, *SOLVED_STATUSES)],
        }

    info = {"machine": machine(), "postgres": postgres_version(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    print(f"machine: {info['machine']}\ndatabase: {args.db}, {info['postgres']}\nload before: {loadavg()}")
    print(f"reports: {total:,} in the table, {public_total:,} on the public map (public_reports)")

    def bbox_text(bbox) -> str:
        return ",".join(f"{v:.6f}" for v in bbox)

    def endpoint_clusters(bbox, zoom):
        response = client.get(f"/api/v1/reports/clusters/?bbox={bbox_text(bbox)}&zoom={zoom}")
        assert response.status_code == 200, response.content[:300]
        return response.content

    def cells_params(bbox, zoom) -> dict:
        read = grid_for_zoom(zoom)
        x0, y0, x1, y1 = _range(bbox, read.grid, read.shift)
        return {"grid": read.grid, "stored": read.stored, "shift": read.shift, "x0": x0, "x1": x1, "y0": y0, "y1": y1}

    def floor_clusters(bbox, zoom):
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_CELLS_SQL, cells_params(bbox, zoom))
            return cursor.fetchone()[0]

    def selector_clusters(bbox, zoom):
        return public_report_clusters_geojson(bbox=bbox, zoom=zoom)

    def reports_clusters(bbox, zoom):
        grid = zoom + 2
        x0, y0, x1, y1 = cell_range(bbox, grid)
        area = (*cell_bounds(grid, x0, y1)[:2], *cell_bounds(grid, x1, y0)[2:])
        params = {"grid": grid, "x0": x0, "x1": x1, "y0": y0, "y1": y1}
        params.update(zip(("minlon", "minlat", "maxlon", "maxlat"), area, strict=True))
        with connection.cursor() as cursor:
            cursor.execute(RAW_CLUSTERS_SQL, {**params, **visible()})
            return cursor.fetchall()

    def same_cells(endpoint_text, floor_text) -> bool:
        """The same cells (corners), and counts that differ only by the solved reports the floor leaves in."""
        # Corners compared to 6 decimals: Python and PostgreSQL round a half in the 8th decimal differently.
        e = {tuple(round(float(v), 6) for v in x["properties"]["cell"]): x["properties"]["count"]
             for x in json.loads(endpoint_text)["features"]}  # fmt: skip
        f = {tuple(round(float(v), 6) for v in x["properties"]["cell"]): x["properties"]["count"]
             for x in json.loads(floor_text)["features"]}  # fmt: skip
        extra = sum(f.values()) - sum(e.values())
        return set(e) <= set(f) and all(0 <= f[k] - e[k] <= extra for k in e)

    def features(text) -> tuple[int, int]:
        data = json.loads(text)
        return len(data["features"]), sum(f["properties"]["count"] for f in data["features"])

    results: dict = {**info, "reports": total, "public": public_total, "city": {}, "views": {}}

    gc.callbacks.append(_gc_watch)

    def row(name, s, base=None, side=None):
        ratio = f"{s['median'] / base['median']:6.2f}x" if base else "       "
        gc_ms = sorted(GC_MS.get(side, [])) if side else []
        in_gc = f"   gc in {sum(m > 0.5 for m in gc_ms)} calls, max {gc_ms[-1]:6.1f} ms" if gc_ms else ""
        print(f"  {name:<44} median {s['median']:8.2f} ms   p95 {s['p95']:8.2f} ms   {ratio}{in_gc}")

    def statements(fn, *args) -> int:
        """SQL statements of one call, as Django logs them (a transaction's BEGIN and COMMIT included)."""
        with CaptureQueriesContext(connection) as ctx:
            fn(*args)
        return len(ctx.captured_queries)

    print(f"\n== (a) clusters, whole city {CITY}, {args.repeat} interleaved rounds ==")
    city_sides = {
        "endpoint": endpoint_clusters,
        "floor": floor_clusters,
        "selector": selector_clusters,
        "no_cells": reports_clusters,
    }
    for zoom in CITY_ZOOMS:
        t, a = interleaved(city_sides, [(CITY, zoom)], args.repeat)
        s = {name: summary_ms(v) for name, v in t.items()}
        e_cells, e_count = features(a["endpoint"][-1])
        f_cells, f_count = features(a["floor"][-1])
        size = len(a["endpoint"][-1])
        print(
            f"zoom {zoom}: endpoint {e_cells:,} cells / {e_count:,} reports, {size / 1000:.1f} KB; "
            f"floor {f_cells:,} cells / {f_count:,} reports ({len(a['floor'][-1]) / 1000:.1f} KB); "
            f"no-cells query {sum(n for _x, _y, n in a['no_cells'][-1]):,} reports; "
            f"same cells: {same_cells(a['endpoint'][-1], a['floor'][-1])}"
        )
        row("GET /api/v1/reports/clusters/ (test client)", s["endpoint"], s["floor"], "endpoint")
        row("floor: stored cells -> GeoJSON in SQL", s["floor"], None, "floor")
        row("public_report_clusters_geojson() alone", s["selector"], s["floor"], "selector")
        row("reference: over the reports, no cells", s["no_cells"], s["floor"], "no_cells")
        results["city"][zoom] = {
            "cells": e_cells,
            "bytes": size,
            "same_answer": same_cells(a["endpoint"][-1], a["floor"][-1]),
            "floor_extra_reports": f_count - e_count,
            "gc_ms": {name: sorted(v)[-3:] for name, v in GC_MS.items()},
            **s,
        }
        a.clear()  # the next zoom's collections should not scan this one's answers

    centres = report_centres(args.views, args.seed)
    print(
        f"\n== (b) clusters, {SCREEN_PX[0]}x{SCREEN_PX[1]} px views centred on {len(centres)} random public reports =="
    )
    for zoom in VIEW_ZOOMS:
        boxes = [(screen_bbox(lon, lat, zoom), zoom) for lon, lat in centres]
        t, a = interleaved({"endpoint": endpoint_clusters, "floor": floor_clusters}, boxes, 1)
        s = {name: summary_ms(v) for name, v in t.items()}
        counted = sorted(features(x)[1] for x in a["endpoint"])
        same = sum(same_cells(e, f) for e, f in zip(a["endpoint"], a["floor"], strict=True))
        sizes = sorted(len(x) for x in a["endpoint"])
        print(
            f"zoom {zoom}: reports per view median {counted[len(counted) // 2]:,}, max {counted[-1]:,}; "
            f"response median {sizes[len(sizes) // 2] / 1000:.1f} KB, max {sizes[-1] / 1000:.1f} KB; "
            f"same answer {same}/{len(boxes)}"
        )
        row("GET /api/v1/reports/clusters/ (test client)", s["endpoint"], s["floor"], "endpoint")
        row("floor: stored cells -> GeoJSON in SQL", s["floor"], None, "floor")
        results["views"][zoom] = {**s, "same_answer": same, "max_bytes": sizes[-1]}

    def endpoint_list(bbox):
        response = client.get(f"/api/v1/reports/?bbox={bbox_text(bbox)}&page_size={LIST_PAGE_SIZE}")
        assert response.status_code == 200, response.content[:300]
        return [f["properties"]["reference"] for f in response.json()["features"]], len(response.content)

    def raw_list(bbox):
        params = {"minlon": bbox[0], "minlat": bbox[1], "maxlon": bbox[2], "maxlat": bbox[3], "limit": LIST_PAGE_SIZE}
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(PAGE_SETTINGS_SQL)
            cursor.execute(RAW_LIST_PAGE_SQL, {**params, **visible()})
            return [row[0] for row in cursor.fetchall()]

    boxes = [(screen_bbox(lon, lat, LIST_ZOOM),) for lon, lat in centres]
    t, a = interleaved({"endpoint": endpoint_list, "floor": raw_list}, boxes, 1)
    s = {name: summary_ms(v) for name, v in t.items()}
    same = sum(e[0] == f for e, f in zip(a["endpoint"], a["floor"], strict=True))
    in_view = sorted(public_reports(bbox=b[0]).count() for b in boxes)
    sizes = sorted(e[1] for e in a["endpoint"])
    print(
        f"\n== (c) the list at zoom {LIST_ZOOM} ({SCREEN_PX[0]}x{SCREEN_PX[1]} px), first page of {LIST_PAGE_SIZE} =="
    )
    print(
        f"reports per view median {in_view[len(in_view) // 2]:,}, max {in_view[-1]:,}; response median "
        f"{sizes[len(sizes) // 2] / 1000:.0f} KB, max {sizes[-1] / 1000:.0f} KB; same page {same}/{len(boxes)}"
    )
    row("GET /api/v1/reports/?bbox=&page_size=500", s["endpoint"], s["floor"], "endpoint")
    row("floor: the same page by hand", s["floor"], None, "floor")
    results["list_zoom17"] = {**s, "same_answer": same, "in_view_max": in_view[-1]}

    counts = {
        "clusters endpoint, city, zoom 16": statements(endpoint_clusters, CITY, 16),
        "clusters floor": statements(floor_clusters, CITY, 16),
        "list endpoint, zoom 17": statements(endpoint_list, boxes[0][0]),
        "list floor": statements(raw_list, boxes[0][0]),
    }
    print("\nSQL statements per call: " + "; ".join(f"{k} {v}" for k, v in counts.items()))
    results["statements"] = counts

    with connection.cursor() as cursor:
        print("\nEXPLAIN ANALYZE of the cells floor, city-wide, zoom 14:")
        cursor.execute("EXPLAIN ANALYZE " + FLOOR_CELLS_SQL, cells_params(CITY, 14))
        for (line,) in cursor.fetchall():
            print("    " + line)
        densest = max(boxes, key=lambda b: public_reports(bbox=b[0]).count())[0]
        params = {"minlon": densest[0], "minlat": densest[1], "maxlon": densest[2], "maxlat": densest[3]}
    with transaction.atomic(), connection.cursor() as cursor:
        print("\nEXPLAIN ANALYZE of the list floor, the densest zoom-17 view:")
        cursor.execute(PAGE_SETTINGS_SQL)
        cursor.execute("EXPLAIN ANALYZE " + RAW_LIST_PAGE_SQL, {**params, "limit": LIST_PAGE_SIZE, **visible()})
        for (line,) in cursor.fetchall():
            print("    " + line)
    print(f"\nload after: {loadavg()}")
    results["load"] = loadavg()
    print(f"results: {results_write('map', results)}")


if __name__ == "__main__":
    main()
