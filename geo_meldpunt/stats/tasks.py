"""Celery tasks of stats (scheduled in CELERY_BEAT_SCHEDULE): entry points, like views."""

from __future__ import annotations

from celery import shared_task

from . import upkeep


@shared_task(name="stats.map_sweep")
def map_sweep() -> None:
    """Every few minutes: solved reports past MAPS_RECENTLY_SOLVED_DAYS leave the public map's cells."""
    upkeep.map_sweep()


@shared_task(name="stats.cells_check")
def cells_check() -> int:
    """Nightly: compare the cells with a fresh count, log and correct differences (a check, not the mechanism)."""
    return upkeep.cells_check_and_correct()
