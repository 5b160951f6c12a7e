#!/usr/bin/env python
"""Creating reports through the public API: POST /api/v1/reports/ served by gunicorn over loopback.

Starts gunicorn (2 sync workers, DEBUG off, local settings) on a free port of 127.0.0.1 against the benchmark
database, then measures:

  - sequential latency: one client, one request at a time (median, p95);
  - throughput: 8 client threads for at most --seconds or --requests, whichever comes first;
  - SQL statements per create, in this process: Django's test Client POSTs the same JSON inside
    CaptureQueriesContext, so every statement the request runs is counted and listed;
  - per variant, in this process, interleaved (one of each in turn): a JSON melding without an e-mail address,
    with one, a multipart melding with one photo (and an address), and following an existing public report
    (POST /api/v1/reports/<reference>/follow/): statements and time of each;
  - the cell upkeep's share of a create: the stored cells (stats) are kept by triggers on reports_report, which
    no statement count shows. track_functions is switched on for the benchmark database during the run, and
    pg_stat_user_functions gives the calls and time of the trigger functions, divided by the creates.

Every request must answer 201; the error count is printed and must be 0. Gunicorn is stopped at the end.
Reports are JSON melding's at points of existing reports (so inside the territory), in public categories.

    .venv/bin/python bench/bench_create.py              # after bench_queries.py has built meldpunt_bench
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    BENCH_DB,
    ROOT,
    django_setup,
    machine,
    postgres_version,
    reference_data_ensure,
    results_write,
    summary_ms,
    threads_drive,
)

HOST = "127.0.0.1"  # loopback only
PATH = "/api/v1/reports/"
DESCRIPTIONS = (
    "Diepe put in het wegdek ter hoogte van huisnummer 12.",
    "Er ligt veel zwerfvuil naast de bushalte.",
    "De straatlamp brandt niet meer sinds vorige week.",
    "Vuilnisbak zit overvol aan de ingang van het park.",
    "Losliggende tegels op het voetpad, gevaarlijk voor oudere mensen.",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def payloads(n: int, seed: int) -> list[bytes]:
    """`n` JSON bodies: a melding at an existing report's point, in a public category that accepts one."""
    from django.db import connection

    from geo_meldpunt.reports.models import Category, Kind

    slugs = list(
        Category.objects.filter(active=True, is_public=True, kinds__contains=[Kind.MELDING]).values_list(
            "slug", flat=True
        )
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000.0])
        cursor.execute(
            "SELECT ST_X(point::geometry), ST_Y(point::geometry) FROM reports_report WHERE point IS NOT NULL "
            "ORDER BY random() LIMIT %s",
            [n],
        )
        points = cursor.fetchall()
    if not slugs or not points:
        raise SystemExit("No categories or reports: run bench/bench_queries.py first to build the database.")
    rnd = random.Random(seed)
    bodies = []
    for i in range(n):
        lon, lat = points[i % len(points)]
        body = {
            "kind": "melding",
            "category": rnd.choice(slugs),
            "lat": lat,
            "lon": lon,
            "description": rnd.choice(DESCRIPTIONS),
            "impact": rnd.randint(1, 5),
        }
        if rnd.random() < 0.5:
            body["reporter_email"] = f"bench{i}@example.org"
        bodies.append(json.dumps(body).encode())
    return bodies


# One load generator on loopback is one client address: the per-client rate limits of the public writes (README
# "Limits") would answer 429 after 20 reports. The benchmark measures filing, not them: lifted for the gunicorn
# server and for the in-process test client alike.
# The e-mails the benchmarks' creates queue go to a Redis database of their own, which no worker reads and each run
# empties at its end (bench_broker_clear): never into the queue of the developer's own worker (database 0), which
# would otherwise hold thousands of tasks for e-mails of the benchmark databases.
BENCH_BROKER_DB = 13
BENCH_BROKER_URL = re.sub(
    r"(/\d*)?$", f"/{BENCH_BROKER_DB}", os.environ.get("MELDPUNT_REDIS_URL", "redis://127.0.0.1:6379/0"), count=1
)
# What every server and in-process client of the benchmarks runs with: the limits lifted, the broker above.
BENCH_ENV = {
    "MELDPUNT_RATE_PUBLIC_WRITES_BURST": "1000000/min",
    "MELDPUNT_RATE_PUBLIC_WRITES_SUSTAINED": "100000000/hour",
    "MELDPUNT_REDIS_URL": BENCH_BROKER_URL,
}


