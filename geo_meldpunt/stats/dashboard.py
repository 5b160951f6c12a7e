"""How many reports came in: per kind, category, department, zone and channel, and their trend through the period,
each beside the previous period. Two queries whatever the number of reports.

Every report received counts, whatever became of it (a merged duplicate was still a signal from a citizen).
"Received in the period": created_at in [start, end) in the city's time zone (filters.Period). The zone is the one
recorded when the report was routed (the most specific zone it lay in), not a spatial test made now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from .filters import Period, ReportFilter, city_tz

KIND = "kind"
CATEGORY = "category"
DEPARTMENT = "department"
ZONE = "zone"
CHANNEL = "channel"
DIMENSIONS = (KIND, CATEGORY, DEPARTMENT, ZONE, CHANNEL)

# GROUPING(kind, category_id, department_id, zone_id, channel) of each grouping set: a bit is 1 for a column that
# is not grouped in that row, the first column the highest bit.
_GROUPING_BITS = {0b01111: KIND, 0b10111: CATEGORY, 0b11011: DEPARTMENT, 0b11101: ZONE, 0b11110: CHANNEL}


@dataclass(frozen=True)
class Count:
    key: str | int | None  # the kind or channel value, or the category/department/zone id (None: no zone)
    current: int
    previous: int


@dataclass(frozen=True)
class Counts:
    period: Period
    total: int
    previous_total: int
    by: dict[str, list[Count]]  # per dimension, largest first


def report_counts(*, period: Period, report_filter: ReportFilter) -> Counts:
    """Reports received in `period` and in the one before, per dimension. One scan: GROUPING SETS."""
    where, params = report_filter.sql("r")
    sql = (
        "SELECT GROUPING(r.kind, r.category_id, r.department_id, r.zone_id, r.channel),"
        " r.kind, r.category_id, r.department_id, r.zone_id, r.channel,"
        " count(*) FILTER (WHERE r.created_at >= %(start)s),"
        " count(*) FILTER (WHERE r.created_at < %(start)s)"
        " FROM reports_report r"
        " WHERE r.created_at >= %(previous_start)s AND r.created_at < %(end)s" + where + " GROUP BY GROUPING SETS"
        " ((r.kind), (r.category_id), (r.department_id), (r.zone_id), (r.channel))"
    )
    params |= {"start": period.start, "end": period.end, "previous_start": period.previous_start}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by: dict[str, list[Count]] = {d: [] for d in DIMENSIONS}
    for grouping, kind, category_id, department_id, zone_id, channel, current, previous in rows:
        dimension = _GROUPING_BITS[grouping]
        key = {KIND: kind, CATEGORY: category_id, DEPARTMENT: department_id, ZONE: zone_id, CHANNEL: channel}[dimension]
        by[dimension].append(Count(key=key, current=current, previous=previous))
    for counts in by.values():
        counts.sort(key=lambda c: (-c.current, -c.previous, str(c.key)))
    kinds = by[KIND]  # every report has a kind: the kind rows add up to the totals
    return Counts(
        period=period,
        total=sum(c.current for c in kinds),
        previous_total=sum(c.previous for c in kinds),
        by=by,
    )


@dataclass(frozen=True)
class TrendStep:
    first: dt.date  # the step's first day in the period
    current: int
    previous_first: dt.date | None  # the matching step of the previous period (None: it has fewer steps)
    previous: int | None


def report_trend(*, period: Period, report_filter: ReportFilter) -> list[TrendStep]:
    """Reports received per month (a year) or per day (a month, a week), beside the same step of the previous
    period (the n-th day of the previous month; the same month of the previous year). One query."""
    where, params = report_filter.sql("r")
    sql = (
        "SELECT date_trunc(%(unit)s, r.created_at AT TIME ZONE %(tz)s)::date, count(*)"
        " FROM reports_report r"
        " WHERE r.created_at >= %(previous_start)s AND r.created_at < %(end)s" + where + " GROUP BY 1"
    )
    params |= {
        "unit": period.bucket_unit,
        "tz": str(city_tz()),
        "end": period.end,
        "previous_start": period.previous_start,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counted = dict(cursor.fetchall())
    current = period.buckets()
    previous = period.buckets(previous=True)
    steps = []
    for n, first in enumerate(current):
        before = previous[n] if n < len(previous) else None
        steps.append(
            TrendStep(
                first=first,
                current=counted.get(first, 0),
                previous_first=before,
                previous=None if before is None else counted.get(before, 0),
            )
        )
    return steps
