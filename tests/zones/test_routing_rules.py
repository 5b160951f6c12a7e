"""Which rule wins: priority first, then the most specific category, then the most specific place.

Rules are built with factories for categories of their own, at the Wapenplein (territory Oostende,
deelgemeente Oostende, wijk Centrum), so the reference rules do not take part.
"""

import datetime as dt

import pytest
from django.utils import timezone

from geo_meldpunt.zones.models import Zone, ZoneType
from geo_meldpunt.zones.routing import covering_zones, route
from tests.factories import (
    WAPENPLEIN,
    CategoryFactory,
    DepartmentFactory,
    RoutingRuleFactory,
    ZoneFactory,
    point_at,
    square,
)

pytestmark = pytest.mark.django_db

HERE = point_at(*WAPENPLEIN)


@pytest.fixture
def parent():
    return CategoryFactory(slug="t-ouder")


@pytest.fixture
def category(parent):
    return CategoryFactory(slug="t-kind", parent=parent)


@pytest.fixture
def centrum():
    return Zone.objects.get(slug="centrum")


def rule(**kwargs):
    return RoutingRuleFactory(department=DepartmentFactory(), **kwargs)


def winner(category, point=HERE):
    return route(category=category, point=point).rule


def test_higher_priority_beats_any_specificity(category, centrum):
    rule(category=category, zone=centrum, priority=0)
    broad = rule(category=None, priority=1)

    assert winner(category) == broad


def test_at_equal_priority_the_category_beats_its_parent_beats_any_category(category, parent):
    any_category = rule(category=None)
    assert winner(category) == any_category
    for_parent = rule(category=parent)
    assert winner(category) == for_parent
    for_category = rule(category=category)
    assert winner(category) == for_category


def test_at_equal_priority_a_named_zone_beats_a_zone_type_beats_anywhere(category, centrum):
    anywhere = rule(category=category)
    assert winner(category) == anywhere
    territory = rule(category=category, zone_type=ZoneType.TERRITORY)
    assert winner(category) == territory
    wijk = rule(category=category, zone_type=ZoneType.WIJK)
    assert winner(category) == wijk
    named = rule(category=category, zone=centrum)
    assert winner(category) == named


def test_a_more_specific_zone_type_beats_a_broader_one(category):
    rule(category=category, zone_type=ZoneType.DEELGEMEENTE)
    wijk = rule(category=category, zone_type=ZoneType.WIJK)
    rule(category=category, zone_type=ZoneType.TERRITORY)

    assert winner(category) == wijk


def test_category_specificity_comes_before_place_specificity(category, parent, centrum):
    rule(category=parent, zone=centrum)
    own_anywhere = rule(category=category)

    assert winner(category) == own_anywhere


def test_a_tie_goes_to_the_older_rule(category):
    first = rule(category=category)
    rule(category=category)

    assert winner(category) == first


def test_rules_for_other_places_and_categories_do_not_apply(category):
    elsewhere = Zone.objects.get(slug="mariakerke")
    rule(category=category, zone=elsewhere, priority=100)
    rule(category=category, zone_type=ZoneType.PORT, priority=100)
    rule(category=CategoryFactory(), priority=100)

    decision = route(category=category, point=HERE)

    assert decision.rule is None
    assert decision.department == category.department
    assert decision.routable is True


def test_an_inactive_rule_or_a_rule_to_an_inactive_department_is_skipped(category):
    fallback = rule(category=category)
    rule(category=category, priority=5, active=False)
    closed = DepartmentFactory(active=False)
    RoutingRuleFactory(category=category, department=closed, priority=6)

    assert winner(category) == fallback


def test_a_rule_wins_over_the_default_department(category):
    chosen = rule(category=category)

    decision = route(category=category, point=HERE)

    assert decision.department == chosen.department != category.department


def test_without_rule_or_default_the_coordinator_gets_it_unroutable():
    orphan = CategoryFactory(department=None, name_en="Orphan")

    decision = route(category=orphan, point=HERE, language="en")

    assert decision.department.slug == "meldpunt"
    assert decision.department.is_coordinator
    assert decision.routable is False
    assert decision.rule is None
    assert "not routable" in decision.reason.lower()
    assert "Orphan" in decision.reason
    assert decision.zone_id == Zone.objects.get(slug="centrum").id


def test_an_inactive_default_department_sends_it_to_the_coordinator():
    category = CategoryFactory(department=DepartmentFactory(active=False))

    decision = route(category=category, point=HERE)

    assert decision.department.slug == "meldpunt"
    assert decision.routable is False


def test_a_report_without_location_follows_only_rules_for_anywhere(category, centrum):
    anywhere = rule(category=category)
    rule(category=category, zone=centrum, priority=10)

    decision = route(category=category, point=None)

    assert decision.rule == anywhere
    assert decision.zone_id is None


def test_the_unroutable_report_is_stored_with_the_coordinator(api_client):
    orphan = CategoryFactory(department=None)

    response = api_client.post(
        "/api/v1/reports/",
        {"kind": "melding", "category": orphan.slug, "lat": HERE.y, "lon": HERE.x, "description": "Iets."},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 201
    assert response.json()["department"]["slug"] == "meldpunt"
    assert response.json()["routing_reason"]


# --- Zones valid on a day, zones added by factory ---------------------------------------------------------


def test_a_zone_that_is_no_longer_valid_does_not_route():
    today = timezone.localdate()
    past = ZoneFactory(geom=square(*WAPENPLEIN, 0.0005), valid_to=today)
    future = ZoneFactory(geom=square(*WAPENPLEIN, 0.0005), valid_from=today + dt.timedelta(days=1))
    current = ZoneFactory(geom=square(*WAPENPLEIN, 0.0005), valid_from=today - dt.timedelta(days=1))

    slugs = {z.slug for z in covering_zones(HERE)}

    assert current.slug in slugs
    assert past.slug not in slugs and future.slug not in slugs
    assert future.slug in {z.slug for z in covering_zones(HERE, day=today + dt.timedelta(days=1))}


def test_a_rule_for_a_new_zone_applies_at_once(category):
    """Zones are looked up in the database on every report: no stale copy in memory."""
    beach_bar = ZoneFactory(zone_type=ZoneType.BEACH, geom=square(*WAPENPLEIN, 0.0003))
    bar_rule = rule(category=category, zone=beach_bar)

    decision = route(category=category, point=HERE)

    assert decision.rule == bar_rule
    assert decision.zone_id == beach_bar.id


def test_a_large_zone_is_subdivided_and_still_covers_its_border():
    """ST_Subdivide cuts a zone with many vertices into parts; a point on a cut line or the edge still routes."""
    import math

    from django.contrib.gis.geos import MultiPolygon, Polygon

    lon0, lat0 = WAPENPLEIN
    ring = [
        (lon0 + 0.002 * math.cos(2 * math.pi * i / 400), lat0 + 0.001 * math.sin(2 * math.pi * i / 400))
        for i in range(400)
    ]
    ring.append(ring[0])
    zone = ZoneFactory(geom=MultiPolygon(Polygon(ring, srid=4326), srid=4326))

    assert zone.parts.count() > 1
    for point in (HERE, point_at(*ring[0]), point_at(*ring[100]), point_at(lon0, lat0 + 0.00099)):
        assert zone.slug in {z.slug for z in covering_zones(point)}
