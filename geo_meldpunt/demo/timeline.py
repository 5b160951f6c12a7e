"""When demo reports were made, and how far each has come since: creation times, years, statuses by age.

Times are numpy arrays of epoch seconds, so a batch of 50,000 is handled without a Python loop per report.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.utils import timezone

from .tunables import DEMO_HISTORY_DAYS, HOUR_WEIGHTS, STATUS_BY_AGE


def created_at(rng: np.random.Generator, n: int, now: dt.datetime) -> np.ndarray:
    """Sorted creation times (epoch seconds) over the last DEMO_HISTORY_DAYS days, by local hour of day.

    The rate grows linearly to double over the period (the meldpunt gets better known): inverse CDF of
    f(x) ~ 1 + x on [0, 1]. Days are counted as 86,400 s from a local midnight, so across a DST change the
    hour profile shifts by one hour: irrelevant for demo data.
    """
    tz = timezone.get_default_timezone()
    first_day = timezone.localtime(now, tz).date() - dt.timedelta(days=DEMO_HISTORY_DAYS)
    start = dt.datetime.combine(first_day, dt.time(), tzinfo=tz).timestamp()
    x = -1.0 + np.sqrt(1.0 + 3.0 * rng.random(n))
    day = np.minimum(np.floor(x * (DEMO_HISTORY_DAYS + 1)), DEMO_HISTORY_DAYS)
    hours = np.array(HOUR_WEIGHTS, dtype=float)
    hour = rng.choice(24, size=n, p=hours / hours.sum())
    stamps = start + day * 86_400 + hour * 3_600 + rng.uniform(0, 3_600, size=n)
    now_s = now.timestamp()
    late = stamps > now_s  # today's hours still to come: earlier today instead
    stamps[late] = now_s - rng.uniform(60, 6 * 3_600, size=late.sum())
    return np.sort(np.round(stamps, 6))


def local_years(stamps: np.ndarray) -> np.ndarray:
    """The local calendar year of each time, the year its reference carries."""
    tz = timezone.get_default_timezone()
    first = dt.datetime.fromtimestamp(stamps.min(), tz).year
    last = dt.datetime.fromtimestamp(stamps.max(), tz).year
    years = np.arange(first, last + 1)
    starts = np.array([dt.datetime(int(y), 1, 1, tzinfo=tz).timestamp() for y in years[1:]])
    return years[np.searchsorted(starts, stamps, side="right")]


def local_days(stamps: np.ndarray) -> list[dt.date]:
    """The local calendar date of each time (Europe/Brussels, DST included), the day its deadlines count from."""
    tz = timezone.get_default_timezone()
    first = dt.datetime.fromtimestamp(stamps.min(), tz).date()
    last = dt.datetime.fromtimestamp(stamps.max(), tz).date()
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    # Local midnights after the first day: a time falls on the day of the last midnight at or before it.
    midnights = np.array([dt.datetime.combine(d, dt.time(), tzinfo=tz).timestamp() for d in days[1:]])
    index = np.searchsorted(midnights, stamps, side="right")
    return [days[i] for i in index.tolist()]


def iso(stamps: np.ndarray) -> list[str]:
    """The times as UTC timestamps in the text form COPY reads."""
    micro = np.round(stamps * 1e6).astype("datetime64[us]")
    return [s + "+00" for s in np.datetime_as_string(micro, unit="us")]


def statuses(rng: np.random.Generator, age_days: np.ndarray) -> np.ndarray:
    """A status per report, drawn from the STATUS_BY_AGE mix of its age: old reports are mostly closed."""
    drawn = np.empty(len(age_days), dtype=object)
    lower = -np.inf
    for upper, weights in STATUS_BY_AGE:
        mask = (age_days >= lower) & (age_days < (np.inf if upper is None else upper))
        names = [str(s) for s in weights]
        p = np.array(list(weights.values()))
        drawn[mask] = rng.choice(names, size=mask.sum(), p=p / p.sum())
        lower = upper if upper is not None else lower
    return drawn
