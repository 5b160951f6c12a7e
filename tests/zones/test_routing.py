"""Routing truth table over the Oostende reference data (fixtures/oostende/check_points.json).

Each named point must lie in the zones the table says, route to the department the reference rules give
(by category and zone type) and record the expected zone; points on shared borders must route; the sea and
the neighbouring towns are refused.
"""

import pytest
from django.db import connection

from geo_meldpunt.core.errors import OutsideTerritory
from geo_meldpunt.reports.models import Category
from geo_meldpunt.zones.models import Zone, ZoneType
from geo_meldpunt.zones.routing import covering_zones, route
from tests.factories import RoutingRuleFactory, point_at, reference_check_points

pytestmark = pytest.mark.django_db

CHECK_POINTS = reference_check_points()
INSIDE = [p for p in CHECK_POINTS if p["inside"]]
OUTSIDE = [p for p in CHECK_POINTS if not p["inside"]]


def where(p) -> object:
    return point_at(p["lon"], p["lat"])


def expected_wijken(p) -> list[str]:
    return sorted(p.get("on_border_of") or [p["wijk"]])


def ids(points) -> list[str]:
    return [p["name"] for p in points]


# --- Which zones cover each point ------------------------------------------------------------------------


def test_the_table_has_a_point_in_every_wijk_and_outside_points():
    wijken = set(Zone.objects.filter(zone_type=ZoneType.WIJK).values_list("slug", flat=True))
    assert len(wijken) >= 11
    assert wijken <= {p["wijk"] for p in INSIDE}
    assert any(p["name"].startswith("Noordzee") for p in OUTSIDE)
    assert any(not p["name"].startswith("Noordzee") for p in OUTSIDE)  # a neighbouring town
    assert any(p.get("on_border_of") for p in INSIDE)


@pytest.mark.parametrize("p", INSIDE, ids=ids(INSIDE))
def test_each_inside_point_lies_in_exactly_the_expected_zones(p):
    zones = covering_zones(where(p))
    by_type: dict[str, list[str]] = {}
    for zone in zones:
        by_type.setdefault(zone.zone_type, []).append(zone.slug)

    assert by_type.get(ZoneType.TERRITORY) == ["oostende"]
    assert by_type.get(ZoneType.DEELGEMEENTE) == [p["deelgemeente"]]
    assert sorted(by_type.get(ZoneType.WIJK, [])) == expected_wijken(p)
    assert by_type.get(ZoneType.BEACH, []) == (["strand"] if p["in_beach"] else [])
    assert by_type.get(ZoneType.PORT, []) == (["haven"] if p["in_port"] else [])
    assert by_type.get(ZoneType.REGIONAL_ROAD, []) == ([p["regional_road"]] if p["regional_road"] else [])


@pytest.mark.parametrize("p", OUTSIDE, ids=ids(OUTSIDE))
def test_the_sea_and_the_neighbouring_towns_are_refused(p):
    assert covering_zones(where(p)) == []
    with pytest.raises(OutsideTerritory) as refused:
        route(category=Category.objects.get(slug="zwerfvuil"), point=where(p))
    assert refused.value.field == "location"
    assert refused.value.message


@pytest.mark.parametrize("p", OUTSIDE, ids=ids(OUTSIDE))
def test_the_api_refuses_outside_points_at_location(api_client, p):
    response = api_client.post(
        "/api/v1/reports/",
        {"kind": "melding", "category": "zwerfvuil", "lat": p["lat"], "lon": p["lon"], "description": "Afval."},
        format="json",
    )
    assert response.status_code == 400
    (message,) = response.json()["location"]
    assert message


# --- Which department: the reference rules by category and zone type ---------------------------------------
# Hand-written from fixtures/oostende/routing_rules.json. Each returns (department, recorded zone) for a check
# point: port rules (priority 80) beat regional-road rules (70) beat beach rules (50) beat the parents' default
# rules (10); the fixed handlers (Fluvius 90, De Lijn 85, police 90) win everywhere.


def _wijk(p):
    return p["wijk"]


