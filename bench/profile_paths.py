#!/usr/bin/env python
"""Where a request's milliseconds go: py-spy on one gunicorn worker under load, per endpoint, as flame graphs.

For each of create, nearby, routing, track and list, gunicorn (one sync worker, so one process holds every request;
otherwise gunicorn.conf.py, DEBUG off, the local settings, each create from an address of its own, see bench_floor.py)
is started under `py-spy record --subprocesses --idle` (idle: a worker waiting for PostgreSQL or Redis is idle to
the OS, and that wait is part of the answer), while two client threads keep it busy for --seconds. Only samples
taken inside a request (under gunicorn's handle_request) count: start-up and waiting for the next connection are
left out. Each sample is put in one bucket by its innermost frame that belongs to a known layer (psycopg: the
database round trip; redis; Django's SQL compiler; the ORM; DRF serializers; rendering; translation; middleware;
...), and the buckets' shares times the measured time per request give milliseconds per request.

Writes docs/profiles/<endpoint>.svg (a flame graph: width is time; hover for names and shares; small frames are
merged away to keep the file small) and prints a markdown table per endpoint. Needs py-spy (the dev extras).

    .venv/bin/python bench/profile_paths.py --db meldpunt_bench1m --seconds 25
"""

from __future__ import annotations

import argparse
import contextlib
import html
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_create import BENCH_ENV, HOST, bench_broker_clear, free_port, payloads  # noqa: E402
from bench_floor import Client, points, reporter_headers, tokens  # noqa: E402
from common import ROOT, django_setup, summary_ms, threads_drive  # noqa: E402

OUT = ROOT / "docs" / "profiles"
ENDPOINTS = ("create", "nearby", "routing", "track", "list")

# Innermost matching frame decides the bucket (order matters: the first rule that matches a frame wins).
BUCKETS = [
    ("PostgreSQL round trip (psycopg: send, wait, read rows)", ("psycopg/", "psycopg_c", "psycopg_binary")),
    ("Redis (throttle counters, cache)", ("redis/", "django/core/cache")),
    ("Celery/kombu (queueing the e-mail on commit)", ("kombu/", "celery/", "amqp/")),
    ("ORM: compiling SQL", ("django/db/models/sql/compiler.py", "django/db/models/sql/where.py",
                            "django/db/models/expressions.py", "django/db/models/lookups.py",
                            "django/contrib/gis/db/models/lookups.py", "django/db/backends/postgresql/operations.py",
                            "django/contrib/gis/db/backends/postgis/operations.py")),
    ("ORM: querysets, model instances, transactions", ("django/db/",)),
    ("GeoDjango/GEOS (geometries, adapting points)", ("django/contrib/gis/",)),
    ("Translation (gettext, language)", ("django/utils/translation", "gettext.py")),
    ("JSON rendering", ("rest_framework/renderers.py", "json/", "rest_framework/utils/encoders.py")),
    ("DRF serializers and fields", ("rest_framework/serializers.py", "rest_framework/fields.py",
                                    "rest_framework/relations.py", "rest_framework_gis/", "api/serializers.py",
                                    "api/fields.py", "api/report_features.py")),
    ("Templates (e-mail bodies)", ("django/template/",)),
    ("Project code (services, selectors, routing, photos)", ("geo_meldpunt/",)),
    ("DRF request, parsing, throttles, dispatch", ("rest_framework/", "api/")),
    ("Middleware (security, CSP, sessions, auth, locale, csrf)", ("django/middleware/", "csp/",
                                                                   "django/contrib/sessions/", "django/contrib/auth/",
                                                                   "django/contrib/messages/", "whitenoise/")),
    ("Django request/response, URL resolving, signals", ("django/",)),
    ("gunicorn (parse the request, write the answer)", ("gunicorn/",)),
]  # fmt: skip
REQUEST_FRAME = "handle_request (gunicorn/workers/"


def frame_path(frame: str) -> str:
    m = re.search(r"\(([^()]*):\d+\)$", frame)
    return m.group(1) if m else frame


def bucket_of(stack: list[str]) -> str:
    # Celery publishes through redis-py: a stack under kombu is the queueing, whatever its innermost frame.
    if any("kombu/" in frame_path(f) or "celery/" in frame_path(f) for f in stack):
        return "Celery/kombu (queueing the e-mail on commit)"
    for frame in reversed(stack):  # innermost first
        path = frame_path(frame)
        for name, markers in BUCKETS:
            if any(marker in path for marker in markers):
                return name
    return "other (Python, stdlib)"


def clean(frame: str) -> str:
    """A frame without machine paths: only the part from the package or project folder on."""
    for marker in ("site-packages/", "dist-packages/", "lib/python3.11/", "lib/python3.12/", str(ROOT) + "/"):
        if marker in frame:
            head, _, tail = frame.partition("(")
            if marker in tail:
                tail = tail.split(marker, 1)[1]
                frame = f"{head}({tail}"
    return frame


