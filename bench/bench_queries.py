#!/usr/bin/env python
"""Spatial reads at 10k, 100k and 1M reports: the project's code against the bare PostGIS query.

For each size the benchmark database (meldpunt_bench) is brought to that many demo reports
(migrate, load_reference_data, generate_reports --ensure; sizes only grow), analysed, and then times:

  (a) duplicate candidates: duplicates.duplicate_candidates(point=, category=) evaluated to a list, against
      the raw question (ST_DWithin on the geography column, ORDER BY distance LIMIT 5) through a cursor;
  (b) routing: routing.route(category=, point=) (covering zones + candidate rules + decide), and
      routing.covering_zones alone, against one raw ST_Covers query on zones_zonepart.

The same points and categories serve both sides: points of existing reports moved up to 30 m, with the
report's own category, so the duplicate search finds real neighbours. EXPLAIN ANALYZE shows which index serves
each query.

    .venv/bin/python bench/bench_queries.py --sizes 10k,100k,1M --queries 500
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    BENCH_DB,
    database_drop,
    django_setup,
    machine,
    postgres_version,
    reference_data_ensure,
    results_write,
    summary_ms,
)

WARMUP = 30
JITTER_M = 30.0

# ::bigint: btree_gist indexes the bigint category with int8 operators only; an int4 parameter keeps the partial
# index from taking the category (see geo_meldpunt/reports/duplicates.py).
RAW_DUPLICATES_SQL = """
SELECT id, reference, ST_Distance(point, q.g) AS distance
FROM reports_report, (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography AS g) q
WHERE category_id = %(category)s::bigint AND status = ANY(%(open)s) AND ST_DWithin(point, q.g, %(radius)s)
ORDER BY distance, id
LIMIT %(limit)s
"""

RAW_COVERING_SQL = """
SELECT DISTINCT zp.zone_id, zp.zone_type
FROM zones_zonepart zp JOIN zones_zone z ON z.id = zp.zone_id
WHERE ST_Covers(zp.geom, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326))
  AND (z.valid_from IS NULL OR z.valid_from <= %(day)s) AND (z.valid_to IS NULL OR z.valid_to > %(day)s)
"""


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * factor)


def label(size: int) -> str:
    return f"{size // 1_000_000}M" if size % 1_000_000 == 0 else f"{size // 1_000}k"


def sample_queries(n: int, seed: int):
    """`n` (lon, lat, category) near existing reports: a report's point moved up to JITTER_M in any direction."""
    from django.db import connection

    from geo_meldpunt.reports.models import Category

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [((seed % 1000) / 1000.0)])
        cursor.execute(
            "SELECT ST_X(point::geometry), ST_Y(point::geometry), category_id FROM reports_report "
            "WHERE point IS NOT NULL ORDER BY random() LIMIT %s",
            [n],
        )
        rows = cursor.fetchall()
    categories = Category.objects.select_related("parent", "department").in_bulk()
    rnd = random.Random(seed)
    queries = []
    for lon, lat, category_id in rows:
        distance = rnd.uniform(0, JITTER_M)
        angle = rnd.uniform(0, 2 * math.pi)
        dlat = distance * math.cos(angle) / 111_320.0
        dlon = distance * math.sin(angle) / (111_320.0 * math.cos(math.radians(lat)))
        queries.append((round(lon + dlon, 7), round(lat + dlat, 7), categories[category_id]))
    return queries


def timed(fn, queries) -> tuple[list[float], list]:
    for q in queries[:WARMUP]:
        fn(q)
    times, results = [], []
    for q in queries:
        t0 = time.perf_counter()
        out = fn(q)
        times.append(time.perf_counter() - t0)
        results.append(out)
    return times, results


def bench_size(size: int, n_queries: int, seed: int) -> dict:
    from django.conf import settings
    from django.contrib.gis.geos import Point
    from django.db import connection
    from django.utils import timezone

    from geo_meldpunt.core.errors import OutsideTerritory
    from geo_meldpunt.reports.duplicates import duplicate_candidates, duplicate_radius_m
    from geo_meldpunt.reports.models import OPEN_STATUSES
    from geo_meldpunt.zones import routing

    queries = sample_queries(n_queries, seed)
    open_statuses = [str(s) for s in OPEN_STATUSES]
    day = timezone.localdate()

    def project_duplicates(q):
        lon, lat, category = q
        return [r.pk for r in duplicate_candidates(point=Point(lon, lat, srid=4326), category=category)]

    def raw_duplicates(q):
        lon, lat, category = q
        with connection.cursor() as cursor:
            cursor.execute(
                RAW_DUPLICATES_SQL,
                {
                    "lon": lon,
                    "lat": lat,
                    "category": category.pk,
                    "open": open_statuses,
                    "radius": duplicate_radius_m(category),
                    "limit": settings.REPORTS_DUPLICATES_LIMIT,
                },
            )
            return [row[0] for row in cursor.fetchall()]

    def project_route(q):
        lon, lat, category = q
        try:
            return routing.route(category=category, point=Point(lon, lat, srid=4326)).department.pk
        except OutsideTerritory:
            return None

    def project_covering(q):
        lon, lat, _category = q
        return [z.id for z in routing.covering_zones(Point(lon, lat, srid=4326))]

    def raw_covering(q):
        lon, lat, _category = q
        with connection.cursor() as cursor:
            cursor.execute(RAW_COVERING_SQL, {"lon": lon, "lat": lat, "day": day})
            return sorted(row[0] for row in cursor.fetchall())

    out: dict = {"size": size, "queries": len(queries)}
    t_proj, r_proj = timed(project_duplicates, queries)
    t_raw, r_raw = timed(raw_duplicates, queries)
    same = sum(a == b for a, b in zip(r_proj, r_raw, strict=True))
    out["duplicates"] = {
        "project": summary_ms(t_proj),
        "raw": summary_ms(t_raw),
        "same_answer": same,
        "mean_found": sum(len(r) for r in r_proj) / len(r_proj),
    }
    t_route, r_route = timed(project_route, queries)
    t_cov, r_cov = timed(project_covering, queries)
    t_rawcov, r_rawcov = timed(raw_covering, queries)
    out["routing"] = {
        "route": summary_ms(t_route),
        "covering_zones": summary_ms(t_cov),
        "raw": summary_ms(t_rawcov),
        "same_answer": sum(sorted(a) == b for a, b in zip(r_cov, r_rawcov, strict=True)),
        "outside_territory": sum(r is None for r in r_route),
    }
    # Plans of a typical query and of the slowest raw duplicate search (the densest spot of a hotspot).
    slowest = max(range(len(queries)), key=lambda i: t_raw[i])
    out["explain"] = explain(queries[0], open_statuses, day)
    out["explain_slowest"] = {k: v for k, v in explain(queries[slowest], open_statuses, day).items() if "dup" in k}
    out["slowest_found"] = len(r_raw[slowest])
    return out