def bench_broker_clear() -> None:
    """Drop the tasks this run queued (the outbox rows stay: the benchmark databases' sweep would queue them)."""
    import redis

    with contextlib.suppress(redis.RedisError):
        redis.Redis.from_url(BENCH_BROKER_URL, socket_timeout=2).flushdb()


class Server:
    """gunicorn in a child process; `stop` ends exactly that process (and its workers, through it)."""

    def __init__(self, *, port: int, db: str, workers: int) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "geo_meldpunt.settings.local",
            "MELDPUNT_DEBUG": "0",
            "MELDPUNT_DB_NAME": db,
            "MELDPUNT_LOG_LEVEL": "WARNING",
            **BENCH_ENV,
            # gunicorn.conf.py recycles workers every 1000 requests; a restart inside a timed run is not filing.
            "MELDPUNT_WORKER_MAX_REQUESTS": "0",
        }
        self.port = port
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "geo_meldpunt.wsgi:application",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )

    def wait_ready(self, timeout_s: float = 180.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.proc.returncode}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/api/v1/categories/")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer within {timeout_s:.0f} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


class Client:
    """One HTTP client on loopback. Sync workers close the connection after each answer; http.client reopens."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)

    def post(self, body: bytes) -> tuple[int, float]:
        t0 = time.perf_counter()
        try:
            self.conn.request("POST", PATH, body=body, headers={"Content-Type": "application/json"})
            response = self.conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            self.conn.close()
            status = 0
        return status, time.perf_counter() - t0


def sequential(port: int, bodies: list[bytes], warmup: int) -> tuple[list[float], Counter]:
    client = Client(port)
    for body in bodies[:warmup]:
        client.post(body)
    times, statuses = [], Counter()
    for body in bodies[warmup:]:
        status, seconds = client.post(body)
        statuses[status] += 1
        times.append(seconds)
    return times, statuses


def concurrent(port: int, bodies: list[bytes], clients: int, seconds: float) -> dict:
    """`clients` threads post until every body is sent or `seconds` have passed (bounded both ways)."""

    def sender():
        client = Client(port)
        return lambda number: client.post(bodies[number])

    driven = threads_drive(sender, clients=clients, seconds=seconds, count=len(bodies))
    return {
        "clients": clients,
        "requests": sum(driven.statuses.values()),
        "seconds": driven.seconds,
        "creates_per_s": driven.statuses.get(201, 0) / driven.seconds,
        "errors": sum(n for status, n in driven.statuses.items() if status != 201),
        "statuses": dict(driven.statuses),
        "latency": summary_ms(driven.times),
    }


def sql_per_create(bodies: list[bytes], warmup: int = 3) -> dict:
    """Statements one create runs, counted in-process around the Django test Client's POST."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = DjangoClient(HTTP_HOST=HOST)
    for body in bodies[:warmup]:
        client.post(PATH, data=body, content_type="application/json")
    counts, statuses, sample = [], Counter(), []
    for body in bodies[warmup:]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(PATH, data=body, content_type="application/json")
        statuses[response.status_code] += 1
        counts.append(len(ctx.captured_queries))
        sample = [q["sql"] for q in ctx.captured_queries]
    kinds = Counter(sql.split(None, 1)[0].upper() for sql in sample)
    return {
        "creates": len(counts),
        "statements_min": min(counts),
        "statements_max": max(counts),
        "statements_median": sorted(counts)[len(counts) // 2],
        "statuses": dict(statuses),
        "by_verb": dict(kinds),
        "sample": sample,
    }


def tiny_jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 140, 60)).save(out, format="JPEG", quality=85)
    return out.getvalue()


