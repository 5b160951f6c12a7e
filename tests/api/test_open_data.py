"""Open data: /api/v1/open-data/reports.csv and .geojson stream anonymised reports of public categories."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from geo_meldpunt.reports.models import Report, Status
from geo_meldpunt.reports.selectors import OPEN_DATA_COLUMNS
from tests.factories import WAPENPLEIN, CategoryFactory, ReportFactory, point_at, project

pytestmark = pytest.mark.django_db

CSV_URL = "/api/v1/open-data/reports.csv"
GEOJSON_URL = "/api/v1/open-data/reports.geojson"
LAMBERT72 = 31370
BRUSSELS = ZoneInfo("Europe/Brussels")
SECRETS = {
    "reporter_name": "Mevrouw Geheim",
    "reporter_email": "geheim@example.org",
    "reporter_phone": "0470 12 34 56",
    "description": "Voor de deur van nummer 12 ligt al weken een kapotte fiets",
    "address": "Kapellestraat 12",
}


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def geojson(response) -> dict:
    return json.loads(b"".join(response.streaming_content))


def lambert72(lon: float, lat: float) -> Point:
    return Point(lon, lat, srid=4326).transform(LAMBERT72, clone=True)


@pytest.fixture
def reports():
    """Five public reports at odd places around the Wapenplein, with a reporter's details; one kept off (police)."""
    category = CategoryFactory(name_nl="Zwerfvuil")
    centre = point_at(*WAPENPLEIN)
    made = [
        ReportFactory(category=category, point=project(centre, metres=37 + 53 * i, azimuth_deg=71 * i), **SECRETS)
        for i in range(5)
    ]
    hidden = ReportFactory(category=CategoryFactory(is_public=False), point=centre, **SECRETS)
    return made, hidden


def test_csv_has_the_documented_columns_and_one_row_per_public_report(api_client, reports):
    made, _hidden = reports

    response = api_client.get(CSV_URL)

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="meldingen.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert list(rows[0].keys()) == list(OPEN_DATA_COLUMNS)
    assert len(rows) == len(made)
    today = timezone.localdate().isoformat()
    first = rows[0]
    assert first["created"] == today
    assert first["kind"] == "melding" and first["status"] == "nieuw" and first["channel"] == "web"
    assert first["category"] == made[0].category.slug and first["category_name"] == "Zwerfvuil"
    assert first["department"] == made[0].department.slug
    assert first["answered"] == "" and first["closed"] == ""


def test_non_public_categories_are_absent(api_client, reports):
    _made, hidden = reports
    rows = csv_rows(api_client.get(CSV_URL))
    assert hidden.category.slug not in {row["category"] for row in rows}
    features = geojson(api_client.get(GEOJSON_URL))["features"]
    assert hidden.category.slug not in {f["properties"]["category"] for f in features}


def test_no_personal_data_and_no_identifiers_leave(api_client, reports):
    made, _hidden = reports
    for url in (CSV_URL, GEOJSON_URL):
        body = b"".join(api_client.get(url).streaming_content).decode()
        for value in SECRETS.values():
            assert value not in body
        for report in made:
            assert report.reference not in body and report.tracking_token not in body
    (feature, *_rest) = geojson(api_client.get(GEOJSON_URL))["features"]
    assert set(feature["properties"]) == set(OPEN_DATA_COLUMNS) - {"x", "y", "lon", "lat"}


def test_places_are_snapped_to_the_grid_never_exact(api_client, reports):
    made, _hidden = reports
    rows = csv_rows(api_client.get(CSV_URL))
    by_created = sorted(made, key=lambda r: (r.created_at, r.pk))
    for row, report in zip(rows, by_created, strict=True):
        x, y = int(row["x"]), int(row["y"])
        assert x % 25 == 0 and y % 25 == 0
        exact = report.point.transform(LAMBERT72, clone=True)
        assert (x, y) != (exact.x, exact.y)
        # The nearest grid node: at most half a cell's diagonal away.
        assert math.hypot(x - exact.x, y - exact.y) <= 25 * math.sqrt(2) / 2 + 0.01
        # lon/lat are the same grid node in WGS84 (6 decimals: within 0.1 m).
        node = lambert72(float(row["lon"]), float(row["lat"]))
        assert abs(node.x - x) < 0.2 and abs(node.y - y) < 0.2
        assert (float(row["lon"]), float(row["lat"])) != (report.point.x, report.point.y)


