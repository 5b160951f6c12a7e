#!/usr/bin/env python
"""The request path beside its floor (issue 12): each endpoint against the best SQL for its question, both over HTTP.

Two gunicorns with identical settings (gunicorn.conf.py, the same worker class, count and threads, DEBUG off, the
local settings as bench_create.py uses them) on the same benchmark database: one serves the project
(geo_meldpunt.wsgi), the other bench/floor_app.py, a bare WSGI app whose every answer is one SQL statement building
its JSON in PostgreSQL. For each endpoint the same inputs go to both, interleaved (project, floor, floor, project,
...), one request at a time, and every pair of answers is compared on its key fields (mismatches are counted and
printed; 0 expected):

  nearby    GET /api/v1/reports/nearby/   vs  /nearby/    points of existing reports moved up to 30 m, their category
  routing   GET /api/v1/routing/preview/  vs  /routing/   the same points and categories
  track     GET /api/v1/track/<token>/    vs  /track/     tracking tokens of existing reports
  create    POST /api/v1/reports/         vs  /reports/   the same JSON bodies (bench_create.payloads)

then creates under load: --clients threads for --seconds against each side in turn, --rounds times (the order
alternates), creates/s and latency. Also printed: the machine's 1-minute load before and after, versions, the load
generator's own CPU, EXPLAIN (ANALYZE, BUFFERS) of every floor statement with the index it is meant to use, the
SQL statements per create of each variant (in-process, Django's test client: plain JSON, with an e-mail address,
multipart with a photo, following a report, with an Idempotency-Key), and a markdown table ready for
docs/benchmarks.md. Results: bench/results/floor-<db>.json.

The public write throttle stays on, but each create comes from an address of its own (X-Forwarded-For with
MELDPUNT_NUM_PROXIES=1 for both servers), as creates from many reporters do; its limits are lifted too
(MELDPUNT_RATE_PUBLIC_WRITES_*, as bench_create.py does) so that no create is ever refused. The e-mails the creates
queue go to a Redis database of the benchmarks' own, emptied at the end (bench_create.BENCH_ENV). Workers are not
recycled during a run (MELDPUNT_WORKER_MAX_REQUESTS=0).

    .venv/bin/python bench/bench_floor.py --db meldpunt_bench20k,meldpunt_bench1m
    .venv/bin/python bench/bench_floor.py --db meldpunt_bench20k --worker-class gthread --workers 2 --threads 4

Build the databases first: bench/bench_queries.py --db meldpunt_bench20k --fresh --sizes 20k (and 1M).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_create import BENCH_ENV, HOST, bench_broker_clear, free_port, payloads, sql_per_create, variants  # noqa: E402
from common import (  # noqa: E402
    ROOT,
    conninfo,
    django_setup,
    machine,
    postgres_version,
    results_write,
    summary_ms,
    threads_drive,
)

JITTER_M = 30.0
ENDPOINTS = ("nearby", "routing", "track", "create")
# The index each floor statement is written to use; EXPLAIN must show it.
INTENDED_INDEX = {
    "nearby": "report_open_category_point",
    "routing": "zones_zonepart_geom_gist",
    "track": "reports_report_tracking_token",  # the unique index or its _like twin: both B-trees on the token
    "create": "zones_zonepart_geom_gist",
}
GOALS = {"nearby": 2.0, "routing": 2.0, "track": 2.0, "create": 10.0}


# --- What the floor needs to know of the project's rules -----------------------------------------------------


def constants() -> dict:
    """The project's constants the floor writes into its SQL: statuses, kinds, labels and wording in Dutch."""
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import gettext

    from geo_meldpunt.notifications.contexts import public_url
    from geo_meldpunt.reports.choices import PUBLIC_KINDS
    from geo_meldpunt.reports.models import OPEN_STATUSES, Kind, Status
    from geo_meldpunt.zones.models import ZONE_TYPE_SPECIFICITY, ZoneType

    with translation.override("nl"):
        return {
            "open_statuses": [str(s) for s in OPEN_STATUSES],
            "public_kinds": [str(k) for k in PUBLIC_KINDS],
            "status_labels": {s.value: str(s.label) for s in Status},
            "kind_labels": {k.value: str(k.label) for k in Kind},
            "zone_specificity": {str(k): v for k, v in ZONE_TYPE_SPECIFICITY.items()},
            "zone_type_labels": {z.value: str(z.label) for z in ZoneType},
            "default_radius_m": settings.REPORTS_DUPLICATES_RADIUS_M,
            "duplicates_limit": settings.REPORTS_DUPLICATES_LIMIT,
            "coordinator_slug": settings.MELDPUNT_COORDINATOR_DEPARTMENT,
            "reference_prefix": settings.MELDPUNT_REFERENCE_PREFIX,
            "media_url": settings.MEDIA_URL,
            "site_url": public_url("/").rstrip("/"),
            # The msgids of zones/routing.py.decide, in Dutch (gettext finds them in the catalogue).
            "reasons": {
                "zone": gettext("Rule for “%(category)s” in zone “%(zone)s”: handled by %(department)s."),
                "zone_type": gettext(
                    "Rule for “%(category)s” in a zone of type “%(zone)s”: handled by %(department)s."
                ),
                "anywhere": gettext("Rule for “%(category)s” anywhere in the city: handled by %(department)s."),
                "default": gettext(
                    "No rule applies here; “%(category)s” goes to its default department %(department)s."
                ),
                "unroutable": gettext(
                    "Not routable: no rule or default department for “%(category)s”; the meldpunt coordinator "
                    "assigns it."
                ),
            },
            # About the length of the project's acknowledgement (its template is rendered in Python).
            "acknowledgement_body": (
                "Beste,\n\nBedankt voor uw melding. We hebben die goed ontvangen.\n\nReferentie: %s\n\n"
                "Volg uw melding op via de link in dit bericht.\n\nVragen? Bel gratis 0800 1 8400 en vermeld uw "
                "referentie %s.\n\nMet vriendelijke groeten,\nHet Meldpunt\n"
            ),
        }


