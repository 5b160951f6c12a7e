"""Reads of reports. Spatial filters use the GiST index on the geography column."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import Distance, SnapToGrid
from django.contrib.gis.geos import Point, Polygon
from django.contrib.gis.measure import D
from django.db.models import Avg, BooleanField, Case, Count, FloatField, Func, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from geo_meldpunt.core.geo import WGS84
from geo_meldpunt.core.lookups import lookup_value_ok
from geo_meldpunt.zones.models import Department

from . import sla
from .models import (
    ACKNOWLEDGE_CLOCK_STATUSES,
    ANSWER_CLOCK_STATUSES,
    OPEN_STATUSES,
    SOLVED_STATUSES,
    AnswerTemplate,
    Category,
    Report,
    ReportPhoto,
)

# What public outputs read of a report and its relations; fetching every column costs ~16% on dense spots.
PUBLIC_REPORT_FIELDS = (
    "reference", "kind", "status", "address", "created_at", "point", "category__slug", "department__slug",
    *(f"{relation}__name_{lang}" for relation in ("category", "department") for lang in ("nl", "fr", "en", "de")),
)  # fmt: skip


def duplicate_candidates(*, point: Point, category: Category, limit: int | None = None) -> QuerySet[Report]:
    """Open reports of this category within its duplicate radius, nearest first, with `distance` (m).

    ST_DWithin on geography uses the spatial index; comparing an annotated distance instead would
    measure every row of the category.
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
    """Reports anyone may see: located, in a public category, open or solved recently.

    Merged and inadmissible reports never show; a solved report shows for MAPS_RECENTLY_SOLVED_DAYS after its
    last change, so the map tells what is going on now rather than years of closed cases.
    """
    solved_since = timezone.now() - dt.timedelta(days=settings.MAPS_RECENTLY_SOLVED_DAYS)
    qs = (
        Report.objects.filter(category__is_public=True, point__isnull=False)
        .filter(Q(status__in=OPEN_STATUSES) | Q(status__in=SOLVED_STATUSES, updated_at__gte=solved_since))
        .select_related("category", "category__parent", "department")
        # One query for every page: only photos of categories whose photos may be shown publicly.
        .prefetch_related(Prefetch("photos", queryset=ReportPhoto.objects.filter(report__category__photos_public=True)))
    )
    if bbox is not None:
        qs = qs.filter(point__intersects=Polygon.from_bbox(bbox))
    if category_slug:
        qs = qs.filter(Q(category__slug=category_slug) | Q(category__parent__slug=category_slug))
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.order_by("-created_at", "-id")


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
    """A report anyone may follow by its reference: in a public category. None when there is none."""
    if not lookup_value_ok(reference):
        return None
    return Report.objects.filter(reference=reference, category__is_public=True).first()


def report_public_history(report: Report):
    return report.events.filter(public=True).select_related("department").order_by("created_at", "id")


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(active=True).select_related("parent").order_by("position", "name_nl")


# --- Deadlines: what is overdue or nearly so (the back office's flags, the daily digest) ----------------------
# "Overdue on `on`": a due date is the last day allowed, so a report is late from the day after it. Only reports
# whose clock runs count (models.ACKNOWLEDGE_CLOCK_STATUSES, ANSWER_CLOCK_STATUSES): not while waiting for the
# reporter, not once forwarded, answered or closed. `on` is passed in, so "today" is the caller's to choose.


def _late(on: dt.date) -> Q:
    return Q(status__in=ACKNOWLEDGE_CLOCK_STATUSES, acknowledge_due__lt=on) | Q(
        status__in=ANSWER_CLOCK_STATUSES, answer_due__lt=on
    )


def _due_between(start: dt.date, end: dt.date) -> Q:
    return Q(status__in=ACKNOWLEDGE_CLOCK_STATUSES, acknowledge_due__range=(start, end)) | Q(
        status__in=ANSWER_CLOCK_STATUSES, answer_due__range=(start, end)
    )


def due_soon_horizon(on: dt.date, within_days: int) -> dt.date:
    """The last day "due soon" covers: `within_days` working days ahead, so Friday's list shows Monday's."""
    return sla.add_working_days(on, within_days)


