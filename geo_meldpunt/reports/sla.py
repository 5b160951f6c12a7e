"""Deadline arithmetic: pure functions over dates, no database.

The city's regulation sets the deadlines (Flemish cities choose their own): an acknowledgement within a number
of working days, an answer within the category's deadline for a melding, and per kind for the other kinds.
Working days skip weekends and Belgian public holidays (from the maintained `holidays` package).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import holidays

# Defaults from an example regulation; a city changes them in the admin (reports.Regulation, read by
# services.deadlines_config()), or with an empty table in settings (REPORTS_DEADLINES), key by key.
# acknowledge_working_days: the acknowledgement, for every kind. Per kind: the answer deadline in days and
# whether they are working days. A melding (no entry here) follows its category (Category.answer_days).
DEFAULT_DEADLINES: dict[str, Any] = {
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


def _config(config: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The city's settings over the defaults: a city that changes one deadline keeps the others."""
    return {**DEFAULT_DEADLINES, **(config or {})}


def answer_deadline(
    *, kind: str, category_days: int, category_working_days: bool, config: Mapping[str, Any] | None = None
) -> Deadline:
    """A melding follows its category's deadline; complaints and suggestions follow the regulation per kind."""
    per_kind = _config(config).get(kind)
    if per_kind is not None:
        return Deadline(days=per_kind["days"], working_days=per_kind["working_days"])
    return Deadline(days=category_days, working_days=category_working_days)


def acknowledge_deadline(config: Mapping[str, Any] | None = None) -> Deadline:
    return Deadline(days=_config(config)["acknowledge_working_days"], working_days=True)


# --- The clock of one report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pause:
    """Time a pause ("wacht op melder") takes off the clock, in both units: a deadline uses the one it counts in."""

    working_days: int
    days: int


def pause_length(start: dt.date, end: dt.date) -> Pause:
    """The pause from `start` to `end` (local dates): days in (start, end], and the working days among them.

    The day a report is paused still counts (the handler worked on it), the day it resumes does not: paused on
    Friday and resumed on Monday takes Monday off the clock, not the weekend (weekends never counted).
    """
    return Pause(working_days=working_days_between(start, end), days=max((end - start).days, 0))


def extend(due: dt.date, deadline: Deadline, pause: Pause) -> dt.date:
    """`due` moved by a pause: by its working days for a deadline in working days, else by its calendar days."""
    if deadline.working_days:
        return add_working_days(due, pause.working_days)
    return due + dt.timedelta(days=pause.days)


@dataclass(frozen=True)
class Deadlines:
    acknowledge_due: dt.date
    answer_due: dt.date | None


def deadlines_for(
    *,
    kind: str,
    category_days: int,
    category_working_days: bool,
    received: dt.date,
    config: Mapping[str, Any] | None = None,
) -> Deadlines:
    """Both deadlines of a report received on `received` (local date). Compliments get thanks, not an answer."""
    acknowledge_due = due_date(received, acknowledge_deadline(config))
    if kind == "compliment":
        return Deadlines(acknowledge_due=acknowledge_due, answer_due=None)
    answer = answer_deadline(
        kind=kind, category_days=category_days, category_working_days=category_working_days, config=config
    )
    return Deadlines(acknowledge_due=acknowledge_due, answer_due=due_date(received, answer))


ACKNOWLEDGE = "acknowledge"
ANSWER = "answer"


def missed_deadlines(
    *,
    on: dt.date,
    acknowledge_due: dt.date | None,
    answer_due: dt.date | None,
    awaiting_acknowledgement: bool,
    answer_clock_running: bool,
) -> tuple[str, ...]:
    """Which deadlines a report has missed on day `on`: a due date is the last day allowed, so missed after it.

    `awaiting_acknowledgement`: nobody has acknowledged it yet; `answer_clock_running`: it is being handled by
    the city (not paused while waiting for the reporter, not forwarded, not answered or closed).
    """
    missed: list[str] = []
    if awaiting_acknowledgement and acknowledge_due is not None and acknowledge_due < on:
        missed.append(ACKNOWLEDGE)
    if answer_clock_running and answer_due is not None and answer_due < on:
        missed.append(ANSWER)
    return tuple(missed)