def explain(q, open_statuses: list[str], day) -> dict[str, str]:
    from django.conf import settings
    from django.contrib.gis.geos import Point
    from django.db import connection

    from geo_meldpunt.reports.duplicates import duplicate_candidates, duplicate_radius_m

    lon, lat, category = q
    plans = {
        "duplicates_project": duplicate_candidates(point=Point(lon, lat, srid=4326), category=category).explain(
            analyze=True
        )
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN ANALYZE " + RAW_DUPLICATES_SQL,
            {
                "lon": lon,
                "lat": lat,
                "category": category.pk,
                "open": open_statuses,
                "radius": duplicate_radius_m(category),
                "limit": settings.REPORTS_DUPLICATES_LIMIT,
            },
        )
        plans["duplicates_raw"] = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN ANALYZE " + RAW_COVERING_SQL, {"lon": lon, "lat": lat, "day": day})
        plans["covering_raw"] = "\n".join(row[0] for row in cursor.fetchall())
    return plans


def gist_index_names() -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname FROM pg_indexes WHERE tablename IN ('reports_report', 'zones_zonepart') "
            "AND indexdef ILIKE '%USING gist%'"
        )
        return dict(cursor.fetchall())


def print_result(res: dict, indexes: dict[str, str]) -> None:
    d, r = res["duplicates"], res["routing"]

    def row(name, s, base=None):
        ratio = f"{s['median'] / base['median']:6.2f}x" if base else "       "
        print(f"  {name:<34} median {s['median']:7.2f} ms   p95 {s['p95']:7.2f} ms   {ratio}")

    print(f"\n== {label(res['size'])} reports ({res['reports_in_table']:,} in the table; {res['queries']} queries) ==")
    print(f"duplicate candidates (mean found {d['mean_found']:.2f}, same answer {d['same_answer']}/{res['queries']})")
    row("duplicate_candidates() -> list", d["project"], d["raw"])
    row("raw ST_DWithin ... LIMIT 5", d["raw"])
    print(f"routing (same zones {r['same_answer']}/{res['queries']}, outside territory {r['outside_territory']})")
    row("routing.route()", r["route"], r["raw"])
    row("routing.covering_zones()", r["covering_zones"], r["raw"])
    row("raw ST_Covers on zones_zonepart", r["raw"])
    plans = [*res["explain"].items(), *((f"{k} (slowest)", v) for k, v in res["explain_slowest"].items())]
    for name, plan in plans:
        table = "zones_zonepart" if name.startswith("covering") else "reports_report"
        index = indexes.get(table, "?")
        verdict = "uses" if index in plan else "does NOT use"
        print(f"EXPLAIN {name}: {verdict} {index}")
        for line in plan.splitlines():
            print("    " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated report counts, e.g. 10k,100k,1M")
    parser.add_argument("--queries", type=int, default=500, help="queries per measurement")
    parser.add_argument("--seed", type=int, default=20260523)
    parser.add_argument("--db", default=BENCH_DB, help="database to build and measure (default meldpunt_bench)")
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the database first")
    parser.add_argument("--reference-data", help="folder for load_reference_data (default: fixtures/oostende)")
    args = parser.parse_args()
    sizes = sorted(parse_size(s) for s in args.sizes.split(","))

    if args.fresh:
        database_drop(args.db)
    django_setup(args.db)
    from django.core.management import call_command
    from django.db import connection

    reference_data_ensure(args.reference_data)
    info = {"machine": machine(), "postgres": postgres_version(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    print(f"machine: {info['machine']}\ndatabase: {args.db}, {info['postgres']}")
    results = []
    for size in sizes:
        print(f"\n-- ensuring {size:,} demo reports")
        t0 = time.perf_counter()
        call_command("generate_reports", "--ensure", str(size), "--seed", str(args.seed + size))
        generated_s = time.perf_counter() - t0
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) reports_report")
            cursor.execute("ANALYZE zones_zonepart")
            cursor.execute("SELECT count(*) FROM reports_report")
            total = cursor.fetchone()[0]
        if total > size * 1.05:
            print(f"   note: the table holds {total:,} reports (more than {size:,}); use --fresh for exact sizes")
        res = bench_size(size, args.queries, args.seed)
        res.update({"ensure_seconds": generated_s, "reports_in_table": total})
        print_result(res, gist_index_names())
        results.append(res)
        results_write(f"queries-{label(size)}", {**info, **res})


if __name__ == "__main__":
    main()
