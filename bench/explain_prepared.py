#!/usr/bin/env python
"""The plans PostgreSQL keeps for the project's prepared statements (issue 12), at the size of a benchmark database.

The duplicate check, the routing preview and tracking run on prepared statements (geo_meldpunt/core/prepared.py).
PostgreSQL plans a prepared statement for its values five times, then keeps one plan for any values if that plan's
estimated cost is no worse. A plan chosen for no values in particular could miss an index the planned-each-time
statement used; this prints what PostgreSQL chose. Each statement is run through the project's own function for
--runs different inputs (points of existing reports moved up to 30 m with their category, tracking tokens, as
bench_floor.py draws them). For each one it prints:

- pg_prepared_statements' generic_plans and custom_plans;
- EXPLAIN (ANALYZE, BUFFERS) EXECUTE of the statement with the last input's values, and the intended index.

    .venv/bin/python bench/explain_prepared.py --db meldpunt_bench1m
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import django_setup  # noqa: E402

# A phrase of each statement's text, in Django's form (%(name)s) and in the prepared one ($n) alike.
MARKERS = {"nearby": "'FeatureCollection'", "routing": "zones_zonepart", "track": "WHERE r.tracking_token = "}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="meldpunt_bench1m")
    parser.add_argument("--runs", type=int, default=8, help="executions per statement before the EXPLAIN")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    django_setup(args.db)

    from bench_floor import INTENDED_INDEX, points, tokens
    from django.db import connection
    from psycopg import sql

    from geo_meldpunt.reports.duplicates import duplicate_candidates_json
    from geo_meldpunt.reports.selectors.bodies import track_json
    from geo_meldpunt.zones import routing

    captured: dict[str, tuple[str, dict]] = {}

    def capture(execute, statement, params, many, context):
        for name, marker in MARKERS.items():
            if marker in statement:
                captured[name] = (statement, params)
        return execute(statement, params, many, context)

    calls = {
        "nearby": lambda p, _t: duplicate_candidates_json(category_slug=p[2], lon=p[0], lat=p[1], language="nl"),
        "routing": lambda p, _t: routing.route_preview(category_slug=p[2], point=(p[0], p[1]), language="nl"),
        "track": lambda _p, t: track_json(token=t, language="nl", photo_prefix="/media/"),
    }
    pts, toks = points(args.runs, args.seed), tokens(args.runs, args.seed)
    with connection.execute_wrapper(capture):
        for name, call in calls.items():
            for i in range(args.runs):
                try:
                    call(pts[i], toks[i])
                except Exception as error:  # a point just outside the territory: the statement still ran
                    print(f"  ({name}: {type(error).__name__})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans, name FROM pg_prepared_statements")
        prepared = cursor.fetchall()
    raw = connection.connection
    for name, marker in MARKERS.items():
        rows = [row for row in prepared if marker in row[0]]
        if len(rows) != 1:
            raise SystemExit(f"{name}: {len(rows)} prepared statements match, expected 1")
        _text, generic, custom, statement_name = rows[0]
        statement, params = captured[name]
        order = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", statement)))  # psycopg numbers names by first use
        values = sql.SQL(", ").join(sql.Literal(params[key]) for key in order)
        explain = sql.SQL("EXPLAIN (ANALYZE, BUFFERS) EXECUTE {}({})").format(sql.Identifier(statement_name), values)
        plan = "\n".join(row[0] for row in raw.execute(explain).fetchall())
        uses = "uses" if INTENDED_INDEX[name] in plan else "DOES NOT USE"
        print(f"\n== {name}: {args.runs} executions, generic_plans {generic}, custom_plans {custom}")
        print(f"EXPLAIN EXECUTE with the last values {uses} {INTENDED_INDEX[name]}")
        print("\n".join("    " + line for line in plan.splitlines()))


if __name__ == "__main__":
    main()