EXPECTED = {
    # Street lighting is Fluvius's, wherever it is.
    "lamp-defect": lambda p: ("fluvius", _wijk(p)),
    # Litter: the port company in the port, the beach service on the beach, else city cleaning.
    "zwerfvuil": lambda p: (
        ("haven", "haven") if p["in_port"] else ("strand", "strand") if p["in_beach"] else ("netheid", _wijk(p))
    ),
    # A pothole: the port company in the port, AWV on a regional road, else public works.
    "wegdek-put": lambda p: (
        ("haven", "haven")
        if p["in_port"]
        else ("awv", p["regional_road"])
        if p["regional_road"]
        else ("openbare-werken", _wijk(p))
    ),
    "groenonderhoud": lambda p: (
        ("haven", "haven")
        if p["in_port"]
        else ("awv", p["regional_road"])
        if p["regional_road"]
        else ("groendienst", _wijk(p))
    ),
    # Only maintenance of verges goes to AWV: a playground by the N33 is still the city's.
    "speeltuin": lambda p: ("haven", "haven") if p["in_port"] else ("groendienst", _wijk(p)),
    # A dead animal on the beach is the beach service's; elsewhere city cleaning (no port rule for animals).
    "dood-dier": lambda p: ("strand", "strand") if p["in_beach"] else ("netheid", _wijk(p)),
    # A bus stop is De Lijn's even in the port (85 beats the port's traffic rule at 80).
    "bushalte": lambda p: ("de-lijn", _wijk(p)),
    "foutparkeren": lambda p: ("politie", _wijk(p)),
    "strand-afval": lambda p: ("strand", _wijk(p)),
}
TRUTH_TABLE = [(slug, p) for slug in EXPECTED for p in INSIDE]


@pytest.mark.parametrize(("slug", "p"), TRUTH_TABLE, ids=[f"{slug}@{p['name']}" for slug, p in TRUTH_TABLE])
def test_truth_table(slug, p):
    category = Category.objects.select_related("department", "parent").get(slug=slug)
    department, zone = EXPECTED[slug](p)

    decision = route(category=category, point=where(p))

    assert decision.routable is True
    assert decision.department.slug == department
    recorded = Zone.objects.get(pk=decision.zone_id).slug
    if p.get("on_border_of") and zone == p["wijk"]:
        assert recorded in p["on_border_of"]
    else:
        assert recorded == zone
    assert decision.reason


def test_the_truth_table_exercises_every_zone_type_rule():
    """The table would notice if a beach, port or regional-road rule stopped applying."""
    outcomes = {EXPECTED[slug](p)[0] for slug, p in TRUTH_TABLE}
    assert {"haven", "strand", "awv"} <= outcomes
    assert any(p["in_port"] for p in INSIDE) and any(p["in_beach"] for p in INSIDE)
    assert any(p["regional_road"] for p in INSIDE)


@pytest.mark.parametrize("p", INSIDE, ids=ids(INSIDE))
def test_a_report_filed_at_each_point_records_its_zone(api_client, p):
    response = api_client.post(
        "/api/v1/reports/",
        {"kind": "melding", "category": "lamp-defect", "lat": p["lat"], "lon": p["lon"], "description": "Lamp stuk."},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["department"]["slug"] == "fluvius"
    assert body["department"]["is_external"] is True
    assert body["zone"]["zone_type"] == ZoneType.WIJK
    assert body["zone"]["slug"] in expected_wijken(p)


# --- Shared borders --------------------------------------------------------------------------------------


def shared_border_vertices() -> list[tuple[str, str, float, float]]:
    """For each pair of neighbouring wijken, a vertex both boundaries have (exactly on both), mid-border."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.slug, b.slug, ST_X(v.geom), ST_Y(v.geom)
            FROM zones_zone a
            JOIN zones_zone b ON a.id < b.id AND b.zone_type = 'wijk' AND ST_Intersects(a.geom, b.geom)
            CROSS JOIN LATERAL (
                SELECT shared.geom FROM (
                    SELECT d.geom, row_number() OVER (ORDER BY d.path) AS n, count(*) OVER () AS total
                    FROM ST_DumpPoints(a.geom) AS d
                    WHERE ST_Covers(b.geom, d.geom)
                ) AS shared
                WHERE shared.n = (shared.total + 1) / 2
            ) AS v
            WHERE a.zone_type = 'wijk'
            ORDER BY a.slug, b.slug
            """
        )
        return cursor.fetchall()


def test_every_shared_border_between_wijken_routes():
    vertices = shared_border_vertices()
    assert len(vertices) >= 10, "neighbouring wijken share vertices"
    category = Category.objects.get(slug="lamp-defect")
    for a, b, lon, lat in vertices:
        point = point_at(lon, lat)
        covering = {z.slug for z in covering_zones(point)}
        assert {a, b} <= covering, (a, b, lon, lat, covering)
        decision = route(category=category, point=point)
        assert decision.department.slug == "fluvius"
        assert Zone.objects.get(pk=decision.zone_id).slug in covering


def test_a_rule_for_either_wijk_applies_on_their_shared_border():
    border = next(p for p in INSIDE if p.get("on_border_of"))
    a, b = border["on_border_of"]
    category = Category.objects.get(slug="zwerfvuil")
    for slug in (a, b):
        rule = RoutingRuleFactory(category=category, zone=Zone.objects.get(slug=slug), priority=100)
        decision = route(category=category, point=where(border))
        assert decision.rule == rule
        assert decision.department == rule.department
        assert Zone.objects.get(pk=decision.zone_id).slug == slug
        rule.delete()
