"""Prepared statements for the hot one-statement answers (geo_meldpunt/core/postgis: `prepared_cursor`).

The duplicate check, the routing preview (and routing of every report), tracking and the filing statement are
prepared once on a connection and then only executed: PostgreSQL stops planning them at every request. The answers
stay what they were, the statements stay visible to Django's query log with their values, and a city behind a
connection pooler that keeps no prepared statements turns them off.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from psycopg import ClientCursor

from geo_meldpunt.core.postgis.base import PreparedCursor
from geo_meldpunt.zones.models import Zone, ZoneType
from tests.api.test_fastpath import requests_  # noqa: F401 (a fixture)
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

# A phrase of each statement's text, to find it among the connection's prepared statements.
MARKERS = {
    "nearby": "'FeatureCollection'",
    "routing": "zones_zonepart",
    "track": "WHERE r.tracking_token = $",
    "create": "reports_referencecounter",
}


def prepared_statements(wrapper=connection) -> list[str]:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def found(statements: list[str], marker: str) -> int:
    return sum(marker in statement for statement in statements)


@pytest.fixture
def reads(requests_):  # noqa: F811 (the fixture imported above)
    """The three reads of tests/api/test_fastpath.py (its fixture), by name."""
    return dict(zip(("nearby", "routing", "track"), requests_, strict=True))


def test_each_hot_read_is_prepared_once_and_answers_as_the_first_time(client, reads):
    first = {name: client.get(url, query) for name, (url, query) in reads.items()}
    assert {name: r.status_code for name, r in first.items()} == {name: 200 for name in reads}
    assert len(first["nearby"].json()["features"]) == 3
    after_first = prepared_statements()
    for name in reads:
        # Routing once per kind of category argument: by slug here, by id for the reports the factory routed.
        assert found(after_first, MARKERS[name]) >= 1, name

    # Past PostgreSQL's five custom plans, into the plan it keeps: the same answers, no statement prepared again.
    for _ in range(7):
        for name, (url, query) in reads.items():
            again = client.get(url, query)
            assert again.status_code == 200 and again.content == first[name].content, name
    assert sorted(prepared_statements()) == sorted(after_first)


def test_a_prepared_statement_is_logged_with_its_values(client, reads):
    url, query = reads["nearby"]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    [statement] = [q["sql"] for q in captured.captured_queries]
    assert f"'{query['category']}'" in statement and "FeatureCollection" in statement


@pytest.mark.usefixtures("reference_data_reloaded")  # a report filed outside any transaction, as in production
def test_a_report_is_filed_by_a_prepared_statement(client):
    category = CategoryFactory()
    inside = Zone.objects.get(zone_type=ZoneType.TERRITORY).geom.point_on_surface
    body = {
        "kind": "melding",
        "category": category.slug,
        "lat": inside.y,
        "lon": inside.x,
        "description": "Put in de weg.",
    }
    references = []
    for _ in range(3):
        created = client.post("/api/v1/reports/", json.dumps(body), content_type="application/json")
        assert created.status_code == 201, created.content
        references.append(created.json()["reference"])
    numbers = [int(reference.rsplit("-", 1)[1]) for reference in references]
    assert numbers == list(range(numbers[0], numbers[0] + 3)), "gapless, one after the other"
    assert found(prepared_statements(), MARKERS["create"]) == 1


@pytest.mark.parametrize("enabled", [True, False])
def test_prepared_statements_can_be_turned_off_for_a_pooler(enabled):
    settings_dict = {**connection.settings_dict, "OPTIONS": {"prepared_statements": enabled}}
    wrapper = type(connections["default"])(settings_dict, alias="default")
    try:
        with wrapper.prepared_cursor() as cursor:
            assert isinstance(cursor.cursor, PreparedCursor) is enabled
            assert isinstance(cursor.cursor, ClientCursor) is not enabled
            for radius in (10, 20, 30):
                cursor.execute("SELECT %(radius)s::int * 2 AS prepared_or_not", {"radius": radius})
                assert cursor.fetchone() == (radius * 2,)
        assert found(prepared_statements(wrapper), "prepared_or_not") == (1 if enabled else 0)
        # An ordinary cursor prepares nothing either way (Django's client-side binding).
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1 AS ordinary")
        assert found(prepared_statements(wrapper), "ordinary") == 0
    finally:
        wrapper.close()
