"""Duplicate search keeps its plan at scale: the partial GiST index for the category and the place together.

At 1,000,000 reports the planner took a BitmapAnd of the full point index and the (category, status) B-tree
for every sampled point: the category arrived as an int4 parameter and btree_gist indexes the bigint column
with int8 operators only, so the partial index could not take it. Statistics like those of a large database are
made here cheaply: 60,000 demo reports inserted by the generator's COPY path, then ANALYZE (both inside the
test's transaction, which ANALYZE counts). The old query takes the BitmapAnd on the same data, so this test
fails without the fix.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.conf import settings
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db import connection
from django.utils import timezone

from geo_meldpunt.demo.insert import batch_insert
from geo_meldpunt.demo.rows import batch_draw
from geo_meldpunt.demo.timeline import created_at
from geo_meldpunt.demo.tunables import DEMO_BATCH_SIZE
from geo_meldpunt.demo.world import World
from geo_meldpunt.reports import duplicates
from geo_meldpunt.reports.choices import PUBLIC_KINDS
from geo_meldpunt.reports.models import OPEN_STATUSES, Category, Report
from geo_meldpunt.reports.selectors.bodies import statement_params
from geo_meldpunt.staff.groups import COORDINATOR
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db

REPORTS = 40_000
SAMPLES = 40


@pytest.fixture
def many_reports():
    """REPORTS demo reports by the generator's own draw and COPY (no deadline fill: the search never reads
    deadlines), then fresh statistics."""
    rng = np.random.default_rng(11)
    now = timezone.now()
    world = World.load(rng)
    stamps = created_at(rng, REPORTS, now)
    for start in range(0, REPORTS, DEMO_BATCH_SIZE):
        batch_insert(rows=batch_draw(rng, world=world, stamps=stamps[start : start + DEMO_BATCH_SIZE], now=now))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reports_report")


def sample_points(count: int) -> list[tuple[Point, Category]]:
    """Places where a duplicate search finds something: open reports moved up to 30 m, with their category."""
    rng = np.random.default_rng(5)
    reports = list(
        Report.objects.filter(status__in=OPEN_STATUSES, point__isnull=False)
        .select_related("category")
        .order_by("id")[:: max(1, REPORTS // 20 // count)][:count]
    )
    samples = []
    for report in reports:
        dx, dy = rng.uniform(-30, 30, size=2) / 111_000
        samples.append((Point(report.point.x + dx, report.point.y + dy, srid=4326), report.category))
    return samples


def plan_of(queryset) -> dict:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        return cursor.fetchone()[0][0]["Plan"]


def nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def report_index_scans(queryset) -> list[dict]:
    """The plan's index scans of reports_report (plain or bitmap), not of the joined categories/departments."""
    return [n for n in nodes(plan_of(queryset)) if n.get("Index Name", "").startswith(("report_", "reports_report_"))]


def reference_answer(point: Point, category: Category) -> list[str]:
    """The rule spelt the simplest way, whatever its plan: open reports of the category within the radius that
    anyone may see (a public kind in a public category)."""
    return list(
        Report.objects.filter(
            category=category,
            category__is_public=True,
            kind__in=PUBLIC_KINDS,
            status__in=OPEN_STATUSES,
            point__dwithin=(point, D(m=duplicates.duplicate_radius_m(category))),
        )
        .annotate(distance=Distance("point", point))
        .order_by("distance", "id")
        .values_list("reference", flat=True)[:5]
    )


def test_duplicate_search_takes_the_partial_index_for_category_and_place(many_reports):
    samples = sample_points(SAMPLES)
    assert len(samples) == SAMPLES
    found = 0
    for point, category in samples:
        candidates = duplicates.duplicate_candidates(point=point, category=category, limit=5)
        assert not [n for n in nodes(plan_of(candidates)) if n["Node Type"] == "BitmapAnd"], (point, category)
        (scan,) = report_index_scans(candidates)
        assert scan["Index Name"] == "report_open_category_point", json.dumps(scan)
        assert "category_id =" in scan["Index Cond"] and "point &&" in scan["Index Cond"], scan["Index Cond"]

        answer = [r.reference for r in candidates]
        assert answer == reference_answer(point, category)
        found += bool(answer)
    assert found >= SAMPLES // 2  # the samples lie where there is something to find

    # The public API's duplicate check is one statement of its own (category lookup and JSON included): the
    # same plan for the candidates, the same answer.
    for point, category in samples:
        params = {
            **statement_params(language="nl"),
            "slug": category.slug,
            "lon": point.x,
            "lat": point.y,
            "default_radius": settings.REPORTS_DUPLICATES_RADIUS_M,
            "limit": 5,
        }
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + duplicates._nearby_sql("nl"), params)
            plan = cursor.fetchone()[0][0]["Plan"]
        assert not [n for n in nodes(plan) if n["Node Type"] == "BitmapAnd"], (point, category)
        scans = [n for n in nodes(plan) if n.get("Index Name", "").startswith(("report_", "reports_report_"))]
        assert [n["Index Name"] for n in scans] == ["report_open_category_point"], json.dumps(scans)
        assert "category_id =" in scans[0]["Index Cond"] and "point &&" in scans[0]["Index Cond"]
        body = json.loads(
            duplicates.duplicate_candidates_json(category_slug=category.slug, lon=point.x, lat=point.y, language="nl")
        )
        assert [f["properties"]["reference"] for f in body["features"]] == reference_answer(point, category)

    # The back office's search for a filed report (merge targets) is the same query within what its user sees.
    coordinator = staff_user(COORDINATOR, username="coord")
    report = Report.objects.filter(status__in=OPEN_STATUSES, point__isnull=False).order_by("id")[100]
    candidates = duplicates.report_duplicate_candidates(report=report, user=coordinator)
    scans = report_index_scans(candidates)
    assert [n["Index Name"] for n in scans] == ["report_open_category_point"], json.dumps(scans)
