#!/usr/bin/env python
"""The planners' heatmap on the benchmark database (meldpunt_bench): GeoJSON cells and vector tiles, each beside the
best single statement a PostGIS expert would write for the same answer, in one process, the two interleaved.
Reads only: it neither migrates nor adds reports (the stored cells must exist: migration stats 0001).

  (a) cells for the whole city (bbox 2.84,51.16,3.01,51.25) at zoom 12 and 14, and for one district (the centre,
      2.905,51.222,2.935,51.238) at zoom 16: what GET /api/v1/insight/cells/ runs without HTTP (the stored-cells
      read, the nearest streets of the ten highest cells, the GeoJSON built and dumped to text), against one
      statement over stats_heatcell that groups the cells and builds the same GeoJSON text in PostgreSQL;
  (b) one z12 and one z14 tile over Wapenplein: heat.heat_tile (one statement: ST_AsMVT over the cells read), against
      one statement: the cells of the tile grouped and encoded by ST_AsMVT in the same query.

Each side answers the same question with the same filters (none) and the same indexes; the "same answer" lines
compare totals (and tiles decoded feature by feature). The load average is printed with the figures: quote them
with it, as ranges over repeated runs. EXPLAIN ANALYZE of both city-wide zoom-14 statements is printed.

    .venv/bin/python bench/bench_heat.py                  # against meldpunt_bench
    .venv/bin/python bench/bench_heat.py --db meldpunt_small --repeat 5
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH_DB, django_setup, machine, postgres_version, results_write, summary_ms  # noqa: E402

CITY = (2.84, 51.16, 3.01, 51.25)
DISTRICT = (2.905, 51.222, 2.935, 51.238)
CASES = (("city z12", CITY, 12), ("city z14", CITY, 14), ("district z16", DISTRICT, 16))
WAPENPLEIN = (2.9196, 51.2297)
TILE_ZOOMS = (12, 14)
WARMUP = 2

# The stored cells of `stored` grid, grouped `shift` levels up, inside the index range, as GeoJSON text.
RAW_CELLS_SQL = """
WITH cells AS (
    SELECT ix >> %(shift)s AS x, iy >> %(shift)s AS y, sum(n) AS n, sum(impact_n) AS impact_n,
           sum(impact_sum) AS impact_sum
    FROM stats_heatcell
    WHERE grid = %(stored)s AND ix BETWEEN %(x0)s AND %(x1)s AND iy BETWEEN %(y0)s AND %(y1)s
    GROUP BY 1, 2
    HAVING sum(n) > 0
)
SELECT json_build_object(
    'type', 'FeatureCollection',
    'total', coalesce(sum(n), 0),
    'features', coalesce(json_agg(json_build_object(
        'type', 'Feature',
        'geometry', ST_AsGeoJSON(ST_Transform(ST_TileEnvelope(%(grid)s, x, y), 4326), 7)::json,
        'properties', json_build_object('value', n, 'count', n, 'impact_sum', impact_sum, 'impact_count', impact_n)
    ) ORDER BY n DESC), '[]'::json)
)::text
FROM cells
"""
RAW_TILE_SQL = """
SELECT coalesce(ST_AsMVT(tile, 'cells', 4096, 'geom'), '')
FROM (
    SELECT ST_AsMVTGeom(
               ST_TileEnvelope(%(grid)s, x, y), ST_TileEnvelope(%(z)s, %(tx)s, %(ty)s), 4096, 64, true
           ) AS geom,
           n AS count, impact_sum, impact_n AS impact_count, n AS value
    FROM (
        SELECT ix >> %(shift)s AS x, iy >> %(shift)s AS y, sum(n)::int AS n, sum(impact_n)::int AS impact_n,
               sum(impact_sum)::int AS impact_sum
        FROM stats_heatcell
        WHERE grid = %(stored)s AND ix BETWEEN %(x0)s AND %(x1)s AND iy BETWEEN %(y0)s AND %(y1)s
        GROUP BY 1, 2
        HAVING sum(n) > 0
    ) cells
) tile
"""


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    x = math.floor((lon + 180) / 360 * 2**z)
    y = math.floor((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 2**z)
    return x, y


def interleaved(first, second, args_list, repeat: int) -> tuple[list[float], list[float]]:
    """Time `first` and `second` on each args, alternating which goes first each round."""
    times_a: list[float] = []
    times_b: list[float] = []
    for args in args_list:
        for _ in range(WARMUP):
            first(*args)
            second(*args)
    for round_number in range(repeat):
        for args in args_list:
            order = ((first, times_a), (second, times_b))
            for fn, sink in order if round_number % 2 == 0 else reversed(order):
                start = time.perf_counter()
                fn(*args)
                sink.append(time.perf_counter() - start)
    return times_a, times_b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=BENCH_DB)
    parser.add_argument("--repeat", type=int, default=10, help="timed rounds of each case")
    args = parser.parse_args()
    django_setup(args.db)

    from django.db import connection

    from api.insight import cell_collection
    from geo_meldpunt.stats import heat
    from geo_meldpunt.stats.grid import cell_range, grid_for_zoom
    from tests.stats.mvt import decode

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reports_report")
        (reports,) = cursor.fetchone()
    print(f"{args.db}: {reports:,} reports; {postgres_version()}; load average {os.getloadavg()}")
    filters = heat.HeatFilters()

    def project_cells(bbox, zoom):
        result = heat.heat_cells(bbox=bbox, zoom=zoom, filters=filters)
        top = result.cells[: heat.TOP_CELLS]
        places = heat.nearest_streets([((c.bounds[0] + c.bounds[2]) / 2, (c.bounds[1] + c.bounds[3]) / 2) for c in top])
        return json.dumps(cell_collection(result, zoom=zoom, places=places))

    def raw_params(bbox, zoom):
        read = grid_for_zoom(zoom)
        x0, y0, x1, y1 = cell_range(bbox, read.grid)
        k = read.shift
        return {
            "grid": read.grid,
            "stored": read.stored,
            "shift": k,
            "x0": x0 << k,
            "y0": y0 << k,
            "x1": ((x1 + 1) << k) - 1,
            "y1": ((y1 + 1) << k) - 1,
        }

    def raw_cells(bbox, zoom):
        with connection.cursor() as cursor:
            cursor.execute(RAW_CELLS_SQL, raw_params(bbox, zoom))
            return cursor.fetchone()[0]

    def project_tile(z, x, y):
        return heat.heat_tile(z=z, x=x, y=y, filters=filters)

    def raw_tile(z, x, y):
        read = grid_for_zoom(z)
        k, shift_down = read.shift, read.grid - z  # cells of grid g inside tile z: indices x << (g - z) ...
        g = read.grid
        x0, x1 = (x << shift_down, ((x + 1) << shift_down) - 1) if g >= z else (x >> (z - g), x >> (z - g))
        y0, y1 = (y << shift_down, ((y + 1) << shift_down) - 1) if g >= z else (y >> (z - g), y >> (z - g))
        params = {
            "grid": g,
            "stored": read.stored,
            "shift": k,
            "z": z,
            "tx": x,
            "ty": y,
            "x0": x0 << k,
            "x1": ((x1 + 1) << k) - 1,
            "y0": y0 << k,
            "y1": ((y1 + 1) << k) - 1,
        }
        with connection.cursor() as cursor:
            cursor.execute(RAW_TILE_SQL, params)
            return bytes(cursor.fetchone()[0])

    results: dict[str, object] = {"db": args.db, "reports": reports, "machine": machine(), "cases": {}}

    def row(name, ours, raw, size):
        a, b = summary_ms(ours), summary_ms(raw)
        ratio = a["median"] / b["median"] if b["median"] else float("nan")
        print(
            f"{name:<16} project median {a['median']:7.2f} ms (p95 {a['p95']:7.2f})   "
            f"raw median {b['median']:7.2f} ms (p95 {b['p95']:7.2f})   ratio {ratio:4.2f}   {size:,} bytes"
        )
        results["cases"][name] = {"project": a, "raw": b, "ratio": ratio, "bytes": size}  # type: ignore[index]

    print("\n(a) GeoJSON cells")
    for name, bbox, zoom in CASES:
        ours, raw = json.loads(project_cells(bbox, zoom)), json.loads(raw_cells(bbox, zoom))
        same = ours["total"] == raw["total"] and len(ours["features"]) == len(raw["features"])
        print(f"  same answer {name}: {same} ({ours['total']:,} reports in {len(ours['features']):,} cells)")
        t_ours, t_raw = interleaved(project_cells, raw_cells, [(bbox, zoom)], args.repeat)
        row(name, t_ours, t_raw, len(project_cells(bbox, zoom)))

    print("\n(b) vector tiles over Wapenplein")
    for z in TILE_ZOOMS:
        x, y = tile_of(*WAPENPLEIN, z)
        ours, raw = decode(project_tile(z, x, y)), decode(raw_tile(z, x, y))

        def features(layers):
            return sorted(
                (tuple(sorted(f["properties"].items())), tuple(f["rings"][0]))
                for f in layers.get("cells", {}).get("features", [])
            )

        print(f"  same answer z{z}: {features(ours) == features(raw)} ({len(features(ours))} cells)")
        t_ours, t_raw = interleaved(project_tile, raw_tile, [(z, x, y)], args.repeat)
        row(f"tile {z}/{x}/{y}", t_ours, t_raw, len(project_tile(z, x, y)))

    print(f"\nload average after: {os.getloadavg()}")
    print("\nEXPLAIN ANALYZE, raw cells (city, zoom 14):")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + RAW_CELLS_SQL, raw_params(CITY, 14))
        print("\n".join(line for (line,) in cursor.fetchall()))
    print("\nEXPLAIN ANALYZE, the project's stored-cells read (city, zoom 14):")
    captured: list[tuple[str, object]] = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        heat.heat_cells(bbox=CITY, zoom=14, filters=filters)
    sql, params = captured[0]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print("\n".join(line for (line,) in cursor.fetchall()))
    print(f"\nresults: {results_write('heat', results)}")


if __name__ == "__main__":
    main()