def variants(bodies: list[bytes], rounds: int) -> dict:
    """Statements and in-process time of each kind of create, the kinds interleaved (one of each per round)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    from geo_meldpunt.reports.selectors import public_reports

    client = DjangoClient(HTTP_HOST=HOST)
    photo = tiny_jpeg()
    references = list(public_reports().order_by("-id").values_list("reference", flat=True)[: rounds + 5])
    plain = [json.loads(b) for b in bodies]
    for body in plain:
        body.pop("reporter_email", None)

    def json_no_email(i: int):
        return client.post(PATH, data=json.dumps(plain[i]), content_type="application/json")

    def json_email(i: int):
        return client.post(
            PATH, data=json.dumps({**plain[i], "reporter_email": f"v{i}@example.org"}), content_type="application/json"
        )

    def multipart_photo(i: int):
        form = {k: str(v) for k, v in plain[i].items()}
        form["reporter_email"] = f"p{i}@example.org"
        form["photos"] = SimpleUploadedFile(f"p{i}.jpg", photo, content_type="image/jpeg")
        return client.post(PATH, data=form)

    def follow(i: int):
        return client.post(
            f"{PATH}{references[i % len(references)]}/follow/",
            data=json.dumps({"email": f"f{i}@example.org"}),
            content_type="application/json",
        )

    sides = {
        "json, no e-mail": json_no_email,
        "json, e-mail": json_email,
        "multipart, 1 photo + e-mail": multipart_photo,
        "follow an existing report": follow,
    }
    out: dict = {name: {"times": [], "counts": [], "statuses": Counter(), "sample": []} for name in sides}
    for name, fn in sides.items():  # warm-up, untimed
        fn(len(plain) - 1 - list(sides).index(name))
    for i in range(rounds):
        for name, fn in sides.items():
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = fn(i)
                elapsed = time.perf_counter() - t0
            out[name]["times"].append(elapsed)
            out[name]["counts"].append(len(ctx.captured_queries))
            out[name]["statuses"][response.status_code] += 1
            out[name]["sample"] = [q["sql"] for q in ctx.captured_queries]
    return {
        name: {
            "latency": summary_ms(v["times"]),
            "statements_min": min(v["counts"]),
            "statements_max": max(v["counts"]),
            "statuses": dict(v["statuses"]),
            "by_verb": dict(Counter(sql.split(None, 1)[0].upper() for sql in v["sample"])),
            "sample": v["sample"],
        }
        for name, v in out.items()
    }


def track_functions(db: str, on: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if on:
            cursor.execute(f"ALTER DATABASE {connection.ops.quote_name(db)} SET track_functions = 'pl'")
            cursor.execute(
                # Every stats function: the trigger functions and those they call.
                "SELECT pg_stat_reset_single_function_counters(p.oid) FROM pg_proc p WHERE p.proname LIKE 'stats\\_%%'"
            )
        else:
            cursor.execute(f"ALTER DATABASE {connection.ops.quote_name(db)} RESET track_functions")


def trigger_stats() -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT funcname, calls, total_time, self_time FROM pg_stat_user_functions "
            "WHERE funcname LIKE 'stats%%' ORDER BY funcname"
        )
        return cursor.fetchall()


def cells_migration() -> str:
    """The last applied migration of the cells (stats): which version of the triggers was measured."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(name) FROM django_migrations WHERE app = 'stats'")
        return cursor.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=BENCH_DB)
    parser.add_argument("--reference-data", help="folder for load_reference_data (default: fixtures/oostende)")
    parser.add_argument("--sequential", type=int, default=300, help="requests measured one at a time")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0, help="upper bound of the concurrent run")
    parser.add_argument("--requests", type=int, default=2000, help="upper bound of the concurrent run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=8400)
    parser.add_argument("--variants", type=int, default=30, help="in-process rounds of the create variants")
    parser.add_argument(
        "--no-migrate",
        action="store_true",
        help="measure the database's schema as it is: to compare two versions of the cell triggers, run "
        "`manage.py migrate stats 0002` (upkeep at each statement) or `migrate stats 0003` (at COMMIT) in between",
    )
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    os.environ.setdefault("MELDPUNT_MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-create-media-"))
    os.environ.update(BENCH_ENV)
    django_setup(args.db)
    if not args.no_migrate:
        reference_data_ensure(args.reference_data)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reports_report")
        reports_before = cursor.fetchone()[0]
    warmup = 20
    bodies = payloads(warmup + args.sequential + args.requests + 40, args.seed)
    seq_bodies = bodies[: warmup + args.sequential]
    conc_bodies = bodies[warmup + args.sequential : warmup + args.sequential + args.requests]
    sql_bodies = bodies[-40:-17]
    variant_bodies = payloads(args.variants + 10, args.seed + 1)
    track_functions(args.db, True)
    connection.close()  # the server's workers get the database to themselves while measured

    port = free_port()
    server = Server(port=port, db=args.db, workers=args.workers)
    try:
        server.wait_ready()
        seq_times, seq_statuses = sequential(port, seq_bodies, warmup)
        conc = concurrent(port, conc_bodies, args.clients, args.seconds)
    finally:
        server.stop()
        bench_broker_clear()
    time.sleep(1.0)  # the workers' statistics reach the collector as their sessions end
    triggers = trigger_stats()
    track_functions(args.db, False)
    http_creates = len(seq_bodies) + conc["requests"]

    sql = sql_per_create(sql_bodies)
    per_variant = variants(variant_bodies, args.variants)
    seq = {
        "latency": summary_ms(seq_times),
        "errors": sum(n for status, n in seq_statuses.items() if status != 201),
        "statuses": dict(seq_statuses),
        "creates_per_s": len(seq_times) / sum(seq_times),
    }
    result = {
        "machine": machine(),
        "postgres": postgres_version(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "reports_in_table_before": reports_before,
        "gunicorn_workers": args.workers,
        "sequential": seq,
        "concurrent": conc,
        "sql_per_create": sql,
        "variants": per_variant,
        "triggers": [list(t) for t in triggers],
        "cells_migration": cells_migration(),
        "http_creates": http_creates,
    }
    print(f"machine: {result['machine']}\ndatabase: {args.db} ({reports_before:,} reports), {result['postgres']}")
    print(
        f"cell triggers: stats {result['cells_migration']}; 1-minute load average {load_before:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after"
    )
    s = seq["latency"]
    print(
        f"sequential   {s['n']} creates: median {s['median']:.1f} ms, p95 {s['p95']:.1f} ms "
        f"({seq['creates_per_s']:.1f}/s), errors {seq['errors']}"
    )
    c = conc["latency"]
    print(
        f"{conc['clients']} clients    {conc['requests']} creates in {conc['seconds']:.1f} s: "
        f"{conc['creates_per_s']:.1f} creates/s, median {c['median']:.1f} ms, p95 {c['p95']:.1f} ms, "
        f"errors {conc['errors']}"
    )
    print(
        f"SQL per create: {sql['statements_median']} (min {sql['statements_min']}, max {sql['statements_max']}, "
        f"over {sql['creates']} creates, statuses {sql['statuses']}); by verb {sql['by_verb']}"
    )
    for i, statement in enumerate(sql["sample"], start=1):
        print(f"  {i:2}. {statement[:160]}")
    print(f"\nper variant, in-process (Django test client), {args.variants} interleaved rounds:")
    for name, v in per_variant.items():
        lat = v["latency"]
        print(
            f"  {name:<30} median {lat['median']:6.1f} ms  p95 {lat['p95']:6.1f} ms  statements "
            f"{v['statements_min']}-{v['statements_max']}  {v['by_verb']}  statuses {v['statuses']}"
        )
    print(f"\ncell upkeep (trigger functions) over the {http_creates} HTTP creates:")
    print("  (total includes the functions a function calls, and waits for the cells' row locks)")
    for name, calls, total_ms, self_ms in triggers:
        print(
            f"  {name:<28} calls {calls:6}  total {total_ms:8.1f} ms  "
            f"per create {total_ms / max(http_creates, 1):.3f} ms (self {self_ms / max(http_creates, 1):.3f} ms)"
        )
    path = results_write("create", result)
    print(f"results: {path}")
    if seq["errors"] or conc["errors"] or set(sql["statuses"]) != {201}:
        sys.exit(1)


if __name__ == "__main__":
    main()
