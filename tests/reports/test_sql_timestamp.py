"""sql_timestamp writes a timestamp as DRF's DateTimeField does, in any time zone: zero, negative and half-hour
offsets, with and without microseconds, on both sides of a daylight-saving change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework import serializers

from geo_meldpunt.reports.selectors.bodies import sql_timestamp

pytestmark = pytest.mark.django_db

INSTANTS = [
    dt.datetime(2026, 1, 15, 9, 30, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 7, 1, 22, 45, 12, 345678, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=dt.UTC),  # Brussels: the hour before summer time
    dt.datetime(2026, 3, 29, 1, 0, 0, 1, tzinfo=dt.UTC),
    dt.datetime(2025, 11, 2, 6, 30, 0, 500000, tzinfo=dt.UTC),  # New York: the night winter time begins
    dt.datetime(1999, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
]


@pytest.mark.parametrize("zone", ["Europe/Brussels", "UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"])
def test_sql_writes_timestamps_as_drf_does(zone):
    field = serializers.DateTimeField()
    with timezone.override(zone), connection.cursor() as cursor:
        for instant in INSTANTS:
            cursor.execute(f"SELECT {sql_timestamp('%(at)s::timestamptz')}", {"at": instant, "tz": zone})
            assert cursor.fetchone()[0] == field.to_representation(instant), (zone, instant)
        cursor.execute(f"SELECT {sql_timestamp('NULL::timestamptz')}", {"tz": zone})
        assert cursor.fetchone()[0] is None
