"""Reads anyone may make: the public map's reports, a report by its tracking token or reference, categories.

Public outputs never carry personal data; PUBLIC_REPORT_FIELDS is what they read of a report and its relations.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import F, FloatField, Func, OuterRef, Q, QuerySet
from django.db.models.lookups import Exact
from django.utils import timezone

from geo_meldpunt.core.lookups import lookup_value_ok
from geo_meldpunt.zones.models import Department

from ..choices import PUBLIC_KINDS
from ..models import (
    MAP_STATUSES,
    OPEN_STATUSES,
    SOLVED_STATUSES,
    AnswerTemplate,
    Category,
    Follower,
    Report,
    ReportPhoto,
)

# The one rule of what anyone may see of a report: a kind meant to be public (choices.PUBLIC_KINDS: never a klacht or
# a compliment) in a category shown on the public map. Every public read filters on it; the stats cells and the open
# data export (SQL) spell it as c.is_public AND stats_kind_public(r.kind).
PUBLIC_VISIBLE = Q(category__is_public=True, kind__in=PUBLIC_KINDS)

# What public outputs read of a report and its relations; fetching every column costs ~16% on dense spots.
PUBLIC_REPORT_FIELDS = (
    "reference", "kind", "status", "address", "created_at", "point", "category__slug", "department__slug",
    *(f"{relation}__name_{lang}" for relation in ("category", "department") for lang in ("nl", "fr", "en", "de")),
)  # fmt: skip


def public_reports(
    *,
    bbox: tuple[float, float, float, float] | None = None,
    category_slug: str | None = None,
    statuses: list[str] | None = None,
    after: tuple[dt.datetime, int] | None = None,
) -> QuerySet[Report]:
    """Reports anyone may see (PUBLIC_VISIBLE): located, open or solved recently; newest first.

    Merged and inadmissible reports never show; a solved report shows for MAPS_RECENTLY_SOLVED_DAYS after its
    last change, so the map tells what is going on now rather than years of closed cases.
    `after`: a (created_at, id) position in that order (keyset paging); only the reports after it. The
    partial index report_public_recent holds this order for the statuses that can show, so a page starts at
    its position in the index whatever its depth.
    """
    solved_since = timezone.now() - dt.timedelta(days=settings.MAPS_RECENTLY_SOLVED_DAYS)
    # status IN MAP_STATUSES is implied by the second filter, but PostgreSQL cannot prove that an OR of IN lists
    # implies the predicate of the partial index report_public_recent; said plainly, it can.
    qs = Report.objects.filter(PUBLIC_VISIBLE, point__isnull=False, status__in=MAP_STATUSES).filter(
        Q(status__in=OPEN_STATUSES) | Q(status__in=SOLVED_STATUSES, updated_at__gte=solved_since)
    )
    if bbox is not None:
        qs = qs.filter(point__intersects=Polygon.from_bbox(bbox))
    if category_slug:
        qs = qs.filter(Q(category__slug=category_slug) | Q(category__parent__slug=category_slug))
    if statuses:
        qs = qs.filter(status__in=statuses)
    if after is not None:
        created_at, pk = after
        # (created_at, id) < (c, pk), spelt so that the index condition is the range created_at <= c.
        qs = qs.filter(created_at__lte=created_at).exclude(created_at=created_at, id__gte=pk)
    return qs.order_by("-created_at", "-id")


class _Coordinate(Func):
    """ST_X or ST_Y of a geography point: the stored double, exactly."""

    template = "%(function)s(%(expressions)s::geometry)"
    output_field = FloatField()


def public_map_rows(reports: QuerySet[Report], *, language: str) -> QuerySet[Report, dict[str, Any]]:
    """What the public map shows of each report (a queryset of public_reports), as plain rows, in its order.

    One statement, no model instances: the point's lon and lat, the report's public columns, its category's slug and
    name (in `language` and in Dutch, the fallback), its department's names, and the names of its photos (stored
    file names, in upload order) when its category's photos may be shown publicly, an empty list otherwise. The
    photos are an array subquery per row of the page (the index on report_id), so a page of 500 is still one
    statement. Nothing personal is read: no reporter, description, tracking token or contact.
    """
    names = [f"name_{language}"] if language != "nl" else []
    photos = ArraySubquery(
        ReportPhoto.objects.filter(Exact(OuterRef("category__photos_public"), True), report_id=OuterRef("pk"))
        .order_by("id")
        .values("image")
    )
    # django-stubs types the rows by the named columns only, not the expressions: say what they are.
    return reports.values(  # type: ignore[return-value]
        "id", "reference", "kind", "status", "address", "created_at",
        lon=_Coordinate("point", function="ST_X"),
        lat=_Coordinate("point", function="ST_Y"),
        category_slug=F("category__slug"),
        category_name_nl=F("category__name_nl"),
        **{f"category_{name}": F(f"category__{name}") for name in names},
        department_name_nl=F("department__name_nl"),
        **{f"department_{name}": F(f"department__{name}") for name in names},
        photo_names=photos,
    )  # fmt: skip


def public_map_page(rows: QuerySet[Report, dict[str, Any]], *, limit: int) -> list[dict[str, Any]]:
    """The first `limit` of public_map_rows rows, read by one backend process and not JIT-compiled.

    The page is a walk down report_public_recent until `limit` rows in the box are found: a few hundred index
    entries, tens of milliseconds. Its cost estimate is that of a large scan, so by default PostgreSQL plans it
    with two parallel workers and JIT-compiles it: at 1,000,000 reports, on the densest zoom-17 view, 130 to 170 ms
    of compiling and the workers' start-up for a walk that takes 46 to 62 ms alone (EXPLAIN ANALYZE, loaded
    machine; docs/benchmarks.md). Both are switched off for this statement only (SET LOCAL, in a transaction).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true)"
        )
        return list(rows[:limit])


def report_by_token(*, token: str) -> Report | None:
    if not lookup_value_ok(token):
        return None
    return (
        Report.objects.select_related("category", "department")
        .prefetch_related("photos")
        .filter(tracking_token=token)
        .first()
    )


def public_report_by_reference(*, reference: str) -> Report | None:
    """A report anyone may follow by its reference: one anyone may see (PUBLIC_VISIBLE). None when there is none."""
    if not lookup_value_ok(reference):
        return None
    # With its category: following mails its name in the confirmation request.
    return Report.objects.filter(PUBLIC_VISIBLE, reference=reference).select_related("category").first()


def follower_by_token(*, token: str) -> Follower | None:
    """The follower whose confirmation link this is (with its report), or None."""
    if not lookup_value_ok(token):
        return None
    return Follower.objects.select_related("report").filter(token=token).first()


def report_public_history(report: Report):
    return report.events.filter(public=True).select_related("department").order_by("created_at", "id")


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(active=True).select_related("parent").order_by("position", "name_nl")


def answer_templates(*, department: Department | None, language: str | None = None) -> QuerySet[AnswerTemplate]:
    """Active answer templates for a department (its own and those for every department), in one language."""
    qs = AnswerTemplate.objects.filter(active=True).filter(Q(department__isnull=True) | Q(department=department))
    if language:
        qs = qs.filter(language=language)
    return qs.order_by("position", "title")