def reports_with_deadline_flags(
    queryset: QuerySet[Report] | None = None, *, on: dt.date, within_days: int = 2
) -> QuerySet[Report]:
    """`queryset` (all reports by default) with booleans `is_overdue` and `is_due_soon` (a deadline falls
    within `within_days` working days from `on`, `on` included). Both can be true (acknowledgement late, answer
    due soon)."""
    qs = Report.objects.all() if queryset is None else queryset
    horizon = due_soon_horizon(on, within_days)
    return qs.annotate(
        is_overdue=Case(When(_late(on), then=Value(True)), default=Value(False), output_field=BooleanField()),
        is_due_soon=Case(
            When(_due_between(on, horizon), then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    )


def reports_overdue(*, on: dt.date, department: Department | None = None) -> QuerySet[Report]:
    """Reports past their acknowledgement or answer deadline on `on`, oldest first."""
    qs = Report.objects.filter(_late(on))
    if department is not None:
        qs = qs.filter(department=department)
    return qs.select_related("category", "department").order_by("created_at", "id")


def reports_due_soon(*, on: dt.date, within_days: int = 2, department: Department | None = None) -> QuerySet[Report]:
    """Reports not overdue yet whose deadline falls within `within_days` working days from `on` (`on` included)."""
    qs = Report.objects.filter(_due_between(on, due_soon_horizon(on, within_days))).exclude(_late(on))
    if department is not None:
        qs = qs.filter(department=department)
    return qs.select_related("category", "department").order_by("created_at", "id")


@dataclass(frozen=True)
class OverdueReport:
    report: Report
    missed: tuple[str, ...]  # sla.ACKNOWLEDGE and/or sla.ANSWER
    due: dt.date  # the earliest missed deadline
    days_late: int  # calendar days from that deadline to `on`


@dataclass
class DepartmentDigest:
    department: Department
    overdue: list[OverdueReport] = field(default_factory=list)
    due_soon: list[Report] = field(default_factory=list)


@dataclass
class OverdueDigest:
    on: dt.date
    coordinator: Department
    # Only departments with something overdue or due soon, by name.
    departments: list[DepartmentDigest]
    # For the coordinator: deadlines missed since the last digest (due in [since, on - 1 day]), every department.
    breaches: list[OverdueReport]
    overdue_total: int


def overdue_report(report: Report, *, on: dt.date) -> OverdueReport | None:
    """Which of `report`'s deadlines are missed on `on` (pure: no query)."""
    missed = sla.missed_deadlines(
        on=on,
        acknowledge_due=report.acknowledge_due,
        answer_due=report.answer_due,
        awaiting_acknowledgement=report.status in ACKNOWLEDGE_CLOCK_STATUSES,
        answer_clock_running=report.status in ANSWER_CLOCK_STATUSES,
    )
    if not missed:
        return None
    dues = [
        due
        for deadline, due in ((sla.ACKNOWLEDGE, report.acknowledge_due), (sla.ANSWER, report.answer_due))
        if deadline in missed and due is not None
    ]
    due = min(dues)
    return OverdueReport(report=report, missed=missed, due=due, days_late=(on - due).days)


def overdue_digest_data(*, on: dt.date, since: dt.date | None = None, within_days: int = 2) -> OverdueDigest:
    """What the daily digests say on `on`: per department its overdue and nearly due reports; for the
    coordinator the breaches (deadlines missed since `since`, by default the day before `on`; pass the date of
    the last digest sent when days were skipped). Three queries, whatever the number of reports.

    Reports that sit with an external body (routed there, not yet forwarded) are the coordinator's to act on,
    so they appear under the coordinator's department: external bodies get no digest.
    """
    from geo_meldpunt.zones.routing import coordinator as coordinator_department

    since = since or on - dt.timedelta(days=1)
    coordinator = coordinator_department()
    digests: dict[int, DepartmentDigest] = {}

    def digest_for(report: Report) -> DepartmentDigest:
        department = coordinator if report.department.is_external else report.department
        return digests.setdefault(department.pk, DepartmentDigest(department=department))

    overdue = []
    for report in reports_overdue(on=on):
        item = overdue_report(report, on=on)
        if item is not None:
            overdue.append(item)
            digest_for(report).overdue.append(item)
    for report in reports_due_soon(on=on, within_days=within_days):
        digest_for(report).due_soon.append(report)
    breaches = [
        item
        for item in overdue
        if any(
            since <= due < on
            for due in (
                item.report.acknowledge_due if sla.ACKNOWLEDGE in item.missed else None,
                item.report.answer_due if sla.ANSWER in item.missed else None,
            )
            if due is not None
        )
    ]
    return OverdueDigest(
        on=on,
        coordinator=coordinator,
        departments=sorted(digests.values(), key=lambda d: d.department.name_nl),
        breaches=breaches,
        overdue_total=len(overdue),
    )


def answer_templates(*, department: Department | None, language: str | None = None) -> QuerySet[AnswerTemplate]:
    """Active answer templates for a department (its own and those for every department), in one language."""
    qs = AnswerTemplate.objects.filter(active=True).filter(Q(department__isnull=True) | Q(department=department))
    if language:
        qs = qs.filter(language=language)
    return qs.order_by("position", "title")


# --- The public map at low zoom: reports counted per grid cell -----------------------------------------------------


@dataclass(frozen=True)
class ReportCluster:
    """The public reports of one grid cell: how many, their mean position, the cell (minlon, minlat, maxlon, maxlat)."""

    lon: float
    lat: float
    count: int
    cell: tuple[float, float, float, float]


def cluster_cell_size(zoom: int) -> tuple[float, float]:
    """(width, height) in degrees of a grid cell REPORTS_CLUSTERS_CELL_PX pixels wide at a web-map zoom level.

    A 256-pixel tile spans 360 / 2**zoom degrees of longitude. Web Mercator draws a degree of latitude 1/cos(lat)
    taller than a degree of longitude, so at the city's latitude a square cell is cos(lat) times as high in degrees.
    The grid depends on the zoom only, not on the box asked for: cells stay put while the map pans.
    """
    width = 360 / 2**zoom / 256 * settings.REPORTS_CLUSTERS_CELL_PX
    return width, width * math.cos(math.radians(settings.MAPS_CENTER[0]))


class _X(Func):
    function = "ST_X"
    output_field = FloatField()


class _Y(Func):
    function = "ST_Y"
    output_field = FloatField()


class _Geometry(Func):
    """geography -> geometry by PostGIS's cast function: a plain call, cheaper per row than Django's Cast, which
    adds a type-modifier check (about a third of the time of a city-wide aggregation)."""

    function = "geometry"
    output_field = GeometryField(srid=WGS84)


def public_report_clusters(
    *,
    bbox: tuple[float, float, float, float],
    zoom: int,
    category_slug: str | None = None,
    statuses: list[str] | None = None,
) -> list[ReportCluster]:
    """Public reports inside `bbox` (public_reports' visibility and filters) counted per grid cell of `zoom`, each
    cell with the mean position of its reports. One SQL statement, whatever the number of reports: PostGIS snaps
    each point to the grid (ST_SnapToGrid) and groups; Python receives only the cells.

    Inside `bbox` means inside the longitude/latitude rectangle, edges included: what a map shows. The geography
    && finds candidates on the GiST index, but compares boxes in 3-D around the globe (and in single precision),
    which lets through points well outside a small rectangle; comparing each candidate's longitude and latitude
    with the rectangle then keeps exactly those inside. Grouping on the cell's x and y (floats) rather than on the
    snapped geometry sorts about a third faster.
    """
    width, height = cluster_cell_size(zoom)
    minlon, minlat, maxlon, maxlat = bbox
    box = Polygon.from_bbox(bbox)
    box.srid = WGS84
    rows = (
        public_reports(category_slug=category_slug, statuses=statuses)
        .filter(point__bboverlaps=box)
        .annotate(geom=_Geometry("point"))
        .annotate(px=_X("geom"), py=_Y("geom"))
        .filter(px__gte=minlon, px__lte=maxlon, py__gte=minlat, py__lte=maxlat)
        .annotate(x=_X(SnapToGrid("geom", width, height)), y=_Y(SnapToGrid("geom", width, height)))
        .values("x", "y")
        .annotate(count=Count("id"), lon=Avg("px"), lat=Avg("py"))
        .order_by()
    )
    return [
        ReportCluster(
            lon=row["lon"],
            lat=row["lat"],
            count=row["count"],
            # ST_SnapToGrid rounds to the nearest grid point, so a cell reaches half a cell either side of it.
            cell=(row["x"] - width / 2, row["y"] - height / 2, row["x"] + width / 2, row["y"] + height / 2),
        )
        for row in rows
    ]
