"""Planting reports at chosen places and dates, for the hotspot tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from geo_meldpunt.reports.models import Report
from tests.factories import WAPENPLEIN, ReportFactory, point_at, project

BRUSSELS = ZoneInfo("Europe/Brussels")
CENTRE = point_at(*WAPENPLEIN)


def at(year: int, month: int, day: int = 15, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=BRUSSELS)


def near(metres: float, azimuth: float = 0.0, origin=CENTRE):
    return project(origin, metres=metres, azimuth_deg=azimuth)


def plant(category, when: dt.datetime, point=None, **fields) -> Report:
    """A report filed through report_create, then dated `when` (as if it had been filed then)."""
    report = ReportFactory(category=category, point=point or CENTRE, **fields)
    Report.objects.filter(pk=report.pk).update(created_at=when)
    report.created_at = when
    return report


def plant_recurring(category, months: list[tuple[int, int]], *, origin=CENTRE, per_month: int = 1, spread_m=15.0):
    """`per_month` reports in each (year, month), on a small circle of `spread_m` around `origin`."""
    planted = []
    for index, (year, month) in enumerate(months):
        for k in range(per_month):
            azimuth = (index * 47 + k * 113) % 360
            planted.append(
                plant(
                    category,
                    at(year, month, 3 + k),
                    near(spread_m * ((index + k) % 3) / 2, azimuth, origin),
                    reporter_email=f"melder{index}-{k}@example.org",
                )
            )
    return planted
