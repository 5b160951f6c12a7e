"""The planners' heatmap: GET /api/v1/insight/cells/ (GeoJSON cells) and GET /api/v1/tiles/{z}/{x}/{y}.mvt.

Reports are filed through report_create and changed with updates: the stored cells follow by their triggers.
They are planted in known cells of the grid a zoom-14 map reads (grid 16: Web Mercator tiles of zoom 16), so every
count below is counted by hand. Wapenplein lies in cell (33299, 21873): the north-east quarter's east column of
tile 14/8324/5468, whose east neighbour (33300, 21873) belongs to tile 14/8325/5468.
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from geo_meldpunt.reports.models import Kind, Report, Status
from geo_meldpunt.staff.groups import COORDINATOR, HANDLER, MANAGEMENT, PHONE_DESK, PLANNER
from geo_meldpunt.stats.heat import class_breaks
from tests.factories import CategoryFactory, DepartmentFactory, ReportFactory, point_at
from tests.staff.helpers import staff_user
from tests.stats.mvt import decode

pytestmark = pytest.mark.django_db

CELLS = "/api/v1/insight/cells/"
BRUSSELS = ZoneInfo("Europe/Brussels")
CITY = "2.84,51.16,3.01,51.25"
GRID = 16  # what a map at zoom 14 reads
WAPENPLEIN_CELL = (33299, 21873)
EAST_CELL = (33300, 21873)  # in the next tile east
SOUTH_CELL = (33296, 21880)
TILE = "/api/v1/tiles/14/8324/5468.mvt"
EAST_TILE = "/api/v1/tiles/14/8325/5468.mvt"


def lon_of(x: float) -> float:
    return x / 2**GRID * 360 - 180


def lat_of(y: float) -> float:
    """Latitude of the tile row edge y (counted from the north): the inverse of Web Mercator."""
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / 2**GRID))))


def in_cell(cell: tuple[int, int], *, fx: float = 0.5, fy: float = 0.5) -> tuple[float, float]:
    """(lon, lat) of the point fx of the way east and fy of the way south across the cell (its centre by default)."""
    return lon_of(cell[0] + fx), lat_of(cell[1] + fy)


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def road(department):
    return CategoryFactory(department=department, slug="t-wegdek", is_public=True)


@pytest.fixture
def pothole(department, road):
    return CategoryFactory(department=department, slug="t-wegdek-put", parent=road)


@pytest.fixture
def drugs(department):
    """Not on the public map: planners count it all the same."""
    return CategoryFactory(department=department, slug="t-drugs", is_public=False)


def plant(category, lonlat, *, kind=Kind.MELDING, status=Status.NIEUW, impact=None, created=None):
    """A report filed through report_create, then put in `status` and moved to `created` (local time)."""
    report = ReportFactory(category=category, kind=kind, point=point_at(*lonlat), impact=impact)
    changes: dict = {"status": status}
    if created is not None:
        changes["created_at"] = created
    Report.objects.filter(pk=report.pk).update(**changes)
    return report


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


@pytest.fixture
def planner(api_client):
    api_client.force_login(staff_user(PLANNER))
    return api_client


def cells(client, **params) -> dict:
    params = {"bbox": CITY, "zoom": 14, **params}
    response = client.get(CELLS, params)
    assert response.status_code == 200, response.content
    return response.json()


def by_count(collection: dict) -> dict[int, dict]:
    return {f["properties"]["count"]: f for f in collection["features"]}


def test_a_zoom_14_map_reads_cells_of_grid_16(planner, road):
    plant(road, in_cell(WAPENPLEIN_CELL))

    result = cells(planner)

    assert (result["zoom"], result["grid"], result["cell_size_m"]) == (14, 16, 611.5)  # 40,075,017 m / 2**16
    assert result["features"][0]["id"] == "16/33299/21873"


def test_cells_count_the_reports_in_each_square_by_hand(planner, road, drugs):
    for fx in (0.1, 0.5, 0.9):
        plant(road, in_cell(WAPENPLEIN_CELL, fx=fx, fy=0.8))
    plant(drugs, in_cell(EAST_CELL))
    plant(drugs, in_cell(EAST_CELL, fx=0.9, fy=0.1))
    plant(road, in_cell(SOUTH_CELL))

    result = cells(planner)

    assert result["total"] == 6
    assert [f["properties"]["count"] for f in result["features"]] == [3, 2, 1]  # the highest value first
    wapenplein = by_count(result)[3]
    ring = wapenplein["geometry"]["coordinates"][0]
    west, east = lon_of(33299), lon_of(33300)
    north, south = lat_of(21873), lat_of(21874)
    assert ring[0] == pytest.approx([west, south], abs=1e-6)
    assert ring[2] == pytest.approx([east, north], abs=1e-6)
    assert west < 2.9196 < east and south < 51.2297 < north  # the cell holds Wapenplein itself
    # The non-public category is counted: planners see every category.
    assert by_count(result)[2]["id"] == "16/33300/21873"


def test_a_cell_is_counted_in_full_even_when_the_view_shows_only_its_corner(planner, road):
    for fx in (0.1, 0.9):
        plant(road, in_cell(WAPENPLEIN_CELL, fx=fx))
    # A view over the cell's north-western corner only still counts both reports in it.
    west, north = in_cell(WAPENPLEIN_CELL, fx=0.01, fy=0.01)
    east, south = in_cell(WAPENPLEIN_CELL, fx=0.2, fy=0.2)

    result = cells(planner, bbox=f"{west},{south},{east},{north}")

    assert [f["properties"]["count"] for f in result["features"]] == [2]


def test_filters_combine_kind_category_group_status_and_months(planner, road, pothole, drugs):
    here = in_cell(WAPENPLEIN_CELL)
    plant(road, here, created=local(2026, 3, 10))
    plant(pothole, here, created=local(2026, 3, 31, 23, 30))  # still March in Oostende (21:30 UTC)
    plant(pothole, here, created=local(2026, 4, 1, 0, 30), status=Status.BEANTWOORD)  # April (31 March, UTC)
    plant(pothole, here, kind=Kind.KLACHT, created=local(2026, 3, 15))
    plant(drugs, here, created=local(2026, 3, 15), status=Status.SAMENGEVOEGD)
    plant(road, here, created=local(2026, 2, 28, 23, 59), status=Status.AFGESLOTEN)

    def total(**params) -> int:
        return cells(planner, **params)["total"]

    assert total() == 6
    assert total(kind="melding") == 5
    assert total(kind="melding,klacht") == 6
    assert total(category="t-wegdek") == 5  # the parent stands for its children
    assert total(category="t-wegdek-put") == 3
    assert total(category="t-wegdek-put,t-drugs") == 4
    assert total(status="open") == 3
    assert total(status="solved") == 2
    assert total(status="other") == 1
    assert total(status="solved,other") == 3
    assert total(**{"from": "2026-03", "to": "2026-03"}) == 4
    assert total(**{"from": "2026-04"}) == 1
    assert total(to="2026-02") == 1
    assert total(kind="melding", category="t-wegdek-put", status="open", **{"from": "2026-03", "to": "2026-03"}) == 1


def test_weight_by_impact_sums_the_reporters_scores(planner, road):
    for impact in (5, 4, None):
        plant(road, in_cell(WAPENPLEIN_CELL), impact=impact)
    for impact in (1, 1, 1, 1):
        plant(road, in_cell(EAST_CELL), impact=impact)

    by_number = cells(planner)["features"]
    by_impact = cells(planner, weight="impact")

    assert [f["properties"]["value"] for f in by_number] == [4, 3]
    assert [(f["properties"]["value"], f["properties"]["count"]) for f in by_impact["features"]] == [(9, 3), (4, 4)]
    assert by_impact["weight"] == "impact"
    first = by_impact["features"][0]["properties"]
    assert (first["impact_sum"], first["impact_count"], first["impact_mean"]) == (9, 2, 4.5)


def test_the_legend_breaks_are_quantiles_of_the_values():
    assert class_breaks([]) == []
    assert class_breaks([1, 1, 1]) == [1]
    assert class_breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) == [2, 4, 6, 8, 10]
    assert class_breaks([1] * 8 + [40, 90]) == [1, 90]  # eight cells of one: their own class


def tile(client, url=TILE, **params):
    response = client.get(url, params)
    return response


def test_the_vector_tile_holds_the_tiles_quarters_as_squares_with_their_counts(planner, road):
    for _ in range(3):
        plant(road, in_cell(WAPENPLEIN_CELL), impact=2)
    plant(road, in_cell(EAST_CELL, fx=0.1))  # just east of the tile's edge: the next tile's
    plant(road, in_cell(EAST_CELL, fx=0.9), impact=5)

    response = tile(planner)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert "max-age=60" in response["Cache-Control"] and "private" in response["Cache-Control"]
    layer = decode(response.content)["cells"]
    assert layer["extent"] == 4096
    [feature] = layer["features"]
    assert feature["properties"] == {"count": 3, "impact_sum": 6, "impact_count": 3, "value": 3}
    assert feature["type"] == 3  # a polygon
    # Cell (33299, 21873) is the tile's quarter in column 3 (of 0-3) and row 1: x 3072-4096, y 1024-2048.
    assert set(feature["rings"][0]) == {(3072, 1024), (4096, 1024), (4096, 2048), (3072, 2048)}

    east = decode(tile(planner, EAST_TILE).content)["cells"]["features"]
    assert [(f["properties"]["count"], f["properties"]["impact_sum"]) for f in east] == [(2, 5)]
    assert set(east[0]["rings"][0]) == {(0, 1024), (1024, 1024), (1024, 2048), (0, 2048)}

    weighted = decode(tile(planner, EAST_TILE, weight="impact").content)["cells"]["features"]
    assert [f["properties"]["value"] for f in weighted] == [5]


def test_the_tile_takes_the_filters(planner, road, drugs):
    plant(road, in_cell(WAPENPLEIN_CELL), created=local(2026, 5, 2))
    plant(drugs, in_cell(WAPENPLEIN_CELL), created=local(2026, 6, 2), status=Status.AFGESLOTEN)

    def counts(**params) -> list[int]:
        response = tile(planner, **params)
        if response.status_code == 204:
            return []
        return [f["properties"]["count"] for f in decode(response.content)["cells"]["features"]]

    assert counts() == [2]
    assert counts(category="t-drugs") == [1]
    assert counts(status="open") == [1]
    assert counts(**{"from": "2026-06"}) == [1]
    assert counts(category="t-wegdek", status="solved") == []


def test_an_empty_tile_is_no_content(planner, road):
    plant(road, in_cell(WAPENPLEIN_CELL))

    response = tile(planner, "/api/v1/tiles/14/100/100.mvt")

    assert response.status_code == 204
    assert response.content == b""
    assert "max-age=60" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(PLANNER, True), (MANAGEMENT, True), (COORDINATOR, True), (HANDLER, False), (PHONE_DESK, False), (None, False)],
)
def test_only_roles_with_statistics_see_cells_and_tiles(api_client, road, role, allowed):
    plant(road, in_cell(WAPENPLEIN_CELL))
    if role is not None:
        api_client.force_login(staff_user(role, departments=[road.department] if role == HANDLER else ()))

    answers = [
        api_client.get(CELLS, {"bbox": CITY, "zoom": 14}, HTTP_ACCEPT_LANGUAGE="nl"),
        api_client.get(TILE, HTTP_ACCEPT_LANGUAGE="nl"),
    ]

    assert [a.status_code for a in answers] == ([200, 200] if allowed else [403, 403])
    if allowed:
        assert answers[0].json()["total"] == 1
    else:
        assert "count" not in answers[0].content.decode()


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"zoom": "veel"}, "zoom", "Geef zoom op als een geheel getal van 0 tot 22."),
        ({"zoom": "30"}, "zoom", "Geef zoom op als een geheel getal van 0 tot 22."),
        ({"bbox": "2.8,51"}, "bbox", "Geef bbox op als minlon,minlat,maxlon,maxlat (graden in WGS84)."),
        ({"bbox": "-60,-60,60,60", "zoom": "22"}, "bbox", "Dit gebied is te groot voor zoom 22"),
        ({"kind": "melding,klachtje"}, "kind", "Onbekende soort “klachtje”"),
        ({"category": "bestaat-niet"}, "category", "Onbekende categorie “bestaat-niet”."),
        ({"category": "nul\x00"}, "category", "Onbekende categorie"),
        ({"status": "open,half"}, "status", "Onbekende statusgroep “half”"),
        ({"from": "2026-13"}, "from", "Geef een maand als JJJJ-MM, bijvoorbeeld 2026-03."),
        ({"to": "maart"}, "to", "Geef een maand als JJJJ-MM, bijvoorbeeld 2026-03."),
        ({"from": "2026-05", "to": "2026-04"}, "to", "De laatste maand valt vóór de eerste."),
        ({"weight": "zwaar"}, "weight", "Weeg op “count” of op “impact”."),
    ],
)
def test_bad_parameters_get_dutch_field_errors(planner, road, params, field, message):
    response = planner.get(CELLS, {"bbox": CITY, "zoom": "14", **params}, HTTP_ACCEPT_LANGUAGE="nl")

    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_bad_tile_parameters_get_field_errors_in_the_asked_language(planner, road):
    dutch = planner.get("/api/v1/tiles/3/8/1.mvt", {"weight": "zwaar"}, HTTP_ACCEPT_LANGUAGE="nl")
    english = planner.get("/api/v1/tiles/23/0/0.mvt", HTTP_ACCEPT_LANGUAGE="en")

    assert dutch.status_code == 400
    assert dutch.json() == {
        "x": ["Geef een tegelnummer van 0 tot 7 bij zoom 3."],
        "weight": ["Weeg op “count” of op “impact”."],
    }
    assert english.status_code == 400
    assert english.json() == {"z": ["Give zoom as a whole number from 0 to 22."]}


def test_beyond_the_finest_grid_a_tile_shows_the_part_of_its_larger_cell(planner, road):
    """From zoom 17 on the cells are grid 18's (the finest stored): a zoom-20 tile lies inside one of them."""
    # 0.4 of the way across: in grid 18's cell 1 (of 0-3 inside this one), z20 tile 6 of that cell's 4-7.
    lon, lat = in_cell(WAPENPLEIN_CELL, fx=0.4, fy=0.4)
    plant(road, (lon, lat))
    x = math.floor((lon + 180) / 360 * 2**20)
    y = math.floor((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 2**20)

    [feature] = decode(tile(planner, f"/api/v1/tiles/20/{x}/{y}.mvt").content)["cells"]["features"]

    assert feature["properties"]["count"] == 1
    # The cell covers the whole tile: clipped to the tile and its 64-unit buffer.
    assert set(feature["rings"][0]) == {(-64, -64), (4160, -64), (4160, 4160), (-64, 4160)}


def test_the_cells_cost_the_same_queries_for_three_cells_or_twelve(planner, road):
    def queries_for_cells() -> int:
        with CaptureQueriesContext(connection) as captured:
            cells(planner, category="t-wegdek")
        return len(captured)

    for n in range(3):
        plant(road, in_cell((33296 + n, 21880)))
    few = queries_for_cells()
    for n in range(9):
        plant(road, in_cell((33290 + n, 21885)))

    assert len(cells(planner)["features"]) == 12
    assert queries_for_cells() == few


@pytest.mark.parametrize(
    "query",
    [
        "bbox=nan,nan,nan,nan&zoom=14",
        "bbox=2.8,51.1,3.0,51.3&zoom=99999999999999999999999",
        "bbox=2.8,51.1,3.0,51.3&zoom=14&from=%00&to=2026-01",
        "bbox=2.8,51.1,3.0,51.3&zoom=14&kind=%00&status=%00&weight=%00",
        "bbox=2.8,51.1,3.0,51.3&zoom=14&category=,,,",
        "bbox=2.8,51.1,3.0,51.3&zoom=14&from=0000-01",
        "zoom=14",
    ],
)
def test_nasty_input_is_a_400_never_a_500(planner, query):
    assert planner.get(f"{CELLS}?{query}").status_code in (200, 400)


def test_nasty_tile_numbers_are_field_errors(planner):
    for url in ("/api/v1/tiles/99999999999999999999/0/0.mvt", "/api/v1/tiles/2/4/0.mvt", "/api/v1/tiles/2/0/4.mvt"):
        response = planner.get(url, {"from": "2026-00"})
        assert response.status_code == 400
        assert "from" in response.json()
