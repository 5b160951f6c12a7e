"""Reads of reports. Spatial filters use the GiST index on the geography column."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point, Polygon
from django.contrib.gis.measure import D
from django.db.models import Q, QuerySet

from .models import OPEN_STATUSES, Category, Report

# What public outputs read of a report and its relations; fetching every column costs ~16% on dense spots.
PUBLIC_REPORT_FIELDS = (
    "reference", "kind", "status", "address", "created_at", "point", "category__slug", "department__slug",
    *(f"{relation}__name_{lang}" for relation in ("category", "department") for lang in ("nl", "fr", "en", "de")),
)  # fmt: skip


def duplicate_candidates(*, point: Point, category: Category, limit: int | None = None) -> QuerySet[Report]:
    """Open reports of this category within its duplicate radius, nearest first, with `distance` (m).

    ST_DWithin on geography uses the spatial index; a distance_lte filter (annotate, then compare)
    would measure every row of the category instead.
    """
    radius = category.duplicate_radius_m or settings.REPORTS_DUPLICATES_RADIUS_M
    return (
        Report.objects.filter(
            category=category,
            status__in=OPEN_STATUSES,
            point__dwithin=(point, D(m=radius)),
        )
        .annotate(distance=Distance("point", point))
        .select_related("category", "department")
        .only(*PUBLIC_REPORT_FIELDS)
        .order_by("distance", "id")[: limit or settings.REPORTS_DUPLICATES_LIMIT]
    )


def public_reports(
    *,
    bbox: tuple[float, float, float, float] | None = None,
    category_slug: str | None = None,
    statuses: list[str] | None = None,
) -> QuerySet[Report]:
    """Reports anyone may see: located, in a category shown on the public map."""
    qs = Report.objects.filter(category__is_public=True, point__isnull=False).select_related(
        "category", "category__parent", "department"
    )
    if bbox is not None:
        qs = qs.filter(point__intersects=Polygon.from_bbox(bbox))
    if category_slug:
        qs = qs.filter(Q(category__slug=category_slug) | Q(category__parent__slug=category_slug))
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("-created_at", "-id")


def report_by_token(*, token: str) -> Report | None:
    return (
        Report.objects.select_related("category", "department")
        .prefetch_related("photos")
        .filter(tracking_token=token)
        .first()
    )


def report_public_history(report: Report):
    return report.events.filter(public=True).select_related("department").order_by("created_at", "id")


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(active=True).select_related("parent").order_by("position", "name_nl")
