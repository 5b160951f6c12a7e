"""GET /api/v1/reports/nearby/: duplicate candidates as GeoJSON, for the form's "is this already reported?"."""

import pytest

from geo_meldpunt.reports.models import Status
from tests.factories import WAPENPLEIN, CategoryFactory, ReportFactory, point_at, project

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/nearby/"
ORIGIN = point_at(*WAPENPLEIN)


def query(category, point=ORIGIN) -> dict:
    return {"lat": point.y, "lon": point.x, "category": category.slug}


def test_candidates_as_geojson_nearest_first_with_distance_in_metres(api_client):
    category = CategoryFactory(duplicate_radius_m=50)
    at_30 = ReportFactory(category=category, point=project(ORIGIN, metres=30, azimuth_deg=10))
    at_8 = ReportFactory(category=category, point=project(ORIGIN, metres=8, azimuth_deg=250))
    ReportFactory(category=category, point=project(ORIGIN, metres=70, azimuth_deg=10))

    response = api_client.get(URL, query(category))

    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["reference"] for f in body["features"]] == [at_8.reference, at_30.reference]
    assert [f["properties"]["distance_m"] for f in body["features"]] == [
        pytest.approx(8, abs=0.2),
        pytest.approx(30, abs=0.2),
    ]
    first = body["features"][0]
    assert first["geometry"]["type"] == "Point"
    assert first["geometry"]["coordinates"] == pytest.approx([at_8.point.x, at_8.point.y])
    assert first["properties"]["category"] == category.slug
    assert first["properties"]["status"] == Status.NIEUW


def test_the_categorys_radius_applies(api_client):
    wide = CategoryFactory(duplicate_radius_m=100)
    at_90 = ReportFactory(category=wide, point=project(ORIGIN, metres=90, azimuth_deg=135))
    narrow = CategoryFactory(duplicate_radius_m=50)
    ReportFactory(category=narrow, point=project(ORIGIN, metres=60, azimuth_deg=135))
    at_45 = ReportFactory(category=narrow, point=project(ORIGIN, metres=45, azimuth_deg=315))

    assert [f["properties"]["reference"] for f in api_client.get(URL, query(wide)).json()["features"]] == [
        at_90.reference
    ]
    assert [f["properties"]["reference"] for f in api_client.get(URL, query(narrow)).json()["features"]] == [
        at_45.reference
    ]


def test_only_open_reports_of_the_same_category_at_most_five(api_client):
    category = CategoryFactory()
    open_ones = [ReportFactory(category=category, point=project(ORIGIN, metres=m)) for m in (5, 10, 15, 20, 25, 30)]
    ReportFactory(category=category, point=project(ORIGIN, metres=1), status=Status.AFGESLOTEN)
    ReportFactory(category=category, point=project(ORIGIN, metres=2), status=Status.SAMENGEVOEGD)
    ReportFactory(category=CategoryFactory(), point=project(ORIGIN, metres=3))

    features = api_client.get(URL, query(category)).json()["features"]

    assert [f["properties"]["reference"] for f in features] == [r.reference for r in open_ones[:5]]


def test_nothing_nearby_is_an_empty_collection(api_client):
    body = api_client.get(URL, query(CategoryFactory())).json()
    assert body == {"type": "FeatureCollection", "features": []}


def test_a_category_kept_off_the_public_map_offers_no_candidates(api_client):
    hidden = CategoryFactory(is_public=False)
    ReportFactory(category=hidden, point=project(ORIGIN, metres=5))

    assert api_client.get(URL, query(hidden)).json()["features"] == []
