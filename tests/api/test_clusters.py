"""GET /api/v1/reports/clusters/ and selectors.public_report_clusters: the public map below the detail zoom.

Reports are bulk-inserted (not filed through report_create): these tests are about what the map counts, and a
thousand reports must be cheap to make.
"""

import json
import math
import random

import pytest
from django.conf import settings

from geo_meldpunt.reports.models import Kind, Report, Status
from geo_meldpunt.reports.selectors import (
    cluster_cell_size,
    cluster_feature,
    public_report_clusters,
    public_report_clusters_geojson,
    public_reports,
)
from geo_meldpunt.stats.grid import cell_bounds, cell_range, cell_x, cell_y
from tests.factories import WAPENPLEIN, CategoryFactory, DepartmentFactory, point_at

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/clusters/"
CITY = (2.84, 51.16, 3.01, 51.25)
CITY_PARAM = ",".join(map(str, CITY))


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def public(department):
    return CategoryFactory(department=department, is_public=True)


@pytest.fixture
def hidden(department):
    return CategoryFactory(department=department, is_public=False)


_numbers = iter(range(1, 10**7))


def make_reports(category, points, *, status=Status.NIEUW) -> list[Report]:
    """Bulk-insert reports at these (lon, lat) points."""
    return Report.objects.bulk_create(
        Report(
            reference=f"TST-2026-{next(_numbers):07d}",
            kind=Kind.MELDING,
            category=category,
            point=point_at(lon, lat),
            description="Testmelding",
            department=category.department,
            routing_reason="test",
            status=status,
        )
        for lon, lat in points
    )


def scattered(n: int, *, seed: int = 1, bbox=(2.87, 51.19, 2.98, 51.24)) -> list[tuple[float, float]]:
    rnd = random.Random(seed)
    return [(rnd.uniform(bbox[0], bbox[2]), rnd.uniform(bbox[1], bbox[3])) for _ in range(n)]


def total(clusters) -> int:
    return sum(c.count for c in clusters)


