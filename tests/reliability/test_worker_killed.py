"""The Celery worker killed (SIGKILL) while sending: after a restart every e-mail reaches its recipient exactly once.

Real parts throughout: the e-mails are queued through the outbox in committed transactions (the message goes to
Redis after commit), a real worker process sends them over SMTP to a real SMTP server on loopback (aiosmtpd, the
sink below), the worker is killed with SIGKILL in the middle of the batch, a new worker is started, and beat's sweep
task (`notifications.requeue_stale_emails`) is sent through the broker every second as beat would every 5 minutes.

The kill lands at the worst moment SMTP has: the sink holds its answer to one message after the end of DATA, so that
message was accepted by the server while the worker never heard so. That cannot be undone (SMTP has no idempotency):
the design (geo_meldpunt/notifications/outbox.py, docs/design.md) sends it again after the grace period with the
same Message-ID, which is how the recipient's mail server and mail program recognise the duplicate. So the test
asserts what that design guarantees:
- every outbox row ends sent, and the sink has exactly N distinct Message-IDs, each the row's, to the row's recipient;
- the one message delivered twice is the one whose conversation was cut off, twice under one Message-ID; its row
  counts two attempts, every other row one; no conversation whose answer the worker heard is ever repeated.
The sink is slow on purpose (every DATA answer waits), so the batch is still going on when the kill lands.
"""

from __future__ import annotations

import asyncio
import email
import os
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection, transaction

from geo_meldpunt.notifications.models import OutgoingEmail, TemplateKey
from geo_meldpunt.notifications.outbox import email_queue
from geo_meldpunt.notifications.tasks import requeue_stale_emails
from tests.notifications.test_worker_integration import CELERY, READY_TIMEOUT_S, redis_answers, wait_for

N = 30
CUT_OFF_AT = 10  # the sink holds its answer to the 10th message; the worker is killed meanwhile
SLOW_S = 0.15  # every other DATA answer waits this long: a batch of 30 takes several seconds
HOLD_S = 5.0
GRACE_S = 4  # MELDPUNT_EMAIL_SENDING_GRACE_S of the workers
SWEEP_EVERY_S = 1.0
DONE_TIMEOUT_S = 40
CONTEXT = {"reference": "OST-2026-000042", "kind": "melding", "category": "Wegdek", "department": "Wegendienst"}


@dataclass
class Delivery:
    message_id: str
    rcpt_tos: tuple[str, ...]
    to_header: str
    peer: tuple


@dataclass
class Sink:
    """An SMTP server that keeps what it accepted. A message counts as delivered at the end of DATA, as a real
    server's queue has it then; its conversation counts as completed once the client says QUIT after it (the client
    heard the answer)."""

    deliveries: list[Delivery] = field(default_factory=list)
    completed: set[int] = field(default_factory=set)  # indexes into deliveries
    holding: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_of_peer: dict[tuple, int] = field(default_factory=dict)

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.deliveries.append(
                Delivery(message["Message-ID"], tuple(envelope.rcpt_tos), message["To"], tuple(session.peer))
            )
            index = len(self.deliveries) - 1
            self.last_of_peer[tuple(session.peer)] = index
        if index + 1 == CUT_OFF_AT:
            self.holding.set()
            await asyncio.sleep(HOLD_S)
        else:
            await asyncio.sleep(SLOW_S)
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope) -> str:
        with self.lock:
            index = self.last_of_peer.get(tuple(session.peer))
            if index is not None:
                self.completed.add(index)
        return "221 Bye"

    def snapshot(self) -> tuple[list[Delivery], set[int]]:
        with self.lock:
            return list(self.deliveries), set(self.completed)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def sink():
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), ready_timeout=10)
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


