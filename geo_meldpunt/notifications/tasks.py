"""Celery tasks of the notifications app: thin wrappers around outbox.py and digests.py.

Every task is safe to run twice (late acknowledgement may deliver a message again): sending skips rows already
sent, the sweep only touches queued rows, digests are deduplicated per department and day.
"""

from __future__ import annotations

import datetime as dt
import smtplib

from celery import shared_task
from django.conf import settings

from . import digests, outbox


@shared_task(
    name="notifications.send_email",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=settings.NOTIFICATIONS_RETRY_BACKOFF_S,
    retry_backoff_max=settings.NOTIFICATIONS_RETRY_BACKOFF_MAX_S,
    retry_jitter=True,
    max_retries=settings.NOTIFICATIONS_SEND_MAX_RETRIES,
)
def send_email(email_id: int) -> str:
    """Send one outgoing e-mail. On an SMTP or network error Celery retries with backoff; once its retries are
    spent the row stays queued and the sweep queues it again later (see outbox.email_send)."""
    return outbox.email_send(email_id=email_id)


@shared_task(name="notifications.requeue_stale_emails")
def requeue_stale_emails() -> int:
    return outbox.emails_requeue_stale()


@shared_task(name="notifications.send_department_digests")
def send_department_digests(on: str | None = None) -> int:
    """Daily: each department's digest of overdue reports, the coordinator's breaches. `on`: ISO date, or today."""
    day = dt.date.fromisoformat(on) if on else None
    return len(digests.digests_queue(on=day))