# --- Inputs ----------------------------------------------------------------------------------------------------


def points(n: int, seed: int) -> list[tuple[float, float, str]]:
    """`n` (lon, lat, category slug): existing reports' points moved up to JITTER_M, with the report's category."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000.0])
        cursor.execute(
            "SELECT ST_X(r.point::geometry), ST_Y(r.point::geometry), c.slug FROM reports_report r "
            "JOIN reports_category c ON c.id = r.category_id WHERE r.point IS NOT NULL AND c.active "
            "ORDER BY random() LIMIT %s",
            [n],
        )
        rows = cursor.fetchall()
    rnd = random.Random(seed)
    out = []
    for lon, lat, slug in rows:
        distance, angle = rnd.uniform(0, JITTER_M), rnd.uniform(0, 2 * math.pi)
        dlat = distance * math.cos(angle) / 111_320.0
        dlon = distance * math.sin(angle) / (111_320.0 * math.cos(math.radians(lat)))
        out.append((round(lon + dlon, 7), round(lat + dlat, 7), slug))
    return out


def tokens(n: int, seed: int) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000.0])
        cursor.execute("SELECT tracking_token FROM reports_report ORDER BY random() LIMIT %s", [n])
        return [row[0] for row in cursor.fetchall()]


# --- Servers and clients ---------------------------------------------------------------------------------------


class Server:
    """gunicorn in a child process, read gunicorn.conf.py from the project's root like production; `stop` ends
    exactly that process (and its workers through it)."""

    def __init__(self, *, app: str, port: int, db: str, gunicorn_args: list[str], env: dict[str, str]) -> None:
        self.port = port
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                app,
                "--bind",
                f"{HOST}:{port}",
                "--log-level",
                "warning",
                *gunicorn_args,
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "geo_meldpunt.settings.local",
                "MELDPUNT_DEBUG": "0",
                "MELDPUNT_DB_NAME": db,
                "MELDPUNT_LOG_LEVEL": "WARNING",
                **BENCH_ENV,
                "MELDPUNT_NUM_PROXIES": "1",  # see reporter_headers
                "MELDPUNT_WORKER_MAX_REQUESTS": "0",
                **env,
            },
        )

    def wait_ready(self, path: str, timeout_s: float = 180.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.proc.returncode}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", path)
                if conn.getresponse().status < 500:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer within {timeout_s:.0f} s")

    def worker_pids(self) -> list[int]:
        try:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
                return [int(p) for p in f.read().split()]
        except OSError:
            return []

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


class Client:
    """One persistent http.client connection (reopened when a sync worker closes it after its answer)."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)

    def call(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        t0 = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            response = self.conn.getresponse()
            data = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            self.conn.close()
            status, data = 0, b""
        return status, data, time.perf_counter() - t0


# --- Requests and the key fields compared ---------------------------------------------------------------------


def request_for(endpoint: str, side: str, item):
    """(method, path, body, headers) of one request of `endpoint` to the project or the floor."""
    if endpoint in ("nearby", "routing"):
        lon, lat, slug = item
        query = f"?lat={lat}&lon={lon}&category={slug}"
        if side == "project":
            return "GET", ("/api/v1/reports/nearby/" if endpoint == "nearby" else "/api/v1/routing/preview/") + query
        return "GET", f"/{endpoint}/{query}"
    if endpoint == "track":
        return "GET", (f"/api/v1/track/{item}/" if side == "project" else f"/track/{item}/")
    return "POST", ("/api/v1/reports/" if side == "project" else "/reports/"), item, reporter_headers()


_reporters = itertools.count(1)


def reporter_headers() -> dict[str, str]:
    """A create's headers, from an address of its own: the servers trust one proxy (MELDPUNT_NUM_PROXIES=1), so each
    create counts against its own address's rate windows, as creates from many reporters do. The windows of the one
    load-generator address would otherwise hold the whole run's creates, which the throttle reads and writes back
    at every request: a cost no real reporter causes."""
    n = next(_reporters)
    return {"Content-Type": "application/json", "X-Forwarded-For": f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"}


def key_fields(endpoint: str, status: int, data: bytes):
    """What must be the same on both sides (created rows differ in reference and token: those are compared in kind)."""
    try:
        body = json.loads(data) if data else None
    except ValueError:
        return status, "not JSON"
    if status >= 300 or body is None:
        return (status,)
    if endpoint == "nearby":
        return status, [
            (f["properties"]["reference"], round(float(f["properties"]["distance_m"]))) for f in body["features"]
        ]
    if endpoint == "routing":
        zone = body["zone"]["slug"] if body.get("zone") else None
        return status, body["department"]["slug"], zone, body["routable"], body["reason"]
    if endpoint == "track":
        coords = body["location"]["coordinates"] if body.get("location") else None
        return (
            status,
            body["reference"],
            body["status"],
            body["category"]["slug"],
            body["category"]["parent"],
            body["department"]["slug"],
            len(body["photos"]),
            [round(c, 6) for c in coords or []],
            [(h["event_type"], h["status"], h["department"]) for h in body["history"]],
            body["description"],
        )
    zone = body["zone"]["slug"] if body.get("zone") else None
    return (
        status,
        body["kind"],
        body["category"],
        body["status"],
        body["department"]["slug"],
        zone,
        body["routing_reason"],
    )


def interleaved(endpoint: str, items: list, ports: dict[str, int], warmup: int) -> dict:
    """One client per side, the same items to both, alternating which side goes first."""
    clients = {side: Client(port) for side, port in ports.items()}
    times: dict[str, list[float]] = {"project": [], "floor": []}
    statuses: dict[str, Counter] = {"project": Counter(), "floor": Counter()}
    mismatches = []
    for i, item in enumerate(items):
        order = ("project", "floor") if i % 2 == 0 else ("floor", "project")
        answers = {}
        for side in order:
            method, path, *rest = request_for(endpoint, side, item)
            status, data, seconds = clients[side].call(method, path, *rest)
            answers[side] = key_fields(endpoint, status, data)
            if i >= warmup:
                times[side].append(seconds)
                statuses[side][status] += 1
        if answers["project"] != answers["floor"]:
            mismatches.append({"item": item if endpoint != "create" else json.loads(item), **answers})
    return {
        side: {"latency": summary_ms(times[side]), "statuses": dict(statuses[side])} for side in ("project", "floor")
    } | {"mismatches": len(mismatches), "mismatch_examples": mismatches[:5], "requests": len(items) - warmup}


def load(port: int, side: str, bodies: list[bytes], clients: int, seconds: float) -> dict:
    """`clients` threads create for `seconds` (or until the bodies run out)."""

    def sender():
        client = Client(port)

        def send(number: int) -> tuple[int, float]:
            status, _data, elapsed = client.call(*request_for("create", side, bodies[number]))
            return status, elapsed

        return send

    driven = threads_drive(sender, clients=clients, seconds=seconds, count=len(bodies))
    statuses, elapsed = driven.statuses, driven.seconds
    return {
        "side": side,
        "seconds": elapsed,
        "requests": sum(statuses.values()),
        "creates_per_s": statuses.get(201, 0) / elapsed,
        "errors": sum(n for s, n in statuses.items() if s != 201),
        "statuses": dict(statuses),
        "latency": summary_ms(driven.times),
        "generator_cpu_share": driven.cpu_cores,  # in cores: 1.0 is one core busy
    }


# --- EXPLAIN of the floor ------------------------------------------------------------------------------------


def explain_floor(db: str, point: tuple, token: str, body: bytes) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of each floor statement on one input (the create's in a rolled-back transaction)."""
    import floor_app
    import psycopg

    lon, lat, slug = point
    b = json.loads(body)
    params = {
        "nearby": {"lon": lon, "lat": lat, "category": slug},
        "routing": {"lon": lon, "lat": lat, "category": slug},
        "track": {"token": token, "media": "http://x/media/"},
        "create": {
            "lon": b["lon"],
            "lat": b["lat"],
            "category": b["category"],
            "kind": b["kind"],
            "description": b["description"],
            "address": "",
            "impact": b.get("impact"),
            "email": "explain@example.org",
            "token": "explain-" + os.urandom(8).hex(),
            "site": "http://x",
        },
    }
    out = {}
    with psycopg.connect(conninfo(db)) as conn:
        conn.execute("SET TIME ZONE 'Europe/Brussels'")
        for name, statement in floor_app.QUERIES.items():
            rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params[name]).fetchall()
            plan = [r[0] for r in rows]
            out[name] = {"plan": plan, "uses_intended_index": any(INTENDED_INDEX[name] in line for line in plan)}
        conn.rollback()
    return out


# --- SQL per create, per variant ---------------------------------------------------------------------------------


def idempotency_variant(bodies: list[bytes], rounds: int) -> dict:
    """Statements of a create with an Idempotency-Key (first use: 201), and of its repeat (200)."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(HTTP_HOST=HOST)
    out = {"first use": {"counts": [], "statuses": Counter()}, "repeat": {"counts": [], "statuses": Counter()}}
    for i in range(rounds):
        key = f"bench-{os.getpid()}-{time.time_ns()}-{i}"
        for name in ("first use", "repeat"):
            with CaptureQueriesContext(connection) as ctx:
                r = client.post(
                    "/api/v1/reports/",
                    data=bodies[i % len(bodies)],
                    content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY=key,
                )
            out[name]["counts"].append(len(ctx.captured_queries))
            out[name]["statuses"][r.status_code] += 1
    return {
        f"json + Idempotency-Key, {name}": {
            "statements_min": min(v["counts"]),
            "statements_max": max(v["counts"]),
            "statuses": dict(v["statuses"]),
        }
        for name, v in out.items()
    }


# --- One database --------------------------------------------------------------------------------------------


def gunicorn_args(args) -> list[str]:
    """The flags both servers get; none means gunicorn.conf.py decides (the production choice)."""
    out = []
    if args.workers:
        out += ["--workers", str(args.workers)]
    if args.worker_class:
        out += ["--worker-class", args.worker_class]
    if args.threads:
        out += ["--threads", str(args.threads)]
    return out


def printed_args() -> list[str]:
    """This run's arguments as a person would type them (without the internal --json-out)."""
    argv = sys.argv[1:]
    if "--json-out" in argv:
        i = argv.index("--json-out")
        argv = argv[:i] + argv[i + 2 :]
    return argv


def run_one(args, db: str) -> dict:
    load_before = os.getloadavg()
    os.environ.setdefault("MELDPUNT_MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-floor-media-"))
    os.environ.update(BENCH_ENV)
    if args.conn_max_age is not None:
        os.environ["MELDPUNT_DB_CONN_MAX_AGE"] = str(args.conn_max_age)
    django_setup(db)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reports_report")
        reports_before = cursor.fetchone()[0]
        cursor.execute("ANALYZE reports_report")
    consts = constants()
    const_path = Path(tempfile.mkdtemp(prefix="bench-floor-")) / "constants.json"
    const_path.write_text(json.dumps(consts))
    os.environ["FLOOR_CONSTANTS"] = str(const_path)
    os.environ["FLOOR_DSN"] = conninfo(db)

    warmup = args.warmup
    pts = points(args.requests + warmup, args.seed)
    toks = tokens(args.requests + warmup, args.seed)
    n_bodies = 2 * (args.creates + warmup) + 200_000
    all_bodies = payloads(min(n_bodies, 30_000), args.seed)
    seq_bodies = all_bodies[: args.creates + warmup]
    load_bodies = all_bodies[args.creates + warmup :]
    explain = explain_floor(db, pts[0], toks[0], seq_bodies[0])
    versions = {"postgres": postgres_version(), "python": sys.version.split()[0]}
    import django
    import gunicorn
    import psycopg

    versions |= {"django": django.get_version(), "gunicorn": gunicorn.__version__, "psycopg": psycopg.__version__}
    connection.close()

    ports = {"project": free_port(), "floor": free_port()}
    g_args = gunicorn_args(args)
    servers = {
        "project": Server(
            app="geo_meldpunt.wsgi:application",
            port=ports["project"],
            db=db,
            gunicorn_args=[*g_args, "--pythonpath", str(ROOT / "bench")] if args.db_pool else g_args,
            env={"DJANGO_SETTINGS_MODULE": "settings_pool", "MELDPUNT_BENCH_POOL_MAX": str(args.db_pool)}
            if args.db_pool
            else {},
        ),
        "floor": Server(
            app="floor_app:application",
            port=ports["floor"],
            db=db,
            gunicorn_args=[*g_args, "--pythonpath", str(ROOT / "bench")],
            env={},
        ),
    }
    results: dict = {}
    try:
        servers["project"].wait_ready("/api/v1/categories/")
        servers["floor"].wait_ready("/track/none/")
        workers = {side: len(s.worker_pids()) for side, s in servers.items()}
        results["nearby"] = interleaved("nearby", pts, ports, warmup)
        results["routing"] = interleaved("routing", pts, ports, warmup)
        results["track"] = interleaved("track", toks, ports, warmup)
        results["create"] = interleaved("create", seq_bodies, ports, warmup)
        rounds = []
        cursor_i = 0
        for r in range(args.rounds):
            for side in ("project", "floor") if r % 2 == 0 else ("floor", "project"):
                chunk = load_bodies[cursor_i : cursor_i + 5_000]
                cursor_i = (cursor_i + 5_000) % max(1, len(load_bodies) - 5_000)
                rounds.append(load(ports[side], side, chunk, args.clients, args.seconds))
                time.sleep(1.0)
        results["load"] = rounds
    finally:
        for s in servers.values():
            s.stop()
    load_after = os.getloadavg()

    try:
        sql = sql_per_create(payloads(23, args.seed + 7))
        per_variant = variants(payloads(args.variants + 10, args.seed + 1), args.variants)
        per_variant |= idempotency_variant(payloads(10, args.seed + 2), 5)
    finally:
        bench_broker_clear()
    return {
        "db": db,
        "reports_before": reports_before,
        "machine": machine(),
        "versions": versions,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "load_before": load_before,
        "load_after": load_after,
        "gunicorn_args": g_args or ["(gunicorn.conf.py)"],
        "workers_seen": workers,
        "conn_max_age": f"pool of {args.db_pool}"
        if args.db_pool
        else os.environ.get("MELDPUNT_DB_CONN_MAX_AGE", "(settings default)"),
        "command": " ".join([".venv/bin/python", "bench/bench_floor.py", *printed_args()]),
        "explain": explain,
        "endpoints": results,
        "sql_per_create": {k: v for k, v in sql.items() if k != "sample"} | {"sample": sql["sample"]},
        "variants": {k: {kk: vv for kk, vv in v.items() if kk != "sample"} for k, v in per_variant.items()},
    }


# --- Printing --------------------------------------------------------------------------------------------------


def size_label(n: int) -> str:
    return f"{n / 1_000_000:.2g}M" if n >= 1_000_000 else f"{n / 1000:.0f}k"


def print_run(r: dict) -> None:
    print(f"\n== {r['db']}: {r['reports_before']:,} reports; {r['versions']}")
    print(
        f"machine: {r['machine']}; gunicorn {' '.join(r['gunicorn_args'])} (workers seen {r['workers_seen']}); "
        f"CONN_MAX_AGE {r['conn_max_age']}"
    )
    print(
        f"load average (1, 5, 15 min): before {tuple(round(x, 2) for x in r['load_before'])}, "
        f"after {tuple(round(x, 2) for x in r['load_after'])}"
    )
    for name, e in r["explain"].items():
        mark = "uses " + INTENDED_INDEX[name] if e["uses_intended_index"] else "DOES NOT USE " + INTENDED_INDEX[name]
        print(f"EXPLAIN floor {name}: {mark}")
        for line in e["plan"]:
            print("    " + line)
    for name in ENDPOINTS:
        e = r["endpoints"][name]
        p, f = e["project"]["latency"], e["floor"]["latency"]
        print(
            f"{name:<8} project median {p['median']:7.2f} ms p95 {p['p95']:7.2f} | floor median {f['median']:6.2f} ms "
            f"p95 {f['p95']:6.2f} | ratio {p['median'] / f['median']:5.2f}x (goal {GOALS[name]:g}x) | "
            f"{e['requests']} pairs, statuses {e['project']['statuses']} / {e['floor']['statuses']}, "
            f"mismatches {e['mismatches']}"
        )
        for m in e["mismatch_examples"]:
            print(f"    mismatch: {m}")
    for run in r["endpoints"]["load"]:
        lat = run["latency"]
        print(
            f"load {run['side']:<7} {run['requests']:5} creates in {run['seconds']:.1f} s: "
            f"{run['creates_per_s']:6.1f}/s, "
            f"median {lat['median']:.1f} ms, p95 {lat['p95']:.1f} ms, errors {run['errors']}, generator CPU "
            f"{run['generator_cpu_share']:.2f} core"
        )
    s = r["sql_per_create"]
    print(
        f"SQL per create (JSON body, in-process): {s['statements_median']} (min {s['statements_min']}, max "
        f"{s['statements_max']}) {s['by_verb']}"
    )
    for name, v in r["variants"].items():
        print(f"  {name:<42} statements {v['statements_min']}-{v['statements_max']}  statuses {v['statuses']}")


def load_summary(r: dict, side: str) -> tuple[float, float, float]:
    rates = [x["creates_per_s"] for x in r["endpoints"]["load"] if x["side"] == side]
    return statistics.median(rates), min(rates), max(rates)


def markdown(runs: list[dict]) -> str:
    lines = [
        "| reports | endpoint | project median / p95 (ms) | floor median / p95 (ms) | ratio (medians) | goal "
        "| mismatches |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        for name in ENDPOINTS:
            e = r["endpoints"][name]
            p, f = e["project"]["latency"], e["floor"]["latency"]
            lines.append(
                f"| {size_label(r['reports_before'])} | {name} | {p['median']:.2f} / {p['p95']:.2f} | "
                f"{f['median']:.2f} / {f['p95']:.2f} | {p['median'] / f['median']:.2f}x | {GOALS[name]:g}x | "
                f"{e['mismatches']} / {e['requests']} |"
            )
        pm, plo, phi = load_summary(r, "project")
        fm, flo, fhi = load_summary(r, "floor")
        clients = r.get("clients", 8)
        lines.append(
            f"| {size_label(r['reports_before'])} | creates/s, {clients} clients | {pm:.0f} ({plo:.0f}-{phi:.0f}) | "
            f"{fm:.0f} ({flo:.0f}-{fhi:.0f}) | {fm / pm:.2f}x | >= 150/s | |"
        )
    lines += ["", "| reports | create variant | SQL statements (in-process, test client) |", "|---|---|---|"]
    for r in runs:
        for name, v in r["variants"].items():
            count = f"{v['statements_min']}" + (
                f"-{v['statements_max']}" if v["statements_max"] != v["statements_min"] else ""
            )
            lines.append(f"| {size_label(r['reports_before'])} | {name} | {count} |")
    first = runs[0]
    lines.append("")
    lines.append(
        f"Command: `{first['command']}`; gunicorn {' '.join(first['gunicorn_args'])}; load average "
        + "; ".join(f"{r['db']}: {r['load_before'][0]:.2f} before, {r['load_after'][0]:.2f} after" for r in runs)
        + "."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--db", default="meldpunt_bench20k,meldpunt_bench1m", help="benchmark databases, comma-separated"
    )
    parser.add_argument("--requests", type=int, default=300, help="interleaved pairs per read endpoint")
    parser.add_argument("--creates", type=int, default=200, help="interleaved create pairs")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each load round")
    parser.add_argument("--rounds", type=int, default=3, help="load rounds per side (alternating)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py)")
    parser.add_argument("--worker-class", help="sync or gthread (default: gunicorn.conf.py)")
    parser.add_argument("--threads", type=int, help="threads per gthread worker (default: gunicorn.conf.py)")
    parser.add_argument("--conn-max-age", type=int, help="MELDPUNT_DB_CONN_MAX_AGE for the project (default: settings)")
    parser.add_argument(
        "--db-pool",
        type=int,
        help="serve the project with a psycopg pool of this size per worker (bench/settings_pool.py)",
    )
    parser.add_argument("--variants", type=int, default=10, help="in-process rounds of the create variants")
    parser.add_argument("--seed", type=int, default=1200)
    parser.add_argument("--json-out", help=argparse.SUPPRESS)
    args = parser.parse_args()

    dbs = [d.strip() for d in args.db.split(",") if d.strip()]
    if len(dbs) == 1:
        result = run_one(args, dbs[0]) | {"clients": args.clients}
        print_run(result)
        path = results_write(f"floor-{dbs[0]}", result)
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(result, default=str))
        print(f"results: {path}\n\n{markdown([result])}")
        return
    # Several databases: one child process each (Django is set up for one database per process), then one table.
    runs = []
    for db in dbs:
        out = Path(tempfile.mkdtemp(prefix="bench-floor-")) / "result.json"
        argv = [a for a in sys.argv[1:]]
        i = argv.index("--db") if "--db" in argv else None
        if i is not None:
            del argv[i : i + 2]
        argv = [a for a in argv if not a.startswith("--db=")]
        subprocess.run([sys.executable, __file__, "--db", db, "--json-out", str(out), *argv], check=True)
        runs.append(json.loads(out.read_text()))
    for r in runs:
        r["command"] = " ".join([".venv/bin/python", "bench/bench_floor.py", *sys.argv[1:]])
    print("\n\n" + markdown(runs))


if __name__ == "__main__":
    main()