class Workers:
    """Celery worker processes on the test database and Redis queue, sending through the sink."""

    def __init__(self, tmp_path: Path, smtp_port: int):
        self.tmp_path = tmp_path
        self.env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "geo_meldpunt.settings.test",
            "MELDPUNT_DB_NAME": connection.settings_dict["NAME"],
            "MELDPUNT_TEST_REDIS_URL": settings.CELERY_BROKER_URL,
            "MELDPUNT_CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
            "MELDPUNT_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "MELDPUNT_EMAIL_PORT": str(smtp_port),
            "MELDPUNT_EMAIL_SENDING_GRACE_S": str(GRACE_S),
        }
        self.processes: list[subprocess.Popen] = []

    def start(self, *, purge: bool) -> tuple[subprocess.Popen, Path]:
        log = self.tmp_path / f"worker{len(self.processes) + 1}.log"
        command = [
            str(CELERY), "-A", "geo_meldpunt", "worker", "--pool=solo", "--loglevel=INFO",
            "-Q", settings.CELERY_TASK_DEFAULT_QUEUE,
            "--hostname", f"meldpunt-kill-{os.getpid()}-{len(self.processes)}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ] + (["--purge"] if purge else [])  # fmt: skip
        with log.open("wb") as out:
            process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=self.env, stdout=out, stderr=out)
        self.processes.append(process)
        wait_for(lambda: process.poll() is not None or " ready." in log.read_text(errors="replace"),
                 READY_TIMEOUT_S, "the worker was not ready", log)  # fmt: skip
        assert process.poll() is None, f"the worker stopped:\n{log.read_text(errors='replace')}"
        return process, log

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(tmp_path, sink, reference_data_reloaded):
    assert redis_answers(settings.CELERY_BROKER_URL), f"Redis does not answer at {settings.CELERY_BROKER_URL}"
    pool = Workers(tmp_path, sink[1])
    try:
        yield pool
    finally:
        pool.stop_all()


def test_a_worker_killed_while_sending_leaves_every_e_mail_delivered_once_by_message_id(sink, workers):
    handler, _port = sink
    first, first_log = workers.start(purge=True)  # messages left in the test queue by earlier tests are dropped

    recipients = [f"melder{i:02d}@example.org" for i in range(N)]
    for to in recipients:
        with transaction.atomic():  # each e-mail committed on its own, its message queued after commit
            email_queue(key=TemplateKey.ACKNOWLEDGEMENT, to=to, language="nl", context=CONTEXT)
    rows = {row.to: row for row in OutgoingEmail.objects.filter(to__in=recipients)}
    assert len(rows) == N

    assert handler.holding.wait(timeout=30), f"the batch never reached message {CUT_OFF_AT}:\n{first_log.read_text()}"
    first.send_signal(signal.SIGKILL)  # mid-conversation: the sink has the message, the worker has no answer
    first.wait(timeout=10)

    deliveries, _ = handler.snapshot()
    assert len(deliveries) == CUT_OFF_AT
    cut_off = deliveries[-1].message_id
    cut_off_row = next((row for row in rows.values() if row.message_id == cut_off), None)
    assert cut_off_row is not None, f"the message cut off carries no outbox row's Message-ID: {cut_off}"
    cut_off_row.refresh_from_db()
    # The attempt was committed before the conversation: the row says it may have gone out.
    assert (cut_off_row.status, cut_off_row.attempts) == (OutgoingEmail.Status.SENDING, 1)
    assert OutgoingEmail.objects.filter(to__in=recipients, status=OutgoingEmail.Status.QUEUED).count() == N - CUT_OFF_AT

    _second, second_log = workers.start(purge=False)
    deadline = time.monotonic() + DONE_TIMEOUT_S
    while OutgoingEmail.objects.filter(to__in=recipients).exclude(status=OutgoingEmail.Status.SENT).exists():
        assert time.monotonic() < deadline, f"not every e-mail was sent; worker log:\n{second_log.read_text()[-4000:]}"
        requeue_stale_emails.delay()  # beat's sweep, through the broker to the worker
        time.sleep(SWEEP_EVERY_S)

    deliveries, completed = handler.snapshot()
    rows = {row.message_id: row for row in OutgoingEmail.objects.filter(to__in=recipients)}
    delivered_ids = [delivery.message_id for delivery in deliveries]
    # Exactly once as the recipient's mail server sees it: N distinct Message-IDs, each an outbox row's.
    assert set(delivered_ids) == set(rows) and len(rows) == N
    for delivery in deliveries:
        row = rows[delivery.message_id]
        assert delivery.rcpt_tos == (row.to,) and delivery.to_header == row.to
    # The one message sent twice is the one cut off, under one Message-ID, and its second conversation completed.
    repeated = {message_id for message_id in delivered_ids if delivered_ids.count(message_id) > 1}
    assert repeated == {cut_off} and delivered_ids.count(cut_off) == 2
    assert {message_id: row.attempts for message_id, row in rows.items() if row.attempts != 1} == {cut_off: 2}
    # No conversation the worker heard the end of was ever repeated.
    for index, delivery in enumerate(deliveries):
        if index in completed:
            assert delivered_ids[index + 1 :].count(delivery.message_id) == 0
    assert [index in completed for index, delivery in enumerate(deliveries) if delivery.message_id == cut_off] == [
        False,  # cut off by the kill
        True,  # sent again after the grace period, completed
    ]
