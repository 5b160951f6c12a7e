"""report_reroute: a change of category or location routes the report again, with history."""

import pytest

from geo_meldpunt.core.errors import ApplicationError, OutsideTerritory
from geo_meldpunt.reports.models import Kind, ReportEvent
from geo_meldpunt.reports.services import report_create, report_reroute
from geo_meldpunt.zones.models import ZoneType
from tests.factories import (
    WAPENPLEIN,
    CategoryFactory,
    DepartmentFactory,
    RoutingRuleFactory,
    point_at,
    reference_point,
)

pytestmark = pytest.mark.django_db


def test_a_new_location_routes_the_report_again_and_tells_the_reporter():
    category = CategoryFactory()
    centre, beach = DepartmentFactory(), DepartmentFactory()
    RoutingRuleFactory(category=category, department=centre)
    RoutingRuleFactory(category=category, zone_type=ZoneType.BEACH, department=beach, priority=10)
    report = report_create(kind=Kind.MELDING, category=category, point=point_at(*WAPENPLEIN), description="Afval.")
    assert report.department == centre

    moved = report_reroute(report=report, point=reference_point("Strand Mariakerke"), address="Zeedijk")

    moved.refresh_from_db()
    assert moved.department == beach
    assert moved.zone.zone_type == ZoneType.BEACH
    assert moved.address == "Zeedijk"
    event = moved.events.get(event_type=ReportEvent.Type.ROUTED)
    assert event.department == beach and event.public
    assert beach.localized_name() in event.note


def test_a_new_category_routes_again_but_must_accept_the_kind():
    lighting_dept = DepartmentFactory()
    first = CategoryFactory()
    lighting = CategoryFactory(department=lighting_dept)
    ideas_only = CategoryFactory(kinds=[Kind.SUGGESTIE])
    report = report_create(kind=Kind.MELDING, category=first, point=point_at(*WAPENPLEIN), description="Lamp.")

    with pytest.raises(ApplicationError) as refused:
        report_reroute(report=report, category=ideas_only)
    assert refused.value.field == "category"

    moved = report_reroute(report=report, category=lighting)
    assert (moved.category, moved.department) == (lighting, lighting_dept)


def test_a_location_outside_the_city_is_refused_and_nothing_changes():
    report = report_create(
        kind=Kind.MELDING, category=CategoryFactory(), point=point_at(*WAPENPLEIN), description="Put."
    )
    with pytest.raises(OutsideTerritory):
        report_reroute(report=report, point=point_at(2.90, 51.25))
    report.refresh_from_db()
    assert report.zone.slug == "centrum"
    assert not report.events.filter(event_type=ReportEvent.Type.ROUTED).exists()
