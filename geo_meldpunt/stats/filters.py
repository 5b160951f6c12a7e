"""What the insight pages count over: a period (a week, a month or a year in the city's time zone) and the
filters that narrow the reports (kind, category, department, zone, channel). Pure: no query here.

Boundaries are local midnights in settings.TIME_ZONE (Europe/Brussels), so a report made at 00:30 on 1 January
in Oostende counts in the new year although it is still 31 December in UTC. Every aggregate compares a period
with the one before it (the previous week, month or year), so both periods are given as one range
[previous_start, end) split at `start`.

The filters are turned into SQL here once, from constant fragments and bound parameters: the selectors in
dashboard.py and quality.py put them after their own WHERE, and the export reads the same filters as a Q.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q

WEEK = "week"
MONTH = "month"
YEAR = "year"
UNITS = (WEEK, MONTH, YEAR)


def city_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of `day` in the city's time zone, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=city_tz())


def _period_start(day: dt.date, unit: str) -> dt.date:
    if unit == WEEK:
        return day - dt.timedelta(days=day.weekday())  # weeks start on Monday, as in Belgium (ISO 8601)
    if unit == MONTH:
        return day.replace(day=1)
    if unit == YEAR:
        return day.replace(month=1, day=1)
    raise ValueError(f"unknown period unit {unit!r}")


def _next_start(first: dt.date, unit: str) -> dt.date:
    if unit == WEEK:
        return first + dt.timedelta(days=7)
    if unit == MONTH:
        return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first.replace(year=first.year + 1)


def _previous_start(first: dt.date, unit: str) -> dt.date:
    if unit == WEEK:
        return first - dt.timedelta(days=7)
    if unit == MONTH:
        return (first - dt.timedelta(days=1)).replace(day=1)
    return first.replace(year=first.year - 1)


@dataclass(frozen=True)
class Period:
    """A week, month or year in local dates: [first, next_first), and the period before it [previous_first, first)."""

    unit: str
    first: dt.date
    next_first: dt.date
    previous_first: dt.date

    @classmethod
    def containing(cls, day: dt.date, unit: str) -> Period:
        first = _period_start(day, unit)
        return cls(
            unit=unit, first=first, next_first=_next_start(first, unit), previous_first=_previous_start(first, unit)
        )

    @classmethod
    def year(cls, year: int) -> Period:
        return cls.containing(dt.date(year, 1, 1), YEAR)

    @property
    def last(self) -> dt.date:
        return self.next_first - dt.timedelta(days=1)

    @property
    def previous_last(self) -> dt.date:
        return self.first - dt.timedelta(days=1)

    @property
    def start(self) -> dt.datetime:
        return local_midnight(self.first)

    @property
    def end(self) -> dt.datetime:
        return local_midnight(self.next_first)

    @property
    def previous_start(self) -> dt.datetime:
        return local_midnight(self.previous_first)

    @property
    def bucket_unit(self) -> str:
        """The trend's steps: months through a year, days through a month or a week."""
        return "month" if self.unit == YEAR else "day"

    def buckets(self, *, previous: bool = False) -> list[dt.date]:
        """The first day of each step of the period (or of the previous period)."""
        day, stop = (self.previous_first, self.first) if previous else (self.first, self.next_first)
        out = []
        while day < stop:
            out.append(day)
            day = (
                (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
                if self.unit == YEAR
                else day + dt.timedelta(days=1)
            )
        return out


@dataclass(frozen=True)
class ReportFilter:
    """Which reports count; empty fields do not narrow. A parent category takes its children along."""

    kind: str = ""
    category_id: int | None = None
    department_id: int | None = None
    zone_id: int | None = None
    channel: str = ""

    def sql(self, alias: str = "r") -> tuple[str, dict[str, Any]]:
        """` AND ...` conditions on the report table under `alias`, with named parameters (psycopg style)."""
        parts: list[str] = []
        params: dict[str, Any] = {}
        if self.kind:
            parts.append(f"{alias}.kind = %(f_kind)s")
            params["f_kind"] = self.kind
        if self.category_id is not None:
            parts.append(
                f"({alias}.category_id = %(f_category)s OR {alias}.category_id IN "
                "(SELECT c.id FROM reports_category c WHERE c.parent_id = %(f_category)s))"
            )
            params["f_category"] = self.category_id
        if self.department_id is not None:
            parts.append(f"{alias}.department_id = %(f_department)s")
            params["f_department"] = self.department_id
        if self.zone_id is not None:
            parts.append(f"{alias}.zone_id = %(f_zone)s")
            params["f_zone"] = self.zone_id
        if self.channel:
            parts.append(f"{alias}.channel = %(f_channel)s")
            params["f_channel"] = self.channel
        return "".join(f" AND {p}" for p in parts), params

    def q(self) -> Q:
        """The same conditions for the ORM (Report querysets)."""
        q = Q()
        if self.kind:
            q &= Q(kind=self.kind)
        if self.category_id is not None:
            q &= Q(category_id=self.category_id) | Q(category__parent_id=self.category_id)
        if self.department_id is not None:
            q &= Q(department_id=self.department_id)
        if self.zone_id is not None:
            q &= Q(zone_id=self.zone_id)
        if self.channel:
            q &= Q(channel=self.channel)
        return q
