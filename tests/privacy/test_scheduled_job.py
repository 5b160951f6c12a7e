"""The daily job for real: Celery beat (embedded in a worker, `-B`) starts `privacy.anonymise_closed_reports` from
CELERY_BEAT_SCHEDULE and a worker on Redis runs it against the test database. The test settings let beat start it
every second (MELDPUNT_PRIVACY_ANONYMISE_EVERY_S) instead of at night; the task and its schedule entry are the ones
production runs."""

from __future__ import annotations

import os
import signal
import subprocess

import pytest
from django.conf import settings
from django.db import connection, transaction

from geo_meldpunt.privacy.models import PrivacyRecord
from tests.notifications.test_worker_integration import CELERY, READY_TIMEOUT_S, redis_answers, wait_for
from tests.privacy.helpers import closed_report, contact, history


@pytest.fixture
def worker_with_beat(tmp_path, reference_data_reloaded):
    broker = settings.CELERY_BROKER_URL
    assert redis_answers(broker), f"Redis does not answer at {broker}: start it (./dev test does)"
    log = tmp_path / "worker.log"
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "geo_meldpunt.settings.test",
        "MELDPUNT_DB_NAME": connection.settings_dict["NAME"],
        "MELDPUNT_TEST_REDIS_URL": broker,
        "MELDPUNT_CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "MELDPUNT_PRIVACY_ANONYMISE_EVERY_S": "1",
    }
    command = [
        str(CELERY), "-A", "geo_meldpunt", "worker", "-B", "-s", str(tmp_path / "beat-schedule"),
        "--pool=solo", "--loglevel=INFO", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE,
        "--hostname", f"meldpunt-privacy-{os.getpid()}@%h",
        "--purge", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: process.poll() is not None or " ready." in log.read_text(errors="replace"),
                 READY_TIMEOUT_S, "the worker was not ready", log)  # fmt: skip
        assert process.poll() is None, f"the worker stopped:\n{log.read_text(errors='replace')}"
        yield log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_beat_and_a_worker_clear_expired_contact_data_by_themselves(worker_with_beat):
    log = worker_with_beat
    with transaction.atomic():  # committed at once (a transactional test): the job sees all of it or none
        expired = closed_report(days_ago=366)
        kept = closed_report(days_ago=30, email="bert@example.org")
    expired_history = history(expired)

    wait_for(lambda: contact(expired) == ("", "", ""), 60, "the expired report kept its contact data", log)

    assert not expired.followers.exists()
    assert history(expired) == expired_history
    assert contact(kept) == ("An Peeters", "bert@example.org", "0470 12 34 56")
    record = wait_for(
        lambda: PrivacyRecord.objects.filter(action=PrivacyRecord.Action.ANONYMISE, reports=1).first(),
        30,
        "no record of the run",
        log,
    )
    assert (record.via, record.actor) == (PrivacyRecord.Via.SCHEDULE, None)
    assert "privacy.anonymise_closed_reports" in log.read_text(errors="replace")
