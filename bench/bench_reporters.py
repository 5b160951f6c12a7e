#!/usr/bin/env python
"""50 concurrent reporters for 5 minutes against gunicorn (issue 11): nothing lost, nothing twice, no 5xx.

Starts, on loopback, gunicorn as in production (the repository's gunicorn.conf.py, 2 sync workers, DEBUG off,
worker recycling as configured) and a real Celery worker (which sends the acknowledgement mails) against the
benchmark database, then lets `--reporters` threads file reports for `--seconds`. Each reporter, in a loop:

  - POSTs /api/v1/reports/ with its own Idempotency-Key: 40 % JSON without an e-mail address, 35 % JSON with one,
    20 % multipart with one small photo (a 640 x 480 JPEG, half of them with an address), 5 % a request that must
    be refused (lat without lon: a 400, which must file nothing);
  - sends 1 filing in 20 twice at once with the same key and body (a phone's retry while the first is in flight):
    exactly one of the two answers 201, the other 200 with the same reference;
  - waits `--think` seconds on average (uniform 0 to twice that) before the next; 0 (the default): no think time,
    each reporter files again as soon as it is answered. 50 such reporters are a closed loop at saturation, far
    beyond 50 people typing reports; the latencies are mostly the wait for one of the two workers.

Afterwards the database is checked: every 201's reference exists exactly once with the key it was sent with, no
report was filed that no 201 answered, no key has two reports, every twin pair got one 201 and one 200 with that
reference, no refused request filed a report; no 5xx and no request left unanswered. 4xx are counted by reason.

One load generator on loopback is one client address: the per-client limits of public writes (README "Limits",
20 a minute) would answer 429 after 20 reports, so the run sets MELDPUNT_RATE_PUBLIC_WRITES_BURST and _SUSTAINED
high. Nothing else is lifted.

    .venv/bin/python bench/bench_reporters.py --db meldpunt_bench            # 50 reporters, 300 s
    .venv/bin/python bench/bench_reporters.py --reporters 10 --seconds 20    # a short try

The bounded version of this run is tests/reliability/test_reporters.py (same functions, 50 reporters, ~20 s).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"  # loopback only
PATH = "/api/v1/reports/"
ROOT = Path(__file__).resolve().parent.parent
DESCRIPTIONS = (
    "Diepe put in het wegdek ter hoogte van huisnummer 12.",
    "Er ligt veel zwerfvuil naast de bushalte.",
    "De straatlamp brandt niet meer sinds vorige week.",
    "Vuilnisbak zit overvol aan de ingang van het park.",
    "Losliggende tegels op het voetpad, gevaarlijk voor oudere mensen.",
)
TWIN_SHARE = 0.05  # filings sent twice at once with one key


@dataclass
class Plan:
    """What the reporters choose from: public categories that take a melding, points inside the territory."""

    slugs: list[str]
    points: list[tuple[float, float]]
    photo: bytes


@dataclass
class Outcome:
    key: str
    variant: str
    status: int  # 0: no answer (connection refused or reset, timeout)
    seconds: float
    reference: str = ""
    reason: str = ""  # of a 4xx: the error code or the fields the body names
    twin: bool = False


def small_jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.effect_noise((640, 480), 40).convert("RGB").save(out, format="JPEG", quality=80)
    return out.getvalue()


def plan_make(n_points: int = 200, seed: int = 11) -> Plan:
    """Categories and points from the database (Django set up): points drawn in the territory's extent, kept inside."""
    from django.contrib.gis.geos import Point

    from geo_meldpunt.geocoding.territory import points_in_territory, territory_extent
    from geo_meldpunt.reports.models import Category, Kind

    slugs = sorted(
        Category.objects.filter(active=True, is_public=True, kinds__contains=[Kind.MELDING]).values_list(
            "slug", flat=True
        )
    )
    extent = territory_extent()
    if not slugs or extent is None:
        raise SystemExit(
            "No categories or no territory: load the reference data first (manage.py load_reference_data)."
        )
    rnd = random.Random(seed)
    points: list[tuple[float, float]] = []
    while len(points) < n_points:
        candidates = [
            Point(round(rnd.uniform(extent[0], extent[2]), 6), round(rnd.uniform(extent[1], extent[3]), 6), srid=4326)
            for _ in range(4 * n_points)
        ]
        points += [(p.x, p.y) for p, inside in zip(candidates, points_in_territory(candidates), strict=True) if inside]
    return Plan(slugs=slugs, points=points[:n_points], photo=small_jpeg())


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes, str]]) -> tuple[bytes, dict[str, str]]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    for name, filename, content, content_type in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def filing(plan: Plan, rnd: random.Random, n: int) -> tuple[str, bytes, dict[str, str]]:
    """One request: (variant, body, headers without the key)."""
    lon, lat = rnd.choice(plan.points)
    fields: dict[str, object] = {
        "kind": "melding",
        "category": rnd.choice(plan.slugs),
        "lat": lat,
        "lon": lon,
        "description": rnd.choice(DESCRIPTIONS),
    }
    r = rnd.random()
    if r < 0.40:
        return "json", json.dumps(fields).encode(), {"Content-Type": "application/json"}
    if r < 0.75:
        body = {**fields, "reporter_email": f"melder{n}@example.org"}
        return "json + e-mail", json.dumps(body).encode(), {"Content-Type": "application/json"}
    if r < 0.95:
        form = {k: str(v) for k, v in fields.items()}
        if rnd.random() < 0.5:
            form["reporter_email"] = f"foto{n}@example.org"
        body, headers = multipart(form, [("photos", f"foto{n}.jpg", plan.photo, "image/jpeg")])
        return "multipart + photo", body, headers
    del fields["lon"]  # lat without lon: refused, files nothing
    return "invalid", json.dumps(fields).encode(), {"Content-Type": "application/json"}