def request_stacks(raw: Path) -> Counter:
    """The collapsed stacks under handle_request, cut to start at it, with their sample counts."""
    out: Counter = Counter()
    for line in raw.read_text().splitlines():
        stack_text, _, count = line.rpartition(" ")
        frames = [clean(f) for f in stack_text.split(";")]
        idx = next((i for i, f in enumerate(frames) if REQUEST_FRAME in f), None)
        if idx is None:
            continue
        out[tuple(frames[idx:])] += int(count)
    return out


# --- A small flame graph writer (py-spy writes either raw stacks or an SVG; this makes the SVG from the raw) ---


def colour(frame: str) -> str:
    name = bucket_of([frame])
    palette = {
        "PostgreSQL": "#6baed6", "Redis": "#e6550d", "Celery": "#fd8d3c", "ORM: compiling": "#31a354",
        "ORM: querysets": "#74c476", "GeoDjango": "#9e9ac8", "Translation": "#fdd0a2", "JSON": "#fdae6b",
        "DRF serializers": "#f16913", "Templates": "#c6dbef", "Project": "#de2d26", "DRF request": "#fc9272",
        "Middleware": "#bcbddc", "Django": "#a1d99b", "gunicorn": "#d9d9d9",
    }  # fmt: skip
    return next((c for k, c in palette.items() if name.startswith(k)), "#eeeeee")


def flamegraph_svg(stacks: Counter, title: str, width: int = 1200, min_share: float = 0.004) -> str:
    tree: dict = {"n": 0, "c": {}}
    for stack, count in stacks.items():
        node = tree
        node["n"] += count
        for frame in stack:
            node = node["c"].setdefault(frame, {"n": 0, "c": {}})
            node["n"] += count
    total = max(tree["n"], 1)
    row_h, top = 16, 40
    rects: list[str] = []
    depth_max = [0]

    def walk(node: dict, x: float, depth: int) -> None:
        for frame, child in sorted(node["c"].items(), key=lambda kv: -kv[1]["n"]):
            share = child["n"] / total
            if share < min_share:
                continue
            w = share * width
            y = top + depth * row_h
            depth_max[0] = max(depth_max[0], depth)
            label = html.escape(frame)
            short = html.escape(frame.split(" (")[0])
            chars = int(w / 7)
            text = short if len(short) <= chars else (short[: max(chars - 2, 0)] + ".." if chars > 3 else "")
            rects.append(
                f'<g><title>{label}: {share:.1%}</title><rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h - 1}" '
                f'fill="{colour(frame)}"/><text x="{x + 2:.1f}" y="{y + 12}">{text}</text></g>'
            )
            walk(child, x, depth + 1)
            x += w

    walk(tree, 0.0, 0)
    height = top + (depth_max[0] + 2) * row_h
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="monospace" '
        f'font-size="11">\n<text x="4" y="16" font-size="14">{html.escape(title)}</text>\n'
        f'<text x="4" y="32">top-down (icicle): each row calls the row below; width is the share of request time; '
        f"frames under {min_share:.1%} left out; hover for names</text>\n" + "\n".join(rects) + "\n</svg>\n"
    )


# --- Load ------------------------------------------------------------------------------------------------------


def requests_for(endpoint: str, n: int, seed: int):
    """(method, path, body, headers) tuples, as many as a run may need."""
    if endpoint == "create":
        return [("POST", "/api/v1/reports/", b, reporter_headers()) for b in payloads(n, seed)]
    if endpoint == "track":
        return [("GET", f"/api/v1/track/{t}/", None, {}) for t in tokens(n, seed)]
    pts = points(n, seed)
    if endpoint == "nearby":
        return [("GET", f"/api/v1/reports/nearby/?lat={lat}&lon={lon}&category={c}", None, {}) for lon, lat, c in pts]
    if endpoint == "routing":
        return [("GET", f"/api/v1/routing/preview/?lat={lat}&lon={lon}&category={c}", None, {}) for lon, lat, c in pts]
    # The public list: a neighbourhood-sized box (about 1 km by 1 km) around a report, the map's default page.
    return [
        ("GET", f"/api/v1/reports/?bbox={lon - 0.007:.5f},{lat - 0.0045:.5f},{lon + 0.007:.5f},{lat + 0.0045:.5f}",
         None, {})
        for lon, lat, _c in pts
    ]  # fmt: skip


def drive(port: int, reqs: list, seconds: float, clients: int) -> dict:
    def sender():
        client = Client(port)

        def send(number: int) -> tuple[int, float]:
            status, _data, elapsed = client.call(*reqs[number % len(reqs)])
            return status, elapsed

        return send

    driven = threads_drive(sender, clients=clients, seconds=seconds, count=None)
    return {"requests": len(driven.times), "statuses": dict(driven.statuses), "latency": summary_ms(driven.times)}


