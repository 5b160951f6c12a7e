"""Celery tasks of the feedback loop (scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="feedback.close_unanswered_surveys")
def close_unanswered_surveys() -> int:
    """Daily: close answered reports whose satisfaction survey went unanswered (safe to run twice)."""
    return services.surveys_close_unanswered()