def around_cell_centre(zoom: int, offsets: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Points offset from the centre of the grid cell that holds the Wapenplein, in quarter cells."""
    grid = zoom + 2
    minlon, minlat, maxlon, maxlat = cell_bounds(grid, cell_x(WAPENPLEIN[0], grid), cell_y(WAPENPLEIN[1], grid))
    lon, lat, width, height = (minlon + maxlon) / 2, (minlat + maxlat) / 2, maxlon - minlon, maxlat - minlat
    return [(lon + dx * width / 4, lat + dy * height / 4) for dx, dy in offsets]


def in_cells_over(bbox, zoom: int, points) -> int:
    """How many of these points lie in a cell of `zoom` that overlaps bbox: clusters count whole cells."""
    x0, y0, x1, y1 = cell_range(bbox, zoom + 2)
    return sum(x0 <= cell_x(lon, zoom + 2) <= x1 and y0 <= cell_y(lat, zoom + 2) <= y1 for lon, lat in points)


# --- The selector ----------------------------------------------------------------------------------------------


def test_the_cell_is_a_64_pixel_web_mercator_cell_at_the_zoom():
    width, height = cluster_cell_size(12)
    assert width == pytest.approx(360 / 2**12 / 256 * 64)
    assert height == pytest.approx(width * math.cos(math.radians(settings.MAPS_CENTER[0])), rel=0.01)
    assert cluster_cell_size(13)[0] == pytest.approx(width / 2)


def test_counts_add_up_to_the_public_reports_in_the_cells_over_the_bbox(public):
    points = scattered(300)
    make_reports(public, points)
    bbox = (2.89, 51.20, 2.95, 51.23)

    for zoom in (11, 13, 15):
        clusters = public_report_clusters(bbox=bbox, zoom=zoom)
        assert total(clusters) == in_cells_over(bbox, zoom, points)
        assert public_reports(bbox=bbox).count() <= total(clusters) < 300


def test_a_cell_over_the_bbox_counts_whole_a_cell_beyond_it_not_at_all(public):
    bbox = (2.91, 51.22, 2.93, 51.24)
    x0, y0, x1, y1 = cell_range(bbox, 16)
    east = cell_bounds(16, x1, y0)  # the north-east cell over the box reaches beyond it
    inside_east_cell = ((bbox[2] + east[2]) / 2, (east[1] + east[3]) / 2)
    beyond = (east[2] + 0.0005, (east[1] + east[3]) / 2)
    make_reports(public, [(2.92, 51.23), inside_east_cell, beyond])

    assert inside_east_cell[0] > bbox[2]
    assert total(public_report_clusters(bbox=bbox, zoom=14)) == 2


def test_a_category_not_shown_publicly_is_never_counted(public, hidden):
    make_reports(public, scattered(20, seed=2))
    make_reports(hidden, scattered(50, seed=3))

    assert total(public_report_clusters(bbox=CITY, zoom=12)) == 20
    assert public_report_clusters(bbox=CITY, zoom=12, category_slug=hidden.slug) == []


def test_reports_without_a_location_are_not_counted(public):
    reports = make_reports(public, scattered(5, seed=4))
    Report.objects.filter(pk=reports[0].pk).update(point=None)

    assert total(public_report_clusters(bbox=CITY, zoom=12)) == 4


def test_fewer_cells_at_a_lower_zoom(public):
    make_reports(public, scattered(400, seed=5))

    cells = {zoom: len(public_report_clusters(bbox=CITY, zoom=zoom)) for zoom in (10, 12, 14, 16)}

    assert cells[10] < cells[12] < cells[14] < cells[16]
    assert {zoom: total(public_report_clusters(bbox=CITY, zoom=zoom)) for zoom in cells} == dict.fromkeys(cells, 400)


def test_a_cell_holds_its_reports_at_their_mean_position(public):
    points = around_cell_centre(13, [(-1, -1), (1, 1), (1.5, -1.5)])
    make_reports(public, points)

    (cluster,) = public_report_clusters(bbox=CITY, zoom=13)

    assert cluster.count == 3
    assert (cluster.lon, cluster.lat) == pytest.approx((sum(p[0] for p in points) / 3, sum(p[1] for p in points) / 3))
    minlon, minlat, maxlon, maxlat = cluster.cell
    assert minlon <= cluster.lon <= maxlon and minlat <= cluster.lat <= maxlat
    width, height = cluster_cell_size(13)
    assert (maxlon - minlon, maxlat - minlat) == pytest.approx((width, height))


def test_cells_stay_put_when_the_map_pans(public):
    make_reports(public, [WAPENPLEIN])
    (here,) = public_report_clusters(bbox=(2.90, 51.22, 2.94, 51.24), zoom=15)
    (panned,) = public_report_clusters(bbox=(2.915, 51.225, 2.955, 51.245), zoom=15)
    assert here.cell == panned.cell


def test_category_and_status_filters_are_those_of_the_public_list(public, department):
    child = CategoryFactory(parent=public, department=department)
    other = CategoryFactory(department=department)
    make_reports(public, scattered(10, seed=6))
    make_reports(child, scattered(7, seed=7), status=Status.IN_BEHANDELING)
    make_reports(other, scattered(5, seed=8), status=Status.AFGESLOTEN)

    def count(**filters):
        clusters = total(public_report_clusters(bbox=CITY, zoom=12, **filters))
        assert clusters == public_reports(bbox=CITY, **filters).count()
        return clusters

    assert count(category_slug=public.slug) == 17  # the parent takes its children
    assert count(category_slug=child.slug) == 7
    assert count(statuses=[Status.NIEUW]) == 10
    assert count(statuses=[Status.IN_BEHANDELING, Status.AFGESLOTEN]) == 12
    assert count(category_slug=public.slug, statuses=[Status.AFGESLOTEN]) == 0


def same_features(written: list[dict], built: list[dict]) -> None:
    """The same features, key for key in the same order; numbers equal to their last decimal (PostgreSQL and Python
    may round a value that lies on a half differently: one unit of the last decimal, 1 cm at most)."""
    by_cell = {tuple(f["properties"]["cell"]): f for f in built}
    assert len(written) == len(built) == len(by_cell)

    def distance(a: dict, b: dict) -> float:
        return sum(abs(u - v) for u, v in zip(a["properties"]["cell"], b["properties"]["cell"], strict=True))

    for feature in written:
        twin = min(built, key=lambda f: distance(f, feature))
        assert json.dumps(list(feature)) == json.dumps(list(twin))
        assert list(feature["geometry"]) == list(twin["geometry"]) and list(feature["properties"]) == ["count", "cell"]
        assert feature["properties"]["count"] == twin["properties"]["count"]
        assert feature["geometry"]["coordinates"] == pytest.approx(twin["geometry"]["coordinates"], abs=1.01e-6)
        assert feature["properties"]["cell"] == pytest.approx(twin["properties"]["cell"], abs=1.01e-7)


def test_the_features_postgresql_writes_are_those_python_builds(public, department):
    """The endpoint's JSON is written by PostgreSQL from the stored cells; cluster_feature builds the same from
    public_report_clusters. Both, at every zoom below the detail zoom, with the category and status filters."""
    child = CategoryFactory(parent=public, department=department)
    make_reports(public, scattered(400, seed=21))
    make_reports(child, scattered(150, seed=22), status=Status.AFGESLOTEN)
    make_reports(public, [WAPENPLEIN] * 3 + around_cell_centre(16, [(0, 0), (1, 1)]))

    filters = [{}, {"category_slug": child.slug}, {"statuses": [str(Status.AFGESLOTEN), str(Status.BEANTWOORD)]}]
    for zoom in range(8, settings.REPORTS_CLUSTERS_DETAIL_ZOOM):
        for query in filters:
            written = json.loads("[" + public_report_clusters_geojson(bbox=CITY, zoom=zoom, **query) + "]")
            built = [cluster_feature(c) for c in public_report_clusters(bbox=CITY, zoom=zoom, **query)]
            assert written, (zoom, query)
            same_features(written, built)
    assert public_report_clusters_geojson(bbox=(3.5, 50.5, 3.6, 50.6), zoom=12) == ""


# --- The endpoint --------------------------------------------------------------------------------------------------


def test_the_answer_is_a_geojson_feature_collection_of_cells(api_client, public):
    pair = around_cell_centre(13, [(-1, -1), (1, 1)])
    make_reports(public, [*pair, (2.9600, 51.2000)])

    response = api_client.get(URL, {"bbox": CITY_PARAM, "zoom": 13})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"type", "zoom", "cell_size", "detail_zoom", "features"}
    assert (body["type"], body["zoom"], body["detail_zoom"]) == ("FeatureCollection", 13, 17)
    assert body["cell_size"] == pytest.approx(list(cluster_cell_size(13)))
    features = sorted(body["features"], key=lambda f: -f["properties"]["count"])
    assert [f["properties"]["count"] for f in features] == [2, 1]
    first = features[0]
    assert set(first) == {"type", "geometry", "properties"} and first["type"] == "Feature"
    middle = [round((pair[0][0] + pair[1][0]) / 2, 6), round((pair[0][1] + pair[1][1]) / 2, 6)]
    assert first["geometry"] == {"type": "Point", "coordinates": pytest.approx(middle, abs=1e-6)}
    assert set(first["properties"]) == {"count", "cell"} and len(first["properties"]["cell"]) == 4


def test_the_endpoint_filters_like_the_list(api_client, public, hidden):
    make_reports(public, scattered(6, seed=9))
    make_reports(public, scattered(4, seed=10), status=Status.AFGESLOTEN)
    make_reports(hidden, scattered(9, seed=11))

    def counted(**params):
        features = api_client.get(URL, {"bbox": CITY_PARAM, "zoom": 12, **params}).json()["features"]
        return sum(f["properties"]["count"] for f in features)

    assert counted() == 10
    assert counted(status="afgesloten") == 4
    assert counted(status="nieuw,afgesloten", category=public.slug) == 10
    assert counted(category=hidden.slug) == 0
    assert counted(category="onbekend") == 0


@pytest.mark.parametrize("n", [10, 1000])
def test_one_sql_statement_for_10_and_for_1000_reports(api_client, public, django_assert_num_queries, n):
    make_reports(public, scattered(n, seed=12))

    with django_assert_num_queries(1):
        response = api_client.get(URL, {"bbox": CITY_PARAM, "zoom": 14, "status": "nieuw", "category": public.slug})

    assert sum(f["properties"]["count"] for f in response.json()["features"]) == n


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"zoom": 12}, "bbox"),
        ({"bbox": "", "zoom": 12}, "bbox"),
        ({"bbox": "2.84,51.16,3.01", "zoom": 12}, "bbox"),
        ({"bbox": "3.01,51.16,2.84,51.25", "zoom": 12}, "bbox"),
        ({"bbox": "a,b,c,d", "zoom": 12}, "bbox"),
        ({"bbox": "nan,51.16,3.01,51.25", "zoom": 12}, "bbox"),
        ({"bbox": CITY_PARAM}, "zoom"),
        ({"bbox": CITY_PARAM, "zoom": -1}, "zoom"),
        ({"bbox": CITY_PARAM, "zoom": 23}, "zoom"),
        ({"bbox": CITY_PARAM, "zoom": "12.5"}, "zoom"),
        ({"bbox": CITY_PARAM, "zoom": "dichtbij"}, "zoom"),
        ({"bbox": CITY_PARAM, "zoom": 12, "status": "vergeten"}, "status"),
        ({"bbox": "-180,-90,180,90", "zoom": 22}, "bbox"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(api_client, params, field):
    response = api_client.get(URL, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_messages_are_dutch_by_default_and_english_on_request(api_client):
    assert api_client.get(URL, {"bbox": CITY_PARAM, "zoom": 99}).json() == {
        "zoom": ["Geef zoom op als een geheel getal van 0 tot 22."]
    }
    english = api_client.get(URL, {"bbox": "2,51,3,52", "zoom": 22}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english == {"bbox": ["This area is too large for zoom 22: zoom out or ask for a smaller area."]}


def test_the_whole_city_is_fine_at_every_zoom_below_the_detail_zoom(api_client):
    for zoom in range(0, settings.REPORTS_CLUSTERS_DETAIL_ZOOM):
        assert api_client.get(URL, {"bbox": CITY_PARAM, "zoom": zoom}).status_code == 200