def post(port: int, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, bytes, float]:
    """One POST on a new connection (sync workers close it after each answer); status 0 when none came."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("POST", PATH, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read(), time.perf_counter() - started
    except (OSError, http.client.HTTPException):
        return 0, b"", time.perf_counter() - started
    finally:
        conn.close()


def outcome_of(key: str, variant: str, answer: tuple[int, bytes, float], twin: bool) -> Outcome:
    status, body, seconds = answer
    outcome = Outcome(key=key, variant=variant, status=status, seconds=seconds, twin=twin)
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        data = {}
    if status in (200, 201) and isinstance(data, dict):
        outcome.reference = str(data.get("reference") or data.get("properties", {}).get("reference", ""))
    elif 400 <= status < 500:
        if isinstance(data, dict) and data.get("code"):
            outcome.reason = f"{status} {data['code']}"
        elif isinstance(data, dict):
            outcome.reason = f"{status} " + ",".join(sorted(data))
        else:
            outcome.reason = str(status)
    return outcome


def reporter(port: int, plan: Plan, seed: int, deadline: float, think: float, out: list[Outcome]) -> None:
    """File until `deadline`; every request's outcome goes to `out` (list.append is atomic)."""
    rnd = random.Random(seed)
    n = 0
    while time.perf_counter() < deadline:
        n += 1
        variant, body, headers = filing(plan, rnd, seed * 1_000_000 + n)
        key = f"load-{seed}-{n}-{uuid.uuid4().hex[:12]}"
        headers = {**headers, "Idempotency-Key": key}
        if variant != "invalid" and rnd.random() < TWIN_SHARE:
            twin_answer: list = []
            other = threading.Thread(
                target=lambda answers=twin_answer, b=body, h=headers: answers.append(post(port, b, h, 120))
            )
            other.start()
            out.append(outcome_of(key, variant, post(port, body, headers, 120), twin=True))
            other.join()
            out.append(outcome_of(key, variant, twin_answer[0], twin=True))
        else:
            out.append(outcome_of(key, variant, post(port, body, headers, 120), twin=False))
        if think:
            time.sleep(rnd.uniform(0, 2 * think))


def load(port: int, plan: Plan, *, reporters: int, seconds: float, think: float, seed: int) -> tuple[list, float]:
    """`reporters` threads for `seconds` (each finishes the request it is in); returns the outcomes and the time."""
    out: list[Outcome] = []
    deadline = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=reporter, args=(port, plan, seed + i, deadline, think, out)) for i in range(reporters)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return out, time.perf_counter() - started


def last_report_id() -> int:
    from geo_meldpunt.reports.models import Report

    return Report.objects.order_by("-id").values_list("id", flat=True).first() or 0