def test_the_grid_is_a_setting_but_never_finer_than_25_m(api_client, reports, settings):
    settings.OPEN_DATA_GRID_M = 100
    assert all(int(r["x"]) % 100 == 0 and int(r["y"]) % 100 == 0 for r in csv_rows(api_client.get(CSV_URL)))

    settings.OPEN_DATA_GRID_M = 5
    rows = csv_rows(api_client.get(CSV_URL))
    assert all(int(r["x"]) % 25 == 0 and int(r["y"]) % 25 == 0 for r in rows)


def test_geojson_is_a_feature_collection_of_snapped_points(api_client, reports):
    made, _hidden = reports
    response = api_client.get(GEOJSON_URL)
    assert response.streaming
    assert response["Content-Type"] == "application/geo+json"
    body = geojson(response)
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == len(made)
    csv_by_order = csv_rows(api_client.get(CSV_URL))
    for feature, row in zip(body["features"], csv_by_order, strict=True):
        assert feature["geometry"]["type"] == "Point"
        assert feature["geometry"]["coordinates"] == [float(row["lon"]), float(row["lat"])]
        assert feature["properties"]["created"] == row["created"]


def test_dates_of_answer_and_closing_and_a_report_without_a_place(api_client):
    category = CategoryFactory()
    answered = ReportFactory(category=category, status=Status.BEANTWOORD)
    moment = dt.datetime(2026, 3, 4, 23, 30, tzinfo=BRUSSELS)  # local time: the 4th, whatever UTC says
    Report.objects.filter(pk=answered.pk).update(answered_at=moment, closed_at=moment + dt.timedelta(days=2))
    ReportFactory(category=category, kind="suggestie", point=None)

    rows = csv_rows(api_client.get(CSV_URL))

    assert [(r["status"], r["answered"], r["closed"]) for r in rows][0] == ("beantwoord", "2026-03-04", "2026-03-06")
    assert (rows[1]["kind"], rows[1]["x"], rows[1]["lon"]) == ("suggestie", "", "")
    (_first, nowhere) = geojson(api_client.get(GEOJSON_URL))["features"]
    assert nowhere["geometry"] is None


def test_a_period_keeps_the_reports_created_in_it_by_local_day(api_client):
    category = CategoryFactory()
    made = [ReportFactory(category=category) for _ in range(3)]
    days = [(1, 31, 23, 30), (2, 1, 0, 30), (2, 28, 23, 59)]  # local times at the edges of February
    for report, (month, day, hour, minute) in zip(made, days, strict=True):
        created = dt.datetime(2026, month, day, hour, minute, tzinfo=BRUSSELS)
        Report.objects.filter(pk=report.pk).update(created_at=created)

    february = csv_rows(api_client.get(CSV_URL, {"from": "2026-02-01", "to": "2026-02-28"}))
    assert [r["created"] for r in february] == ["2026-02-01", "2026-02-28"]
    assert len(csv_rows(api_client.get(CSV_URL, {"to": "2026-01-31"}))) == 1
    assert len(geojson(api_client.get(GEOJSON_URL, {"from": "2026-02-02"}))["features"]) == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [({"from": "gisteren"}, "from"), ({"to": "2026-13-01"}, "to"), ({"from": "2026-02-02", "to": "2026-02-01"}, "to")],
)
def test_a_bad_period_is_a_field_error_even_for_a_client_that_wants_csv(api_client, query, field):
    response = api_client.get(CSV_URL, query, HTTP_ACCEPT="text/csv")
    assert response.status_code == 400
    assert field in response.json()


def test_rows_come_through_a_server_side_cursor_a_chunk_at_a_time(api_client, reports, monkeypatch):
    """Constant memory: PostgreSQL hands the rows over in chunks from a cursor; nothing is read before it is sent."""
    from geo_meldpunt.reports.selectors import open_data

    monkeypatch.setattr(open_data, "OPEN_DATA_CHUNK", 2)
    response = api_client.get(CSV_URL)
    parts = iter(response.streaming_content)

    header = next(parts)
    assert header.decode().startswith("created,")
    first_chunk = next(parts).decode()
    assert first_chunk.count("\n") == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors WHERE statement LIKE '%%ST_SnapToGrid%%'")
        assert cursor.fetchone()[0] == 1  # the export's cursor is open on the server, mid-way
    rest = b"".join(parts).decode()
    assert rest.count("\n") == 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors WHERE statement LIKE '%%ST_SnapToGrid%%'")
        assert cursor.fetchone()[0] == 0
