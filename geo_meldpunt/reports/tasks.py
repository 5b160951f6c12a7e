"""Celery tasks of reports (scheduled in CELERY_BEAT_SCHEDULE): entry points, like views."""

from __future__ import annotations

from celery import shared_task

from .services import once


@shared_task(name="reports.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    """Daily: forget client keys older than REPORTS_IDEMPOTENCY_KEY_DAYS (safe to run twice)."""
    return once.idempotency_keys_purge()
