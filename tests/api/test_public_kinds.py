"""A klacht or a compliment never appears on any public read, whatever its category: the public list, the map's
clusters (stored cells, per category and live), duplicate candidates, following by reference and open data.

Only meldingen and suggesties (reports.choices.PUBLIC_KINDS) in public categories are public (issue 11: a klacht
showed on the public map under its category).
"""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.utils import timezone

from geo_meldpunt.reports.choices import PUBLIC_KINDS
from geo_meldpunt.reports.models import Kind, Report, Status
from geo_meldpunt.stats.upkeep import cells_check
from tests.factories import WAPENPLEIN, CategoryFactory, ReportFactory, point_at, project

pytestmark = pytest.mark.django_db

CITY = "2.84,51.16,3.01,51.25"
ORIGIN = point_at(*WAPENPLEIN)


@pytest.fixture
def category():
    return CategoryFactory(is_public=True, duplicate_radius_m=100)


@pytest.fixture
def reports(category):
    """One report of each kind, open, a few metres apart in one public category."""
    made = {}
    for i, kind in enumerate(Kind):
        made[kind] = ReportFactory(
            kind=kind, category=category, point=project(ORIGIN, metres=5 + 5 * i), status=Status.IN_BEHANDELING
        )
    return made


def public_references(reports) -> set[str]:
    return {reports[kind].reference for kind in (Kind.MELDING, Kind.SUGGESTIE)}


def cluster_count(api_client, **params) -> int:
    response = api_client.get("/api/v1/reports/clusters/", {"bbox": CITY, **params})
    assert response.status_code == 200
    return sum(f["properties"]["count"] for f in response.json()["features"])


def test_the_public_kinds_are_melding_and_suggestie_in_python_and_in_the_database():
    assert set(PUBLIC_KINDS) == {Kind.MELDING, Kind.SUGGESTIE}
    with connection.cursor() as cursor:
        cursor.execute("SELECT k, stats_kind_public(k) FROM unnest(%s::text[]) AS k", [list(Kind.values)])
        assert dict(cursor.fetchall()) == {k: k in PUBLIC_KINDS for k in Kind.values}


def test_the_public_list_shows_neither_klachten_nor_compliments(api_client, reports):
    response = api_client.get("/api/v1/reports/", {"bbox": CITY})
    assert response.status_code == 200
    assert {f["properties"]["reference"] for f in response.json()["features"]} == public_references(reports)


def test_the_map_clusters_count_neither_klachten_nor_compliments(api_client, category, reports):
    for zoom in (11, 12, 14, 16):
        assert cluster_count(api_client, zoom=zoom) == 2  # stored cells, every public category together
        assert cluster_count(api_client, zoom=zoom, category=category.slug) == 2  # stored cells of the category
        assert cluster_count(api_client, zoom=zoom, status="in_behandeling") == 2  # counted live over the reports
    assert cells_check() == []


def test_a_klacht_changed_into_a_melding_appears_and_back_disappears(api_client, reports):
    klacht = reports[Kind.KLACHT]
    Report.objects.filter(pk=klacht.pk).update(kind=Kind.MELDING)
    assert cluster_count(api_client, zoom=12) == 3
    Report.objects.filter(pk=klacht.pk).update(kind=Kind.KLACHT)
    assert cluster_count(api_client, zoom=12) == 2
    assert cells_check() == []


def test_a_solved_klacht_that_aged_off_the_map_takes_nothing_away(api_client, category, reports):
    """The map subtracts solved reports that aged past the bound since the last sweep: only public kinds."""
    long_ago = timezone.now() - dt.timedelta(days=59)
    for kind in (Kind.KLACHT, Kind.MELDING):
        Report.objects.filter(pk=reports[kind].pk).update(status=Status.BEANTWOORD, updated_at=long_ago)
    with connection.cursor() as cursor:  # the last sweep was before they aged
        cursor.execute("UPDATE stats_cellstate SET solved_since = %s", [long_ago - dt.timedelta(days=1)])
    # 61 days later the melding has aged off the map; the klacht never was on it.
    with pytest.MonkeyPatch.context() as patch:
        later = timezone.now() + dt.timedelta(days=2)
        patch.setattr("geo_meldpunt.stats.cells.timezone.now", lambda: later)
        assert cluster_count(api_client, zoom=12) == 1  # the suggestie


def test_duplicate_candidates_are_never_a_klacht_or_a_compliment(api_client, category, reports):
    response = api_client.get("/api/v1/reports/nearby/", {"lat": ORIGIN.y, "lon": ORIGIN.x, "category": category.slug})
    assert response.status_code == 200
    assert {f["properties"]["reference"] for f in response.json()["features"]} == public_references(reports)


@pytest.mark.parametrize("kind", [Kind.KLACHT, Kind.COMPLIMENT])
def test_a_klacht_or_compliment_cannot_be_followed_by_reference(api_client, reports, kind):
    response = api_client.post(
        f"/api/v1/reports/{reports[kind].reference}/follow/", {"email": "buur@example.org"}, format="json"
    )
    assert response.status_code == 404
    assert not reports[kind].followers.exists()


def test_open_data_leaves_out_klachten_and_compliments(api_client, reports):
    body = b"".join(api_client.get("/api/v1/open-data/reports.csv").streaming_content).decode()
    assert sorted(row["kind"] for row in csv.DictReader(io.StringIO(body))) == ["melding", "suggestie"]
    geo = b"".join(api_client.get("/api/v1/open-data/reports.geojson").streaming_content).decode()
    assert '"klacht"' not in geo and '"compliment"' not in geo
    assert geo.count('"melding"') == 1 and geo.count('"suggestie"') == 1
