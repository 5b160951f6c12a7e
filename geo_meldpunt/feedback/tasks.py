"""Celery tasks of the feedback loop (scheduled in CELERY_BEAT_SCHEDULE): entry points, like views."""

from __future__ import annotations

from celery import shared_task

from geo_meldpunt.reports.services import surveys


@shared_task(name="feedback.close_unanswered_surveys")
def close_unanswered_surveys() -> int:
    """Daily: close answered reports whose satisfaction survey went unanswered (safe to run twice)."""
    return surveys.reports_close_unanswered_surveys()
