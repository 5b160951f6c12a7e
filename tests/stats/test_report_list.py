"""The planners' report list is read through a server-side cursor, a chunk at a time: a million rows never sit in
memory at once (the CSV view writes each row out as it comes)."""

from __future__ import annotations

import pytest
from django.db import connection

from geo_meldpunt.stats import report_list
from geo_meldpunt.stats.filters import ReportFilter
from tests.factories import CategoryFactory, ReportFactory

pytestmark = pytest.mark.django_db


def open_server_side_cursors() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors WHERE name LIKE '_django_curs_%%'")
        return cursor.fetchone()[0]


def test_the_list_streams_through_a_server_side_cursor(monkeypatch):
    monkeypatch.setattr(report_list, "CHUNK_SIZE", 2)
    category = CategoryFactory()
    made = [ReportFactory(category=category) for _ in range(5)]

    rows = report_list.report_list_rows(report_filter=ReportFilter(category_id=category.pk))
    assert open_server_side_cursors() == 0
    first = next(rows)
    assert open_server_side_cursors() == 1  # the query runs as a cursor, fetched two rows at a time
    rest = list(rows)

    assert [first[0], *(r[0] for r in rest)] == [r.reference for r in made]  # oldest first
    assert open_server_side_cursors() == 0
    assert len(first) == len(report_list.COLUMNS)
