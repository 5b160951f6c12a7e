"""What both benchmarks share: the benchmark database, Django set-up, timing statistics and result files.

The benchmarks run against their own database (meldpunt_bench by default), never the development one:
they add up to a million demo reports to it.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BENCH_DB = "meldpunt_bench"


def django_setup(db_name: str) -> None:
    """Point Django at `db_name` with the local settings and DEBUG off, creating the database if needed.

    DEBUG off matters: with DEBUG on, Django keeps every SQL statement in memory and the figures include it.
    """
    os.environ["MELDPUNT_DB_NAME"] = db_name
    os.environ["MELDPUNT_DEBUG"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "geo_meldpunt.settings.local"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    database_ensure(db_name)

    import django

    django.setup()


def conninfo(db_name: str) -> str:
    env = os.environ
    return psycopg.conninfo.make_conninfo(
        host=env.get("MELDPUNT_DB_HOST", "127.0.0.1"),
        port=env.get("MELDPUNT_DB_PORT", "5432"),
        user=env.get("MELDPUNT_DB_USER", "postgres"),
        password=env.get("MELDPUNT_DB_PASSWORD") or None,
        dbname=db_name,
    )


def database_ensure(db_name: str) -> None:
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name]).fetchone()
        if not exists:
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(db_name)))
    with psycopg.connect(conninfo(db_name), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def database_drop(db_name: str) -> None:
    if db_name in {"postgres", "template0", "template1"}:
        raise SystemExit(f"refusing to drop {db_name}")
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("DROP DATABASE IF EXISTS {}").format(psycopg.sql.Identifier(db_name)))


def reference_data_ensure(path: str | None = None) -> None:
    """Migrate and load the reference data (Oostende's unless `path` names another folder); both are idempotent."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", *(["--path", path] if path else []), verbosity=0)


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {
        "n": len(ms),
        "median": statistics.median(ms),
        "p95": ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))],
        "mean": statistics.fmean(ms),
        "min": ms[0],
        "max": ms[-1],
    }


def machine() -> dict[str, object]:
    mem_kib = 0
    try:
        with open("/proc/meminfo") as f:
            mem_kib = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration, ValueError):
        pass
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT split_part(version(), ' on ', 1), postgis_lib_version()")
        pg, postgis = cursor.fetchone()
    return f"{pg}, PostGIS {postgis}"


def results_write(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    return path


@dataclass
class Driven:
    """What threads_drive measured: each request's seconds and status, the wall time, the generator's CPU."""

    times: list[float]
    statuses: Counter
    seconds: float
    cpu_cores: float  # the load generator's own CPU over the wall time: 1.0 is one core busy


def threads_drive(
    sender: Callable[[], Callable[[int], tuple[int, float]]], *, clients: int, seconds: float, count: int | None
) -> Driven:
    """`clients` threads, each with its own `sender()` (one HTTP connection, say), send requests 0, 1, 2, ... in
    turn, each request's number to its thread's send function, which answers (status, seconds); until `count`
    requests were taken (None: no end) or `seconds` have passed, whichever comes first."""
    lock = threading.Lock()
    taken = [0]
    driven = Driven(times=[], statuses=Counter(), seconds=0.0, cpu_cores=0.0)
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        send = sender()
        while time.perf_counter() < deadline:
            with lock:
                number = taken[0]
                if count is not None and number >= count:
                    return
                taken[0] += 1
            status, elapsed = send(number)
            with lock:
                driven.statuses[status] += 1
                driven.times.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    cpu0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    driven.seconds = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    used = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    driven.cpu_cores = used / driven.seconds if driven.seconds else 0.0
    return driven