def check(outcomes: list[Outcome], after_id: int) -> dict:
    """The run's answers against the database (reports with an id above `after_id`): the list of what is wrong."""
    from geo_meldpunt.reports.models import IdempotencyKey, Report

    filed = list(Report.objects.filter(id__gt=after_id).values_list("id", "reference"))
    key_of: dict[int, list[str]] = defaultdict(list)
    for key, report_id in IdempotencyKey.objects.filter(report_id__gt=after_id).values_list("key", "report_id"):
        key_of[report_id].append(key)
    in_db = Counter(reference for _id, reference in filed)
    key_in_db = {reference: key_of.get(report_id, []) for report_id, reference in filed}

    problems: list[str] = []
    created = [o for o in outcomes if o.status == 201]
    answered_ref = Counter(o.reference for o in created)
    for o in created:
        if in_db[o.reference] != 1:
            problems.append(f"201 {o.reference} (key {o.key}) is in the database {in_db[o.reference]} times")
        elif key_in_db[o.reference] != [o.key]:
            problems.append(f"201 {o.reference} was sent with key {o.key}; the database has {key_in_db[o.reference]}")
        if answered_ref[o.reference] > 1:
            problems.append(f"{o.reference} was answered 201 {answered_ref[o.reference]} times")
    unanswered = [o for o in outcomes if o.status == 0]
    for reference in set(in_db) - set(answered_ref):
        # A report no 201 answered: only possible for a request whose answer was lost (status 0).
        problems.append(f"{reference} is in the database but no reporter got a 201 for it")
    by_key: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_key[o.key].append(o)
    created_per_key = Counter(o.key for o in created)
    problems += [f"key {key} answered 201 {n} times" for key, n in created_per_key.items() if n > 1]
    for key, pair in by_key.items():
        if pair[0].twin:
            statuses = sorted(o.status for o in pair)
            if statuses != [200, 201] or pair[0].reference != pair[1].reference:
                problems.append(f"twin {key}: {statuses}, references {[o.reference for o in pair]}")
    problems += [
        f"invalid request {o.key} answered {o.status}" for o in outcomes if o.variant == "invalid" and o.status != 400
    ]
    server_errors = [o for o in outcomes if o.status >= 500]
    problems += [f"{o.status} on {o.variant} (key {o.key})" for o in server_errors]
    problems += [f"no answer on {o.variant} (key {o.key}) after {o.seconds:.1f} s" for o in unanswered]
    return {
        "requests": len(outcomes),
        "statuses": dict(sorted(Counter(o.status for o in outcomes).items())),
        "created": len(created),
        "reports_filed": len(filed),
        "twins": sum(1 for pair in by_key.values() if pair[0].twin),
        "server_errors": len(server_errors),
        "unanswered": len(unanswered),
        "client_errors_by_reason": dict(Counter(o.reason for o in outcomes if 400 <= o.status < 500)),
        "problems": problems,
    }


