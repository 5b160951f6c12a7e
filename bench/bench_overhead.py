#!/usr/bin/env python
"""Where a read's time goes beyond its floor, in this process (issue 12): the duplicate check, measured in parts.

Two measurements, each over the same points (existing reports' points moved up to 30 m, their category, as
bench_floor.py draws them), the variants interleaved round by round, medians of the per-round means printed:

  1. The whole request through Django's WSGI handler (no HTTP, no gunicorn), with the settings' middleware, with
     each middleware left out in turn (SessionMiddleware stays: authentication needs it), with none, and with
     django-csp's own CSPMiddleware in place of the project's (which builds the settings' policy once).
  2. The statement alone, each through psycopg with the same parameters and prepared on the connection, as the
     project (core/prepared.py) and the floor (psycopg's automatic preparation) run theirs: the project's
     (NEARBY_SQL), the same with PostgreSQL's own timestamp text instead of DRF's format, without GDAL's coordinate
     writing, without both, the project's planned at every call (not prepared: how it ran before), and
     bench/floor_app.py's floor statement.

    .venv/bin/python bench/bench_overhead.py --db meldpunt_bench1m
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import django_setup, machine  # noqa: E402

CSP_OURS = "geo_meldpunt.core.security_headers.CSPMiddleware"


def wsgi_variants(middleware: list[str]) -> dict[str, list[str]]:
    variants = {"all middleware": middleware}
    for name in middleware:
        if not name.endswith("SessionMiddleware"):
            variants[f"without {name.rsplit('.', 1)[1]}"] = [m for m in middleware if m != name]
    variants["no middleware"] = []
    variants["django-csp's own CSPMiddleware"] = [
        "csp.middleware.CSPMiddleware" if m == CSP_OURS else m for m in middleware
    ]
    return variants


def environ(path: str, query: str) -> dict:
    return {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(), "SERVER_PROTOCOL": "HTTP/1.1",
    }  # fmt: skip


def per_call_ms(run, items) -> float:
    t0 = time.perf_counter()
    for item in items:
        run(item)
    return (time.perf_counter() - t0) / len(items) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="meldpunt_bench1m")
    parser.add_argument("--points", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1200)
    args = parser.parse_args()
    os.environ.setdefault("MELDPUNT_ALLOWED_HOSTS", "127.0.0.1")
    django_setup(args.db)

    import psycopg
    from bench_floor import constants, points
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.utils import override_settings

    from geo_meldpunt.reports.duplicates import _nearby_sql
    from geo_meldpunt.reports.selectors.bodies import sql_timestamp, statement_params

    const_path = Path(tempfile.mkdtemp(prefix="bench-overhead-")) / "constants.json"
    const_path.write_text(json.dumps(constants()))
    os.environ["FLOOR_CONSTANTS"] = str(const_path)
    import floor_app

    pts = points(args.points, args.seed)
    load = os.getloadavg()[0]

    # 1. The request through Django.
    handlers = {}
    for name, middleware in wsgi_variants(list(settings.MIDDLEWARE)).items():
        with override_settings(MIDDLEWARE=middleware):
            handlers[name] = WSGIHandler()

    def request(handler):
        def run(point):
            lon, lat, slug = point
            query = urlencode({"lat": f"{lat:.7f}", "lon": f"{lon:.7f}", "category": slug})
            answer = handler(environ("/api/v1/reports/nearby/", query), lambda status, headers, exc=None: None)
            b"".join(answer)
            answer.close()

        return run

    # 2. The statement alone.
    ours = _nearby_sql(settings.LANGUAGE_CODE)
    coordinates = [f"meldpunt_geojson_coordinate(ST_{axis}(candidates.point::geometry))::json" for axis in "XY"]
    plain_coordinates = ours
    for text in coordinates:
        plain_coordinates = plain_coordinates.replace(text, text.split("(", 1)[1].rsplit(")", 1)[0])
    timestamp = sql_timestamp("candidates.created_at")
    statements = {
        "project's statement": (ours, True),
        "  with PostgreSQL's timestamp text": (ours.replace(timestamp, "to_json(candidates.created_at)"), True),
        "  without GDAL's coordinate writing": (plain_coordinates, True),
        "  with neither": (plain_coordinates.replace(timestamp, "to_json(candidates.created_at)"), True),
        "  planned at every call (not prepared)": (ours, False),
    }
    changed = [sql for name, (sql, prepare) in statements.items() if name.startswith("  ") and prepare]
    assert all(sql != ours for sql in changed), "a variant's replacement found nothing to replace"
    connection.ensure_connection()
    raw = connection.connection
    # psycopg honours prepare=True only on a connection with a threshold (Django sets None; the project's backend
    # sets one when prepared statements are on, the default).
    assert raw.prepare_threshold is not None, "MELDPUNT_DB_PREPARED_STATEMENTS is off"

    def statement(sql: str, prepare: bool):
        def run(point):
            lon, lat, slug = point
            params = {
                **statement_params(language=settings.LANGUAGE_CODE), "slug": slug, "lon": lon, "lat": lat,
                "default_radius": settings.REPORTS_DUPLICATES_RADIUS_M, "limit": settings.REPORTS_DUPLICATES_LIMIT,
            }  # fmt: skip
            with psycopg.Cursor(raw) as cursor:
                cursor.execute(sql, params, prepare=prepare)
                cursor.fetchone()

        return run

    def floor(point):
        lon, lat, slug = point
        with psycopg.Cursor(raw) as cursor:
            cursor.execute(floor_app.NEARBY_SQL, {"category": slug, "lon": lon, "lat": lat}, prepare=True)
            cursor.fetchone()

    runs = {f"request: {name}": request(handler) for name, handler in handlers.items()}
    runs |= {f"statement: {name}": statement(sql, prepare) for name, (sql, prepare) in statements.items()}
    runs["statement: the floor's (bench/floor_app.py)"] = floor
    for run in runs.values():  # warm-up: caches, prepared statements, the handlers' first requests
        per_call_ms(run, pts[:30])
    means: dict[str, list[float]] = {name: [] for name in runs}
    for _round in range(args.rounds):
        for name, run in runs.items():
            means[name].append(per_call_ms(run, pts))

    print(f"== {args.db}: {len(pts)} points x {args.rounds} rounds; {machine()}")
    print(f"load average: {load:.2f} before, {os.getloadavg()[0]:.2f} after")
    base = statistics.median(means["request: all middleware"])
    statement_base = statistics.median(means["statement: project's statement"])
    print("\n| measured (ms per call, median of the rounds' means) | ms | difference |\n|---|---:|---:|")
    for name, values in means.items():
        ms = statistics.median(values)
        against = base if name.startswith("request") else statement_base
        print(f"| {name} | {ms:.3f} | {ms - against:+.3f} |")


if __name__ == "__main__":
    main()
