"""A settable clock for the insight tests: reports are made and handled through the services at chosen local times
(Europe/Brussels), as the workflow tests do."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

BRUSSELS = ZoneInfo("Europe/Brussels")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


class Clock:
    def __init__(self) -> None:
        self.now = at(2026, 11, 5)

    def set(self, *args: int) -> None:
        self.now = at(*args)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Stands in for django.utils.timezone.now (and so localdate, auto_now_add) during the test."""
    current = Clock()
    monkeypatch.setattr(timezone, "now", lambda: current.now)
    return current
