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

from . import permissions
from .models import OPEN_STATUSES, Category, Report
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