def percentile(sorted_ms: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    return sorted_ms[min(len(sorted_ms) - 1, max(0, round(p / 100 * len(sorted_ms) + 0.5) - 1))]


def latency(outcomes: list[Outcome]) -> dict[str, float]:
    ms = sorted(o.seconds * 1000 for o in outcomes)
    if not ms:
        return {"n": 0}
    return {
        "n": len(ms),
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "max": ms[-1],
    }


def summary(outcomes: list[Outcome], elapsed: float) -> dict:
    answered = [o for o in outcomes if o.status]
    return {
        "seconds": elapsed,
        "requests_per_s": len(answered) / elapsed,
        "created_per_s": sum(1 for o in outcomes if o.status == 201) / elapsed,
        "latency": latency(answered),
        "by_variant": {
            v: latency([o for o in answered if o.variant == v]) for v in sorted({o.variant for o in outcomes})
        },
    }


def summary_lines(result: dict, checked: dict) -> list[str]:
    lat = result["latency"]
    lines = [
        f"{checked['requests']} requests in {result['seconds']:.1f} s: {result['requests_per_s']:.1f} answered/s, "
        f"{result['created_per_s']:.1f} reports filed/s; latency p50 {lat['p50']:.0f} ms, p95 {lat['p95']:.0f} ms, "
        f"p99 {lat['p99']:.0f} ms, max {lat['max']:.0f} ms",
        f"statuses {checked['statuses']}; 201s {checked['created']}, reports filed {checked['reports_filed']}, "
        f"twin pairs {checked['twins']}, 5xx {checked['server_errors']}, unanswered {checked['unanswered']}",
        f"4xx by reason: {checked['client_errors_by_reason']}",
    ]
    for variant, v in result["by_variant"].items():
        if v["n"]:
            lines.append(
                f"  {variant:<18} n {v['n']:6}  p50 {v['p50']:6.0f} ms  p95 {v['p95']:6.0f} ms  p99 {v['p99']:6.0f} ms"
            )
    lines.append(f"problems: {len(checked['problems'])}")
    lines += [f"  {p}" for p in checked["problems"][:20]]
    return lines


# --- The long run's own processes --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """End exactly this process (gunicorn's arbiter ends its workers; Celery's main process its pool)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def services(env: dict[str, str], workers: int, log_dir: Path):
    """gunicorn (on a free loopback port) and a Celery worker; yields the port; both stopped after."""
    port = free_port()
    gunicorn_log = (log_dir / "gunicorn.log").open("wb")
    worker_log = (log_dir / "celery-worker.log").open("wb")
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "geo_meldpunt.wsgi:application", "--bind", f"{HOST}:{port}",
         "--workers", str(workers), "--worker-class", "sync", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=gunicorn_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "geo_meldpunt", "worker", "--pool=solo", "--loglevel=WARNING",
         "-Q", env["MELDPUNT_CELERY_QUEUE"], "--hostname", f"bench-reporters-{os.getpid()}@%h",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=worker_log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while True:
            if web.poll() is not None or worker.poll() is not None:
                raise SystemExit(f"gunicorn or the worker stopped; logs in {log_dir}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection(HOST, port, timeout=2)
                conn.request("GET", "/api/v1/categories/")
                if conn.getresponse().status == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not answer; logs in {log_dir}")
            time.sleep(0.3)
        yield port
    finally:
        stop(web)
        stop(worker)
        gunicorn_log.close()
        worker_log.close()


def outbox_counts(after_id: int) -> dict[str, int]:
    from django.db.models import Count

    from geo_meldpunt.notifications.models import OutgoingEmail

    rows = OutgoingEmail.objects.filter(report_id__gt=after_id).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import BENCH_DB, django_setup, machine, postgres_version, reference_data_ensure, results_write

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=BENCH_DB)
    parser.add_argument("--reference-data", help="folder for load_reference_data (default: fixtures/oostende)")
    parser.add_argument("--reporters", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--think", type=float, default=0.0, help="mean think time between filings, seconds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (README: 2)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="broker and cache of this run")
    parser.add_argument("--seed", type=int, default=1100)
    args = parser.parse_args()

    load_before = os.getloadavg()
    media = tempfile.mkdtemp(prefix="bench-reporters-media-")
    os.environ["MELDPUNT_MEDIA_ROOT"] = media
    django_setup(args.db)
    reference_data_ensure(args.reference_data)
    from django.db import connection

    plan = plan_make(seed=args.seed)
    after_id = last_report_id()
    connection.close()
    log_dir = Path(tempfile.mkdtemp(prefix="bench-reporters-logs-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "geo_meldpunt.settings.local",
        "MELDPUNT_DEBUG": "0",
        "MELDPUNT_DB_NAME": args.db,
        "MELDPUNT_MEDIA_ROOT": media,
        "MELDPUNT_LOG_LEVEL": "WARNING",
        "MELDPUNT_REDIS_URL": args.redis,
        "MELDPUNT_CACHE_URL": args.redis,
        "MELDPUNT_CELERY_QUEUE": f"meldpunt-bench-reporters-{os.getpid()}",
        # One load generator is one client address: the public-write limits (20/min) would refuse it; lifted.
        "MELDPUNT_RATE_PUBLIC_WRITES_BURST": "1000000/min",
        "MELDPUNT_RATE_PUBLIC_WRITES_SUSTAINED": "100000000/hour",
    }
    with services(env, args.workers, log_dir) as port:
        outcomes, elapsed = load(
            port, plan, reporters=args.reporters, seconds=args.seconds, think=args.think, seed=args.seed
        )
        load_after_run = os.getloadavg()
        # The worker sends what the run queued; wait (bounded) until nothing is queued.
        deadline = time.monotonic() + 120
        while outbox_counts(after_id).get("queued") and time.monotonic() < deadline:
            time.sleep(2)
        mails = outbox_counts(after_id)
    checked = check(outcomes, after_id)
    result = summary(outcomes, elapsed)
    print(f"machine: {machine()}\ndatabase: {args.db}, {postgres_version()}")
    print(
        f"{args.reporters} reporters, {args.seconds:.0f} s, think time {args.think:.1f} s, "
        f"gunicorn {args.workers} sync workers (gunicorn.conf.py), a Celery worker (solo); public-write limits lifted"
    )
    print(
        f"load average (1, 5, 15 min) before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
        f"at the end of the run {load_after_run[0]:.2f} {load_after_run[1]:.2f} {load_after_run[2]:.2f}"
    )
    for line in summary_lines(result, checked):
        print(line)
    print(f"acknowledgement mails of the run's reports by status (after the worker drained): {mails}")
    print(f"logs: {log_dir}")
    path = results_write(
        "reporters",
        {"args": vars(args), "load_before": load_before, "load_after": load_after_run, "summary": result,
         "check": checked, "mails": mails, "machine": machine()},
    )  # fmt: skip
    print(f"results: {path}")
    if checked["problems"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