def children(pid: int) -> list[int]:
    ps = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in ps.split()]


def profile(endpoint: str, args, reqs: list) -> dict:
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    port = free_port()
    raw = Path(tempfile.mkdtemp(prefix="profile-")) / f"{endpoint}.txt"
    startup_s = 12.0  # Django's start-up is recorded too (and left out by the handle_request filter)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "geo_meldpunt.settings.local",
        "MELDPUNT_DEBUG": "0",
        "MELDPUNT_DB_NAME": args.db,
        "MELDPUNT_LOG_LEVEL": "WARNING",
        "MELDPUNT_WORKER_MAX_REQUESTS": "0",
        **BENCH_ENV,
        "MELDPUNT_NUM_PROXIES": "1",  # each create from an address of its own (bench_floor.reporter_headers)
    }
    cmd = [
        py_spy, "record", "--subprocesses", "--idle", "--rate", str(args.rate), "--duration",
        str(int(startup_s + args.seconds + 3)), "--format", "raw", "--output", str(raw), "--",
        sys.executable, "-m", "gunicorn", "geo_meldpunt.wsgi:application", "--bind", f"{HOST}:{port}",
        "--workers", "1", "--worker-class", "sync", "--log-level", "warning",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t0 = time.monotonic()
    while time.monotonic() - t0 < startup_s:
        try:
            c = Client(port)
            if c.call("GET", "/api/v1/categories/")[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.3)
    # py-spy's child is gunicorn's master, which py-spy ends when it stops recording, orphaning the worker: both
    # are noted now and ended after the recording.
    masters = children(proc.pid)
    workers = [pid for m in masters for pid in children(m)]
    warm = drive(port, reqs[:50], 2.0, 1)  # warm-up (inside the recording: counted below)
    measured = drive(port, reqs[50:], args.seconds, args.clients)
    try:
        proc.wait(timeout=startup_s + args.seconds + 60)  # py-spy ends after --duration
    finally:
        for pid in [*masters, *workers]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 15)
        if proc.poll() is None:
            proc.terminate()
        bench_broker_clear()
    stacks = request_stacks(raw)
    samples = sum(stacks.values())
    per_bucket: Counter = Counter()
    for stack, n in stacks.items():
        per_bucket[bucket_of(list(stack))] += n
    ms_in_requests = samples / args.rate * 1000
    served = measured["requests"] + warm["requests"]
    ms_per_request = ms_in_requests / max(served, 1)
    OUT.mkdir(parents=True, exist_ok=True)
    title = (
        f"{endpoint}: {samples} samples at {args.rate} Hz in {served} requests (~{ms_per_request:.1f} ms each), "
        f"{args.db}, 1 sync worker"
    )
    (OUT / f"{endpoint}.svg").write_text(flamegraph_svg(stacks, title))
    return {
        "endpoint": endpoint,
        "samples": samples,
        "requests": served,
        "ms_per_request_sampled": ms_per_request,
        "client_latency": measured["latency"],
        "statuses": measured["statuses"],
        "buckets": {name: n / max(samples, 1) for name, n in per_bucket.most_common()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="meldpunt_bench1m")
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS))
    parser.add_argument("--seconds", type=float, default=25.0)
    parser.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    parser.add_argument("--clients", type=int, default=2, help="client threads (2 keep one sync worker busy)")
    parser.add_argument("--seed", type=int, default=1212)
    args = parser.parse_args()

    os.environ.setdefault("MELDPUNT_MEDIA_ROOT", tempfile.mkdtemp(prefix="profile-media-"))
    django_setup(args.db)
    from django.db import connection

    load_before = os.getloadavg()[0]
    results = []
    for endpoint in [e.strip() for e in args.endpoints.split(",") if e.strip()]:
        reqs = requests_for(endpoint, 20_000, args.seed)
        random.Random(args.seed).shuffle(reqs)
        connection.close()
        results.append(profile(endpoint, args, reqs))
    print(f"# py-spy, {args.db}, 1 sync worker, {args.clients} clients, {args.seconds:.0f} s per endpoint, "
          f"{args.rate} Hz; load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")  # fmt: skip
    print(f"# .venv/bin/python bench/profile_paths.py {' '.join(sys.argv[1:])}\n")
    for r in results:
        lat = r["client_latency"]
        print(
            f"### {r['endpoint']}: ~{r['ms_per_request_sampled']:.1f} ms per request in the worker "
            f"(client median {lat['median']:.1f} ms, p95 {lat['p95']:.1f} ms; {r['requests']} requests, statuses "
            f"{r['statuses']}) - [flame graph](profiles/{r['endpoint']}.svg)\n"
        )
        print("| where | share | ms per request |\n|---|---|---|")
        for name, share in r["buckets"].items():
            if share >= 0.005:
                print(f"| {name} | {share:.0%} | {share * r['ms_per_request_sampled']:.2f} |")
        print()


if __name__ == "__main__":
    main()
