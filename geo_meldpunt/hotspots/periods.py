"""Period arithmetic for hotspots (pure): calendar months back from a date, and the trend's split of a period."""

from __future__ import annotations

import datetime as dt


def months_back(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (clipped to the month's last day: 31 March - 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def default_period(today: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """[start, end): the `months` months up to and including today."""
    end = today + dt.timedelta(days=1)
    return months_back(end, months), end


def trend_split(start: dt.date, end: dt.date, trend_months: int) -> tuple[dt.date, int, int]:
    """Where the trend's recent part of [start, end) begins, and the days in the recent and earlier parts.

    The recent part is the last `trend_months` months; a period no longer than that has no earlier part (0 days),
    and then no trend.
    """
    recent_start = max(start, months_back(end, trend_months))
    return recent_start, (end - recent_start).days, (recent_start - start).days
