"""Deadline arithmetic: pure functions over dates, no database.

The city's regulation sets the deadlines (Flemish cities choose their own): an acknowledgement within a number
of working days, an answer within the category's deadline for a melding, and per kind for the other kinds.
Working days skip weekends and Belgian public holidays (from the maintained `holidays` package).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays

# Defaults from an example regulation; a city changes them in settings (REPORTS_DEADLINES).
DEFAULT_DEADLINES = {
    "acknowledge_working_days": 5,
    "klacht": {"days": 45, "working_days": False},
    "suggestie": {"days": 30, "working_days": False},
}


@dataclass(frozen=True)
class Deadline:
    days: int
    working_days: bool


@lru_cache(maxsize=64)
def _belgian_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("BE", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _belgian_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (start itself does not count, as in "within 5 working days")."""
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: what a pause from `start` to `end` takes off the clock."""
    if end <= start:
        return 0
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + dt.timedelta(days=n)))


def due_date(start: dt.date, deadline: Deadline) -> dt.date:
    if deadline.working_days:
        return add_working_days(start, deadline.days)
    return start + dt.timedelta(days=deadline.days)


def answer_deadline(*, kind: str, category_days: int, category_working_days: bool, config=None) -> Deadline:
    """A melding follows its category's deadline; complaints and suggestions follow the regulation per kind."""
    config = config or DEFAULT_DEADLINES
    per_kind = config.get(kind)
    if per_kind is not None:
        return Deadline(days=per_kind["days"], working_days=per_kind["working_days"])
    return Deadline(days=category_days, working_days=category_working_days)


def acknowledge_deadline(config=None) -> Deadline:
    config = config or DEFAULT_DEADLINES
    return Deadline(days=config["acknowledge_working_days"], working_days=True)
