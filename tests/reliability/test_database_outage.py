"""PostgreSQL stopped and started again under a load of new reports, against gunicorn.

The test makes a cluster of its own (tests/reliability/cluster.py), migrates it, serves the project from it with
gunicorn (persistent connections, as in production), and files reports from several clients while it stops the
cluster and starts it again. It proves what a reporter and an operator would notice:
- every report answered 201 exists afterwards, once;
- requests during the outage get a 503 with Retry-After (JSON for the API, a page for people), no other 5xx;
- the service recovers by itself: reports are accepted again after the restart, from the same gunicorn workers.
Bounded: about 20 s of load; the whole test takes well under 90 s.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

import pytest
import redis

from .cluster import ROOT, VENV_BIN, Cluster, Server

CLIENTS = 6
BEFORE_S = 3.0
OUTAGE_S = 4.0
AFTER_MAX_S = 20.0
# After the restart: keep the load on until reports have been accepted again for this long.
RECOVERED_FOR_S = 3.0
POINT = {"lat": 51.2297, "lon": 2.9196}  # Wapenplein, Oostende


@dataclass
class Answer:
    sent: float
    status: int
    retry_after: str | None
    content_type: str
    reference: str | None
    marker: str


def _request(url: str, *, body: dict | None = None, accept: str = "application/json") -> tuple[int, dict, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Accept": accept, "Accept-Language": "nl"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _reporter(url: str, client: int, stop: threading.Event, answers: list[Answer], lock: threading.Lock) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        marker = f"outage-test {client}-{n}-{uuid.uuid4().hex[:8]}"
        body = {"kind": "melding", "category": "wegdek-put", **POINT, "description": marker}
        sent = time.monotonic()
        status, headers, content = _request(f"{url}/api/v1/reports/", body=body)
        reference = json.loads(content).get("reference") if status == 201 else None
        answer = Answer(sent, status, headers.get("Retry-After"), headers.get("Content-Type", ""), reference, marker)
        with lock:
            answers.append(answer)
        if status == 503:
            time.sleep(0.05)


@pytest.fixture
def outage_stack():
    cluster = Cluster()
    queue = f"meldpunt-outage-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "geo_meldpunt.settings.test",
        "MELDPUNT_DB_HOST": "127.0.0.1",
        "MELDPUNT_DB_PORT": str(cluster.port),
        "MELDPUNT_DB_USER": "postgres",
        "MELDPUNT_DB_NAME": "meldpunt_outage",
        # Persistent connections, as in production: the test is that they recover by themselves.
        "MELDPUNT_TEST_DB_CONN_MAX_AGE": "60",
        # E-mails are queued to a queue no worker reads, removed at the end.
        "MELDPUNT_CELERY_QUEUE": queue,
    }
    server = None
    try:
        cluster.create()
        with cluster.connect() as connection:
            connection.execute("CREATE DATABASE meldpunt_outage")
        with cluster.connect("meldpunt_outage") as connection:
            connection.execute("CREATE EXTENSION postgis")
        manage = [str(VENV_BIN / "python"), str(ROOT / "manage.py")]
        for command in (["migrate", "-v0"], ["load_reference_data", "-v0"]):
            subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
        server = Server(env)
        server.wait_ready()
        yield cluster, server
    finally:
        if server is not None:
            server.stop()
        cluster.remove()
        broker = os.environ.get("MELDPUNT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
        redis.Redis.from_url(broker).delete(queue)


def test_a_database_outage_answers_503_loses_nothing_and_recovers_by_itself(outage_stack):
    cluster, server = outage_stack
    answers: list[Answer] = []
    lock = threading.Lock()
    stop = threading.Event()
    clients = [
        threading.Thread(target=_reporter, args=(server.url, n, stop, answers, lock), daemon=True)
        for n in range(CLIENTS)
    ]
    for thread in clients:
        thread.start()
    try:
        time.sleep(BEFORE_S)
        cluster.stop("fast")
        stopped = time.monotonic()
        time.sleep(OUTAGE_S / 2)
        # People and the API during the outage: a page and JSON, both 503 with Retry-After.
        page = _request(f"{server.url}/kaart/", accept="text/html")
        api_read = _request(f"{server.url}/api/v1/categories/")
        time.sleep(OUTAGE_S / 2)
        cluster.start()
        started = time.monotonic()
        deadline = started + AFTER_MAX_S
        while time.monotonic() < deadline:
            with lock:
                recovered = [a.sent for a in answers if a.status == 201 and a.sent > started]
            if recovered and time.monotonic() - min(recovered) >= RECOVERED_FOR_S:
                break
            time.sleep(0.2)
    finally:
        stop.set()
        for thread in clients:
            thread.join(timeout=30)

    print(  # the figures of this run, for the record (pytest -s)
        f"outage: {len(answers)} POSTs, {sum(a.status == 201 for a in answers)} x 201, "
        f"{sum(a.status == 503 for a in answers)} x 503, restart after {started - stopped:.1f} s"
    )
    statuses = {a.status for a in answers}
    assert statuses <= {201, 503}, f"only 201 and 503 expected, got {sorted(statuses)}"
    created = [a for a in answers if a.status == 201]
    refused = [a for a in answers if a.status == 503]
    assert [a for a in created if a.sent < stopped], "reports were accepted before the outage"
    assert refused, "requests during the outage were answered 503"
    for answer in refused:
        assert answer.retry_after is not None and int(answer.retry_after) > 0
        assert answer.content_type.startswith("application/json")
    assert [a for a in created if a.sent > started], "reports were accepted again after the restart"

    # The page and the API read during the outage.
    status, headers, content = page
    assert status == 503 and int(headers["Retry-After"]) > 0
    assert headers["Content-Type"].startswith("text/html")
    assert "Even niet beschikbaar" in content.decode()
    status, headers, content = api_read
    assert status == 503 and int(headers["Retry-After"]) > 0
    assert json.loads(content)["detail"]

    # Every 201 has its report, exactly once; nothing answered 503 was stored half.
    with cluster.connect("meldpunt_outage") as connection:
        stored = dict(
            connection.execute(
                "SELECT description, reference FROM reports_report WHERE description LIKE 'outage-test %%'"
            ).fetchall()
        )
        events = connection.execute(
            "SELECT count(*) FROM reports_report r WHERE r.description LIKE 'outage-test %%'"
            " AND NOT EXISTS (SELECT 1 FROM reports_reportevent e WHERE e.report_id = r.id)"
        ).fetchone()[0]
    for answer in created:
        assert stored.get(answer.marker) == answer.reference, answer
    assert len(stored) == len(set(stored.values()))
    assert events == 0, "every stored report has its first history event"

    # Recovered without a restart: the same master, no worker booted again.
    assert server.process.poll() is None
    assert len(re.findall(r"Booting worker", server.output())) == 3, server.output()[-3000:]
