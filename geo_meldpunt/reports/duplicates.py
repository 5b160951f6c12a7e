"""Which open reports is this probably a duplicate of? One question, one radius rule, for every interface.

The public API asks it for a point about to be reported (the meld page's "is this already reported?", and the
coming field page); the back office asks it for a filed report, to offer the reports it may be merged into.
Following and merging are writes: services/merge.py.

The rule: an open report of the same category within the category's duplicate radius (admin-edited per
category), nearest first. ST_DWithin on the geography column, in metres, uses the partial GiST index on
(category, point) of open reports for both the category and the place (tests/reports/test_duplicates_plan.py
checks the plan); comparing an annotated distance instead would measure every row of the category.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import BigIntegerField, QuerySet, Value
from django.db.models.functions import Cast

from geo_meldpunt.core.prepared import prepared_cursor

from . import permissions
from .choices import PUBLIC_KINDS
from .models import OPEN_STATUSES, Category, Report
from .selectors.bodies import sql_name, sql_timestamp, sql_words, statement_params, timestamps_in_sql
from .selectors.public import PUBLIC_REPORT_FIELDS, PUBLIC_VISIBLE

# What the back office's list of candidates shows of each (no personal data is needed to choose a merge target).
CANDIDATE_FIELDS = (
    "id", "reference", "kind", "status", "point", "created_at",
    "category__id", "category__slug", *(f"category__name_{lang}" for lang in ("nl", "fr", "en", "de")),
)  # fmt: skip


def duplicate_radius_m(category: Category) -> int:
    """How far (metres) an open report of `category` may be and still probably be the same problem: the
    category's own radius, REPORTS_DUPLICATES_RADIUS_M for a category without one."""
    return category.duplicate_radius_m or settings.REPORTS_DUPLICATES_RADIUS_M


def _candidates(*, point: Point, category: Category, among: QuerySet[Report]) -> QuerySet[Report]:
    """`among`, narrowed to the probable duplicates at `point`, nearest first, with `distance` (m)."""
    return (
        among.filter(
            # The category as a bigint, the column's own type: the partial GiST index takes the category through
            # btree_gist's int8 operators only, and a plain integer parameter arrives as int4 (int8 = int4 is not
            # in that operator family). Without the cast the index could only serve the place, and the planner
            # took a BitmapAnd of the full point index and the (category, status) B-tree instead, at any size.
            category_id=Cast(Value(category.pk), output_field=BigIntegerField()),
            status__in=OPEN_STATUSES,
            point__dwithin=(point, D(m=duplicate_radius_m(category))),
        )
        .annotate(distance=Distance("point", point))
        .order_by("distance", "id")
    )


def duplicate_candidates(*, point: Point, category: Category, limit: int | None = None) -> QuerySet[Report]:
    """The open reports a new report of `category` at `point` probably duplicates, for public outputs (no
    personal data read): only reports anyone may see (PUBLIC_VISIBLE: never a klacht or a compliment, nothing in a
    category kept off the public map). At most `limit`, by default REPORTS_DUPLICATES_LIMIT."""
    return (
        _candidates(point=point, category=category, among=Report.objects.filter(PUBLIC_VISIBLE))
        .select_related("category", "department")
        .only(*PUBLIC_REPORT_FIELDS)[: limit or settings.REPORTS_DUPLICATES_LIMIT]
    )


def report_duplicate_candidates(*, report: Report, user: Any, limit: int | None = None) -> QuerySet[Report]:
    """The open reports filed report `report` probably duplicates that `user` may see (permissions), nearest
    first: the back office's merge targets. None for a report without a place."""
    if report.point is None:
        return Report.objects.none()
    among = permissions.visible_reports(user, Report.objects.exclude(pk=report.pk))
    return (
        _candidates(point=report.point, category=report.category, among=among)
        .select_related("category")
        .only(*CANDIDATE_FIELDS)[: limit or settings.REPORTS_DUPLICATES_LIMIT]
    )


# duplicate_candidates for the public API in one statement, category lookup included: the FeatureCollection of
# api DuplicateCandidateFeature as JSON text. The same rule as _candidates, spelt in SQL: the open statuses as
# literals (the partial index report_open_category_point is matched on its predicate's text), the category as the
# bigint it is, the radius in metres on the geography column, nearest first. A category kept off the public map
# gives no candidates (its reports may be about people); a category that is not active, or no category, no row.
NEARBY_SQL = f"""
WITH category AS (
    SELECT c.id, c.slug, c.is_public, {{category_name}} AS name,
           COALESCE(NULLIF(c.duplicate_radius_m, 0), %(default_radius)s) AS radius
    FROM reports_category c WHERE c.slug = %(slug)s AND c.active
), candidates AS (
    SELECT r.reference, r.kind, r.status, r.address, r.created_at, r.point, r.department_id, r.id,
           ST_Distance(r.point, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography) AS distance
    FROM category JOIN reports_report r ON r.category_id = category.id
    WHERE category.is_public
      AND r.kind IN ({sql_words(PUBLIC_KINDS)})
      AND r.status IN ({sql_words(OPEN_STATUSES)})
      AND ST_DWithin(r.point, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography, category.radius)
    ORDER BY distance, r.id
    LIMIT %(limit)s
)
SELECT
    EXISTS (SELECT FROM category),
    json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(json_build_object(
        'type', 'Feature',
        -- GDAL's way of writing a coordinate, as DuplicateCandidateFeature did (migration 0015).
        'geometry', json_build_object('type', 'Point', 'coordinates', json_build_array(
            meldpunt_geojson_coordinate(ST_X(candidates.point::geometry))::json,
            meldpunt_geojson_coordinate(ST_Y(candidates.point::geometry))::json)),
        'properties', json_build_object(
            'reference', candidates.reference,
            'kind', candidates.kind,
            'category', category.slug,
            'category_name', category.name,
            'status', candidates.status,
            'status_display', COALESCE(%(statuses)s::jsonb ->> candidates.status, candidates.status),
            'department', {{department_name}},
            'address', candidates.address,
            'created_at', {sql_timestamp("candidates.created_at")},
            'distance_m', round(candidates.distance::numeric, 1))
    ) ORDER BY candidates.distance, candidates.id) FILTER (WHERE candidates.id IS NOT NULL), '[]'::json))::text
FROM category
JOIN candidates ON true
JOIN zones_department d ON d.id = candidates.department_id
"""


def _nearby_sql(language: str) -> str:
    return NEARBY_SQL.replace("{category_name}", sql_name("c", language)).replace(
        "{department_name}", sql_name("d", language)
    )


def duplicate_candidates_json(*, category_slug: str, lon: float, lat: float, language: str) -> str | None:
    """duplicate_candidates at (lon, lat) for the active category `category_slug`, as the JSON text of the public
    API's FeatureCollection (names and labels in `language`): one statement. None when no active category has
    that slug, or when the project's DATETIME_FORMAT is not the ISO 8601 that SQL writes (then ask
    duplicate_candidates)."""
    if not timestamps_in_sql():
        return None
    params = {
        **statement_params(language=language),
        "slug": category_slug,
        "lon": lon,
        "lat": lat,
        "default_radius": settings.REPORTS_DUPLICATES_RADIUS_M,
        "limit": settings.REPORTS_DUPLICATES_LIMIT,
    }
    with prepared_cursor() as cursor:
        cursor.execute(_nearby_sql(language), params)
        found, body = cursor.fetchone()
    return body if found else None
