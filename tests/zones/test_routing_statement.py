"""route() asks PostgreSQL once (ROUTE_SQL) and decides as the two ORM queries + decide() did.

The reference is the earlier algorithm spelt out here: covering_zones, candidate_rules, the category's own
default department and coordinator() by the ORM, then the pure decide(). Over the Oostende reference data
(every category, many random points inside and outside the territory, and points exactly on zone borders:
vertices of the zone parts) both must give the same department, zone, rule, reason and routability, and the
new one in one statement.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from geo_meldpunt.core.errors import OutsideTerritory
from geo_meldpunt.reports.models import Category
from geo_meldpunt.zones import routing
from geo_meldpunt.zones.models import Zone, ZonePart, ZoneType
from tests.factories import DepartmentFactory, RoutingRuleFactory

pytestmark = pytest.mark.django_db


def reference_route(*, category: Category, point: Point | None, language: str = "nl") -> routing.RoutingDecision:
    """The algorithm before the single statement: two index-using ORM queries and the pure decide()."""
    category = Category.objects.select_related("department").get(pk=category.pk)
    zones = routing.covering_zones(point) if point is not None else []
    if point is not None:
        routing.territory_check(zones)
    rules = routing.candidate_rules(category, zones)
    with translation.override(language):
        return routing.decide(category, zones, rules, located=point is not None)


def outcome(route, **kwargs) -> tuple:
    try:
        d = route(**kwargs)
    except OutsideTerritory as refused:
        return ("refused", refused.message)
    return (
        d.department.pk,
        d.department.localized_name(),
        d.zone_id,
        d.rule.pk if d.rule else None,
        d.reason,
        d.routable,
        tuple(d.zones),
    )


def sample_points(count: int) -> list[Point]:
    """Random points over the territory's extent and a margin around it (the sea, neighbouring towns), and
    vertices of zone parts: points exactly on a border."""
    territory = Zone.objects.get(zone_type=ZoneType.TERRITORY)
    xmin, ymin, xmax, ymax = territory.geom.extent
    rng = np.random.default_rng(2026)
    dx, dy = (xmax - xmin) * 0.15, (ymax - ymin) * 0.15
    points = [
        Point(float(x), float(y), srid=4326)
        for x, y in zip(rng.uniform(xmin - dx, xmax + dx, count), rng.uniform(ymin - dy, ymax + dy, count), strict=True)
    ]
    for part in ZonePart.objects.exclude(zone_type=ZoneType.TERRITORY).order_by("id")[:40]:
        ring = part.geom.exterior_ring.coords
        points += [Point(*ring[i], srid=4326) for i in range(0, len(ring), max(1, len(ring) // 3))]
    return points


def test_route_decides_as_the_orm_queries_and_decide_did_for_every_category_and_many_points():
    categories = list(Category.objects.order_by("id"))
    points = sample_points(120)
    rng = np.random.default_rng(7)
    compared = refused = 0
    for point in points:
        for category in rng.choice(categories, size=6, replace=False):
            language = str(rng.choice(["nl", "fr", "en", "de"]))
            new = outcome(routing.route, category=category, point=point, language=language)
            old = outcome(reference_route, category=category, point=point, language=language)
            assert new == old, (point.coords, category.slug, language)
            compared += 1
            refused += new[0] == "refused"
    # Every category without a point, too (no zone, no territory check).
    for category in categories:
        assert outcome(routing.route, category=category, point=None) == outcome(
            reference_route, category=category, point=None
        ), category.slug
    assert compared > 500
    assert 0 < refused < compared  # both sides of the territory's border were tried


def test_route_with_zone_rules_a_default_department_and_the_coordinator_matches_the_reference():
    """Rules naming a zone, a zone type, a parent category, a future zone; a category with no default."""
    wijk = Zone.objects.filter(zone_type=ZoneType.WIJK).order_by("id").first()
    category = Category.objects.filter(parent__isnull=False).order_by("id").first()
    orphan = Category.objects.exclude(pk=category.pk).filter(parent__isnull=True).order_by("id").first()
    Category.objects.filter(pk=orphan.pk).update(department=None)
    RoutingRuleFactory(category=category, zone=wijk, department=DepartmentFactory(), priority=1)
    RoutingRuleFactory(category=category.parent, zone_type=ZoneType.BEACH, department=DepartmentFactory(), priority=5)
    RoutingRuleFactory(category=None, zone_type=ZoneType.PORT, department=DepartmentFactory(active=False))
    RoutingRuleFactory(category=category, department=DepartmentFactory(), active=False)
    Zone.objects.filter(pk=wijk.pk).update(valid_from=timezone.localdate() + dt.timedelta(days=3))
    for point in sample_points(60):
        for c in (category, orphan):
            assert outcome(routing.route, category=c, point=point) == outcome(
                reference_route, category=c, point=point
            ), (point.coords, c.slug)


def test_route_is_one_statement_and_its_department_reads_cost_nothing():
    category = Category.objects.filter(active=True).order_by("id").first()
    territory = Zone.objects.get(zone_type=ZoneType.TERRITORY)
    point = territory.geom.point_on_surface
    with CaptureQueriesContext(connection) as queries:
        decision = routing.route(category=category, point=point)
        department = decision.department
        read = [department.localized_name(), department.email, department.is_coordinator, department.pk]
        read += [decision.zone and decision.zone.slug, decision.rule and decision.rule.department.slug]
    assert read[0] and "@" in read[1]
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_preview_finds_the_category_by_its_slug_in_the_same_statement():
    category = Category.objects.filter(active=True).order_by("id").first()
    point = Zone.objects.get(zone_type=ZoneType.TERRITORY).geom.point_on_surface
    with CaptureQueriesContext(connection) as queries:
        assert routing.route_preview(category_slug="no-such-category", point=point) is None
        decision = routing.route_preview(category_slug=category.slug, point=point)
    assert len(queries) == 2
    assert outcome(lambda **kw: decision) == outcome(reference_route, category=category, point=point)
    Category.objects.filter(pk=category.pk).update(active=False)
    assert routing.route_preview(category_slug=category.slug, point=point) is None
