"""Compute and keep a calendar year's recurring hotspots now, in this process, for its yearly report.

The yearly report asks the worker for them the first time it is opened; before a council meeting the coordinator
(or a yearly cron job) can compute them beforehand so the report shows them at once:

    manage.py hotspots_prepare_year 2025
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from geo_meldpunt.hotspots.services import hotspots_detection_compute, hotspots_detection_get_or_create


class Command(BaseCommand):
    help = "Compute and keep a calendar year's recurring hotspots (what the yearly report shows)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("year", type=int)

    def handle(self, *args: Any, year: int, **options: Any) -> None:
        if not 2000 <= year <= timezone.localdate().year:
            raise CommandError(f"No yearly report for {year}.")
        detection, _created = hotspots_detection_get_or_create(
            start=dt.date(year, 1, 1), end=dt.date(year + 1, 1, 1), category=None, now=timezone.now()
        )
        done = hotspots_detection_compute(detection_id=detection.pk)
        assert done is not None and done.computed_at is not None
        self.stdout.write(f"{year}: {len(done.hotspots)} hotspots kept (computed {done.computed_at:%Y-%m-%d %H:%M}).")
