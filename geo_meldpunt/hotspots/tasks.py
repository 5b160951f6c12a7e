"""Celery tasks of hotspots (scheduled in CELERY_BEAT_SCHEDULE): entry points, like views."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .services import hotspots_detection_compute, hotspots_snapshot_take


@shared_task(name="hotspots.take_weekly_snapshot")
def take_weekly_snapshot() -> int:
    """Weekly: store this week's hotspots (a second run in the same week changes nothing). Returns the snapshot id."""
    return hotspots_snapshot_take(today=timezone.localdate()).pk


@shared_task(name="hotspots.detect")
def detect(detection_id: int) -> None:
    """A planner's period or category, or a yearly report's year: detect once and keep the result (seconds)."""
    hotspots_detection_compute(detection_id=detection_id)
