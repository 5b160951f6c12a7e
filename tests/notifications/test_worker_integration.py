"""A real Celery worker on Redis sends the acknowledgement of a report created through the service.

The worker is a subprocess with the test settings, told through the environment which database (the test
database), which Redis database and queue (the test run's) and where to write e-mails (a file backend in a
temporary directory). The report is committed for real (transactional test), so the outbox row exists for the
worker and the message is queued after commit, as in production. `./dev test` makes sure Redis answers.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

from geo_meldpunt.notifications.models import OutgoingEmail, TemplateKey
from tests.notifications.helpers import new_report

CELERY = Path(sys.executable).with_name("celery")
READY_TIMEOUT_S = 30
DELIVERY_TIMEOUT_S = 30


def redis_answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def wait_for(predicate, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout} s; worker log:\n{log.read_text(errors='replace')[-4000:]}")


@pytest.fixture
def worker(tmp_path, reference_data_reloaded):
    """A Celery worker process on the test database and the test run's Redis queue; stopped at the end."""
    broker = settings.CELERY_BROKER_URL
    assert redis_answers(broker), f"Redis does not answer at {broker}: start it (./dev test does)"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = tmp_path / "worker.log"
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "geo_meldpunt.settings.test",
        "MELDPUNT_DB_NAME": connection.settings_dict["NAME"],  # test_<name>, made by pytest-django
        "MELDPUNT_TEST_REDIS_URL": broker,
        "MELDPUNT_CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "MELDPUNT_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "MELDPUNT_EMAIL_FILE_PATH": str(mail_dir),
    }
    command = [
        str(CELERY), "-A", "geo_meldpunt", "worker", "--pool=solo", "--loglevel=INFO",
        "-Q", settings.CELERY_TASK_DEFAULT_QUEUE, "--hostname", f"meldpunt-test-{os.getpid()}@%h",
        # Messages left in the test queue by earlier runs (tests that committed with no worker) are dropped.
        "--purge", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        # Report only once the worker consumes: --purge would otherwise drop this test's message too.
        wait_for(lambda: process.poll() is not None or " ready." in log.read_text(errors="replace"),
                 READY_TIMEOUT_S, "the worker was not ready", log)  # fmt: skip
        assert process.poll() is None, f"the worker stopped:\n{log.read_text(errors='replace')}"
        yield mail_dir, log
    finally:
        process.send_signal(signal.SIGTERM)  # warm shutdown: finishes the task at hand, closes its connections
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_worker_on_redis_sends_the_acknowledgement_after_commit(worker):
    mail_dir, log = worker

    report = new_report(language="en", reporter_email="reporter@example.org")  # committed: a transactional test

    files = wait_for(lambda: sorted(mail_dir.iterdir()), DELIVERY_TIMEOUT_S, "no e-mail was written", log)
    message = files[0].read_text(encoding="utf-8")
    assert "To: reporter@example.org" in message
    assert report.reference in message
    assert "Thank you for your report" in message
    email = wait_for(
        lambda: OutgoingEmail.objects.filter(report=report, status=OutgoingEmail.Status.SENT).first(),
        DELIVERY_TIMEOUT_S,
        "the outbox row was not marked sent",
        log,
    )
    assert (email.template_key, email.attempts) == (TemplateKey.ACKNOWLEDGEMENT, 1)
