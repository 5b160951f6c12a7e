"""Reads of recurring hotspots: detection over a period (one set-based query), the stored hotspots, before/after.

`hotspots_detect` is the whole detection in one SQL statement: the reports of the period, clustered by density per
category on Lambert 72 coordinates (metres), then each cluster's figures, kept when they recur over enough months,
ranked. No report passes through Python; only the hotspots found do (tens, not thousands).

For the yearly report: `hotspots_top(start=, end=, limit=)` returns the ranked hotspots with what a small map needs
(see maps/templates/maps/insight/_hotspot_card.html).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from geo_meldpunt.reports.models import Category, Kind, Report, Status
from geo_meldpunt.zones.models import Department

from . import text
from .matching import Candidate, match
from .models import Action, Detection, Hotspot, Observation, Snapshot, Trend
from .periods import months_back, trend_split

# Not counted: a merged report is a duplicate of one already counted, a report found not admissible is spam or
# outside the city's remit; a compliment is praise, not a problem that comes back.
EXCLUDED_STATUSES = (Status.SAMENGEVOEGD, Status.NIET_ONTVANKELIJK)
EXCLUDED_KINDS = (Kind.COMPLIMENT,)

# The reports of [start, end), clustered per category, each cluster's figures; the clusters that recur, ranked.
# Reporters: the reporter's e-mail address, else the account that filed it; a report with neither counts as a
# reporter of its own (nobody can tell two anonymous callers apart). Months are calendar months in the city's time
# zone. The radius is the smallest circle around the cluster's reports (ST_MinimumBoundingRadius, metres).
DETECT_SQL = """
WITH period_reports AS (
    SELECT r.id, r.category_id, r.department_id, r.created_at, r.impact,
           COALESCE(NULLIF(lower(r.reporter_email), ''), 'account:' || r.created_by_id::text, 'report:' || r.id::text)
               AS reporter,
           date_trunc('month', r.created_at AT TIME ZONE %(tz)s) AS month,
           ST_Transform(r.point::geometry, 31370) AS xy
    FROM reports_report r
    WHERE r.created_at >= %(start)s AND r.created_at < %(end)s
      AND r.point IS NOT NULL
      AND r.status <> ALL(%(excluded_statuses)s)
      AND r.kind <> ALL(%(excluded_kinds)s)
      AND (%(category_id)s::bigint IS NULL OR r.category_id = %(category_id)s::bigint)
),
clustered AS (
    SELECT p.*,
           ST_ClusterDBSCAN(p.xy, eps => %(eps)s, minpoints => %(min_points)s)
               OVER (PARTITION BY p.category_id) AS cluster
    FROM period_reports p
),
clusters AS (
    SELECT category_id, cluster,
           count(*) AS reports,
           count(DISTINCT reporter) AS reporters,
           count(DISTINCT month) AS months,
           avg(impact)::float AS mean_impact,
           count(*) FILTER (WHERE created_at >= %(recent_start)s) AS recent,
           count(*) FILTER (WHERE created_at < %(recent_start)s) AS earlier,
           mode() WITHIN GROUP (ORDER BY department_id) AS department_id,
           ST_MinimumBoundingRadius(ST_Collect(xy)) AS circle,
           array_agg(id ORDER BY created_at DESC, id DESC) AS report_ids,
           array_agg(ST_X(xy) ORDER BY created_at DESC, id DESC) AS xs,
           array_agg(ST_Y(xy) ORDER BY created_at DESC, id DESC) AS ys,
           min(created_at) AS first_at,
           min(month) AS first_month,
           max(created_at) AS last_at
    FROM clustered
    WHERE cluster IS NOT NULL
    GROUP BY category_id, cluster
    HAVING count(*) >= %(min_reports)s AND count(DISTINCT month) >= %(min_months)s
),
judged AS (
    -- The earlier part starts with the hotspot's first month (not with the period): a place that began
    -- in June and has had two reports a month since is stable, not rising against an empty winter.
    SELECT c.*, GREATEST(0, %(recent_start_day)s::date - GREATEST(%(start_day)s::date, c.first_month::date))
               AS earlier_days
    FROM clusters c
),
trended AS (
    SELECT j.*,
           CASE
               WHEN %(period_earlier_days)s <= 0 THEN 'stable'
               WHEN j.earlier_days = 0 OR j.earlier = 0 THEN CASE WHEN j.recent > 0 THEN 'rising' ELSE 'stable' END
               WHEN j.recent::float / %(recent_days)s >= %(ratio)s * j.earlier / j.earlier_days THEN 'rising'
               WHEN %(ratio)s * j.recent / %(recent_days)s <= j.earlier::float / j.earlier_days THEN 'falling'
               ELSE 'stable'
           END AS trend
    FROM judged j
)
SELECT j.category_id, j.department_id, j.reports, j.reporters, j.months, j.mean_impact, j.trend,
       ST_X((j.circle).center) AS centre_x, ST_Y((j.circle).center) AS centre_y, (j.circle).radius AS radius,
       ST_X(ST_Transform((j.circle).center, 4326)) AS lon, ST_Y(ST_Transform((j.circle).center, 4326)) AS lat,
       j.report_ids, j.xs, j.ys, j.first_at, j.last_at
FROM trended j
ORDER BY j.reports DESC, j.reporters DESC, j.months DESC, j.mean_impact DESC NULLS LAST,
         CASE j.trend WHEN 'rising' THEN 0 WHEN 'stable' THEN 1 ELSE 2 END, j.category_id, j.report_ids[1]
LIMIT %(limit)s
"""


@dataclass
class HotspotFigures:
    """One hotspot as detected over a period: its figures, where it is, and the reports behind it (ids only).

    `points` are the reports' places in metres east and north of the centre (Lambert 72), newest first: what a small
    map needs, with no personal data. `hotspot_id` is the stored hotspot it is (the weekly snapshots' identity),
    when known.
    """

    category: Category
    department: Department | None
    reports: int
    reporters: int
    months: int
    mean_impact: float | None
    trend: str
    lon: float
    lat: float
    centre_xy: tuple[float, float]
    radius_m: int
    report_ids: list[int]
    points: list[tuple[float, float]]
    first_at: dt.datetime
    last_at: dt.datetime
    rank: int = 0
    hotspot_id: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def why(self) -> str:
        return text.why(
            reports=self.reports,
            category=self.category.localized_name(),
            months=self.months,
            radius_m=self.radius_m,
            trend=self.trend,
        )

    @property
    def trend_label(self) -> str:
        return str(Trend(self.trend).label)


def _categories_departments(
    pairs: Iterable[tuple[int, int | None]],
) -> tuple[dict[int, Category], dict[int, Department]]:
    """The categories and departments (by id) that hotspots name, as (category id, department id or None) pairs:
    two queries for any number of hotspots."""
    pairs = list(pairs)
    categories = Category.objects.in_bulk({c for c, _d in pairs})
    departments = Department.objects.in_bulk({d for _c, d in pairs if d is not None})
    return categories, departments


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _radius(metres: float) -> int:
    """Rounded up to 5 m and at least 5 m: a figure to read, not a survey."""
    return max(5, math.ceil(round(metres, 3) / 5) * 5)


def hotspots_detect(
    *, start: dt.date, end: dt.date, category: Category | None = None, limit: int | None = None
) -> list[HotspotFigures]:
    """The recurring hotspots among the reports created in [start, end) (local dates), ranked: reports, distinct
    reporters, months active, mean felt impact, then trend (rising first)."""
    recent_start, recent_days, earlier_days = trend_split(start, end, settings.HOTSPOTS_TREND_MONTHS)
    params: dict[str, Any] = {
        "tz": settings.TIME_ZONE,
        "start": _aware(start),
        "end": _aware(end),
        "recent_start": _aware(recent_start),
        "recent_start_day": recent_start,
        "start_day": start,
        "recent_days": max(recent_days, 1),
        "period_earlier_days": earlier_days,
        "ratio": settings.HOTSPOTS_TREND_RATIO,
        "excluded_statuses": [str(s) for s in EXCLUDED_STATUSES],
        "excluded_kinds": [str(k) for k in EXCLUDED_KINDS],
        "category_id": category.pk if category is not None else None,
        "eps": float(settings.HOTSPOTS_EPS_M),
        "min_points": settings.HOTSPOTS_MIN_POINTS,
        "min_reports": settings.HOTSPOTS_MIN_REPORTS,
        "min_months": settings.HOTSPOTS_MIN_MONTHS,
        "limit": limit,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        # PostGIS prices the window function so high that the planner JIT-compiles the query: some 25 ms of
        # compiling for a query that runs in 5 ms on a city's month, and little gain on a year of a million.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(DETECT_SQL, params)
        rows = cursor.fetchall()
    categories, departments = _categories_departments((row[0], row[1]) for row in rows)
    found = []
    for rank, row in enumerate(rows, start=1):
        (category_id, department_id, reports, reporters, months, mean_impact, trend, cx, cy, radius, lon, lat) = row[
            :12
        ]
        report_ids, xs, ys, first_at, last_at = row[12:]
        found.append(
            HotspotFigures(
                category=categories[category_id],
                department=departments.get(department_id),
                reports=reports,
                reporters=reporters,
                months=months,
                mean_impact=mean_impact,
                trend=trend,
                lon=lon,
                lat=lat,
                centre_xy=(cx, cy),
                radius_m=_radius(radius),
                report_ids=list(report_ids),
                points=[(x - cx, y - cy) for x, y in zip(xs, ys, strict=True)],
                first_at=first_at,
                last_at=last_at,
                rank=rank,
            )
        )
    return found


def hotspots_identified(found: list[HotspotFigures]) -> list[HotspotFigures]:
    """Sets `hotspot_id` on each detected hotspot that is a stored one (the weekly snapshots' matching rule)."""
    from_store = known_hotspots(category_ids={f.category.pk for f in found})
    for index, hotspot_id in matching_pairs(found, from_store).items():
        found[index].hotspot_id = hotspot_id
    return found


def hotspots_top(*, start: dt.date, end: dt.date, limit: int) -> list[HotspotFigures]:
    """The `limit` highest-ranked hotspots of [start, end), each with its why, figures and small map's points.

    For the yearly report: render each with `{% include "maps/insight/_hotspot_card.html" with hotspot=h %}`.
    """
    return hotspots_identified(hotspots_detect(start=start, end=end, limit=limit))


@dataclass(frozen=True)
class KnownHotspot:
    id: int
    category_id: int
    report_ids: frozenset[int]
    centre_xy: tuple[float, float]


def known_hotspots(*, category_ids: set[int] | None = None) -> list[KnownHotspot]:
    """Stored hotspots with the reports and centre of their latest observation (centre in Lambert 72 metres)."""
    if category_ids is not None and not category_ids:
        return []
    sql = """
        SELECT DISTINCT ON (o.hotspot_id) o.hotspot_id, h.category_id, o.report_ids,
               ST_X(ST_Transform(h.centre::geometry, 31370)), ST_Y(ST_Transform(h.centre::geometry, 31370))
        FROM hotspots_observation o
        JOIN hotspots_hotspot h ON h.id = o.hotspot_id
        JOIN hotspots_snapshot s ON s.id = o.snapshot_id
        WHERE (%(categories)s::bigint[] IS NULL OR h.category_id = ANY(%(categories)s::bigint[]))
        ORDER BY o.hotspot_id, s.week DESC
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"categories": sorted(category_ids) if category_ids is not None else None})
        return [KnownHotspot(row[0], row[1], frozenset(row[2]), (row[3], row[4])) for row in cursor.fetchall()]


def matching_pairs(found: list[HotspotFigures], known: list[KnownHotspot]) -> dict[int, int]:
    """Index in `found` -> id of the stored hotspot it is (see matching.match)."""
    return match(
        [Candidate(f.category.pk, frozenset(f.report_ids), f.centre_xy) for f in found],
        [Candidate(k.category_id, k.report_ids, k.centre_xy, key=k.id) for k in known],
        max_distance_m=settings.HOTSPOTS_MATCH_DISTANCE_M,
    )


# --- Stored hotspots -------------------------------------------------------------------------------------------


class Source:
    SNAPSHOT = "snapshot"  # the weekly snapshot (the list without filters)
    DETECTION = "detection"  # a detection kept for another period or category (models.Detection)


class State:
    READY = "ready"  # the result shown is current
    PREPARING = "preparing"  # nothing to show yet: the worker is computing it
    UPDATING = "updating"  # an older result is shown while the worker computes a fresh one
    LATE = "late"  # the latest weekly snapshot is older than HOTSPOTS_SNAPSHOT_MAX_AGE_DAYS; a new one is asked for


@dataclass
class StoredHotspots:
    """What a page shows of the hotspots of a period: read from a stored result, never detected in the request.

    `start`/`end` ([start, end), local dates) is the period the stored result covers (for the snapshot: the 12
    months up to the day it was taken), `computed_at` when it was computed (None while none exists).
    """

    source: str
    state: str
    start: dt.date
    end: dt.date
    computed_at: dt.datetime | None
    hotspots: list[HotspotFigures]

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)


# The newest `points` report ids of each observation (the detection stores them newest first) and the oldest one.
SNAPSHOT_HOTSPOTS_SQL = """
SELECT o.hotspot_id, h.category_id, h.department_id, o.rank, o.reports, o.reporters, o.months, o.mean_impact,
       o.trend, ST_X(o.centre::geometry), ST_Y(o.centre::geometry),
       ST_X(ST_Transform(o.centre::geometry, 31370)), ST_Y(ST_Transform(o.centre::geometry, 31370)),
       o.radius_m, o.report_ids[1:%(points)s], o.report_ids[cardinality(o.report_ids)]
FROM (
    -- The top `limit` first, then the arrays sliced: only those observations' report ids are read.
    SELECT * FROM hotspots_observation WHERE snapshot_id = %(snapshot)s ORDER BY rank LIMIT %(limit)s
) o
JOIN hotspots_hotspot h ON h.id = o.hotspot_id
ORDER BY o.rank
"""

# The reports behind the hotspots shown: their dates and their places in metres (Lambert 72), for the small maps.
REPORT_PLACES_SQL = """
SELECT r.id, r.created_at, ST_X(ST_Transform(r.point::geometry, 31370)), ST_Y(ST_Transform(r.point::geometry, 31370))
FROM reports_report r
WHERE r.id = ANY(%(ids)s) AND r.point IS NOT NULL
"""


def snapshot_latest() -> Snapshot | None:
    return Snapshot.objects.order_by("-week").first()


def snapshot_hotspots(snapshot: Snapshot, *, limit: int) -> list[HotspotFigures]:
    """The `limit` highest-ranked hotspots of a stored snapshot, with their stored figures and hotspot ids, and
    what their small maps need: the places and dates of each one's newest HOTSPOTS_MAP_POINTS reports and the date
    of its oldest (`report_ids` holds those newest only). Four queries, whatever the size."""
    with connection.cursor() as cursor:
        cursor.execute(
            SNAPSHOT_HOTSPOTS_SQL, {"snapshot": snapshot.pk, "limit": limit, "points": settings.HOTSPOTS_MAP_POINTS}
        )
        rows = cursor.fetchall()
        ids = sorted({i for row in rows for i in [*row[14], row[15]]})
        cursor.execute(REPORT_PLACES_SQL, {"ids": ids})
        places = {row[0]: row[1:] for row in cursor.fetchall()}
    categories, departments = _categories_departments((row[1], row[2]) for row in rows)
    found = []
    for row in rows:
        hotspot_id, category_id, department_id, rank, reports, reporters, months, mean_impact, trend = row[:9]
        lon, lat, cx, cy, radius_m, report_ids, oldest = row[9:]
        behind = sorted(
            ((places[i][0], i) for i in report_ids if i in places), reverse=True
        )  # newest first, as the detection orders them
        first_at = places[oldest][0] if oldest in places else behind[-1][0] if behind else snapshot.taken_at
        found.append(
            HotspotFigures(
                category=categories[category_id],
                department=departments.get(department_id),
                reports=reports,
                reporters=reporters,
                months=months,
                mean_impact=mean_impact,
                trend=trend,
                lon=lon,
                lat=lat,
                centre_xy=(cx, cy),
                radius_m=radius_m,
                report_ids=list(report_ids),
                points=[(places[i][1] - cx, places[i][2] - cy) for _at, i in behind],
                first_at=first_at,
                last_at=behind[0][0] if behind else snapshot.taken_at,
                rank=rank,
                hotspot_id=hotspot_id,
            )
        )
    return found


def stored_figures(found: list[HotspotFigures]) -> list[dict[str, Any]]:
    """Detected hotspots as plain data (JSON) for models.Detection.hotspots, with the stored hotspot each one is
    (identified when computed) and its newest HOTSPOTS_MAP_POINTS reports; figures_from_stored reads them back."""
    hotspots_identified(found)
    points = settings.HOTSPOTS_MAP_POINTS
    return [
        {
            "category": f.category.pk,
            "department": f.department.pk if f.department else None,
            "reports": f.reports,
            "reporters": f.reporters,
            "months": f.months,
            "mean_impact": f.mean_impact,
            "trend": f.trend,
            "lon": f.lon,
            "lat": f.lat,
            "centre_xy": list(f.centre_xy),
            "radius_m": f.radius_m,
            "hotspot": f.hotspot_id,
            "report_ids": f.report_ids[:points],
            "points": [[round(x, 2), round(y, 2)] for x, y in f.points[:points]],
            "first_at": f.first_at.isoformat(),
            "last_at": f.last_at.isoformat(),
            "rank": f.rank,
        }
        for f in found
    ]


def figures_from_stored(stored: list[dict[str, Any]], *, limit: int | None = None) -> list[HotspotFigures]:
    """The hotspots of a stored detection (`report_ids` and `points`: the newest HOTSPOTS_MAP_POINTS). A category
    or department deleted since is left out or shown without department."""
    stored = stored[:limit] if limit is not None else stored
    categories, departments = _categories_departments((h["category"], h["department"]) for h in stored)
    found = [
        HotspotFigures(
            category=categories[h["category"]],
            department=departments.get(h["department"]),
            reports=h["reports"],
            reporters=h["reporters"],
            months=h["months"],
            mean_impact=h["mean_impact"],
            trend=h["trend"],
            lon=h["lon"],
            lat=h["lat"],
            centre_xy=(h["centre_xy"][0], h["centre_xy"][1]),
            radius_m=h["radius_m"],
            report_ids=h["report_ids"],
            points=[(x, y) for x, y in h["points"]],
            first_at=dt.datetime.fromisoformat(h["first_at"]),
            last_at=dt.datetime.fromisoformat(h["last_at"]),
            rank=h["rank"],
            hotspot_id=h.get("hotspot"),
        )
        for h in stored
        if h["category"] in categories
    ]
    return found


def detection_stored(detection: Detection, *, state: str, limit: int | None = None) -> StoredHotspots:
    return StoredHotspots(
        source=Source.DETECTION,
        state=state,
        start=detection.period_start,
        end=detection.period_end,
        computed_at=detection.computed_at,
        hotspots=figures_from_stored(detection.hotspots, limit=limit) if detection.computed_at else [],
    )


def hotspot_latest_observation(hotspot: Hotspot) -> Observation | None:
    return hotspot.observations.select_related("snapshot").order_by("-snapshot__week").first()


def hotspot_history(hotspot: Hotspot) -> list[Observation]:
    """Every weekly observation of the hotspot, oldest first: how it grew or shrank from week to week."""
    return list(hotspot.observations.select_related("snapshot").order_by("snapshot__week"))


def reports_behind(report_ids: list[int], *, limit: int) -> list[Report]:
    """The newest `limit` of these reports with what an insight page may show: reference, date, status (no
    personal data is loaded)."""
    return list(
        Report.objects.filter(pk__in=report_ids)
        .only("reference", "created_at", "status")
        .order_by("-created_at")[:limit]
    )


@dataclass(frozen=True)
class MonthCount:
    month: dt.date
    reports: int
    side: str  # "before", "action" (the month the action was taken in), "after"


@dataclass(frozen=True)
class BeforeAfter:
    """Reports of the hotspot's category in its area per month around an action, and the rates on each side."""

    action: Action
    months: list[MonthCount]
    before: int
    after: int
    before_days: int
    after_days: int
    verdict: str  # "shrunk", "grown", "unchanged", "too_early"

    @property
    def before_per_month(self) -> float:
        return self.before * 30 / self.before_days if self.before_days else 0.0

    @property
    def after_per_month(self) -> float:
        return self.after * 30 / self.after_days if self.after_days else 0.0


BEFORE_AFTER_SQL = """
SELECT date_trunc('month', r.created_at AT TIME ZONE %(tz)s)::date AS month,
       count(*) FILTER (WHERE r.created_at < %(action)s) AS before,
       count(*) FILTER (WHERE r.created_at >= %(action)s) AS after
FROM reports_report r
WHERE r.category_id = %(category_id)s
  AND ST_DWithin(r.point, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography, %(distance)s)
  AND r.created_at >= %(start)s AND r.created_at < %(end)s
  AND r.status <> ALL(%(excluded_statuses)s)
  AND r.kind <> ALL(%(excluded_kinds)s)
GROUP BY 1
"""

# An action taken less than this long ago has no "after" to speak of yet.
TOO_EARLY_DAYS = 28


def action_before_after(*, action: Action, today: dt.date) -> BeforeAfter:
    """Reports per month in the hotspot's area (its circle widened by HOTSPOTS_EPS_M: a report that close would
    have joined the cluster), HOTSPOTS_COMPARE_MONTHS before the action's date and as many after it (up to today).
    One query on the reports' spatial index."""
    hotspot = action.hotspot
    compare = settings.HOTSPOTS_COMPARE_MONTHS
    start = months_back(action.date, compare)
    end = min(months_back(action.date, -compare), today + dt.timedelta(days=1))
    end = max(end, action.date)
    with connection.cursor() as cursor:
        cursor.execute(
            BEFORE_AFTER_SQL,
            {
                "tz": settings.TIME_ZONE,
                "action": _aware(action.date),
                "category_id": hotspot.category_id,
                "lon": hotspot.centre.x,
                "lat": hotspot.centre.y,
                "distance": float(hotspot.radius_m + settings.HOTSPOTS_EPS_M),
                "start": _aware(start),
                "end": _aware(end),
                "excluded_statuses": [str(s) for s in EXCLUDED_STATUSES],
                "excluded_kinds": [str(k) for k in EXCLUDED_KINDS],
            },
        )
        counted = {month: (before, after) for month, before, after in cursor.fetchall()}
    action_month = action.date.replace(day=1)
    months = []
    month = start.replace(day=1)
    while month < end:
        before, after = counted.get(month, (0, 0))
        side = "before" if month < action_month else "after" if month > action_month else "action"
        months.append(MonthCount(month, before + after, side))
        month = months_back(month, -1)
    before = sum(b for b, _a in counted.values())
    after = sum(a for _b, a in counted.values())
    before_days = (action.date - start).days
    after_days = (end - action.date).days
    result = BeforeAfter(action, months, before, after, before_days, after_days, "")
    if after_days < TOO_EARLY_DAYS:
        verdict = "too_early"
    elif result.after_per_month < result.before_per_month:
        verdict = "shrunk"
    elif result.after_per_month > result.before_per_month:
        verdict = "grown"
    else:
        verdict = "unchanged"
    return BeforeAfter(action, months, before, after, before_days, after_days, verdict)


def observation_why(observation: Observation, *, category: Category) -> str:
    return text.why(
        reports=observation.reports,
        category=category.localized_name(),
        months=observation.months,
        radius_m=observation.radius_m,
        trend=observation.trend,
    )


def report_places(report_ids: list[int]) -> list[Report]:
    """The places of these reports (with reference, date and status for a marker's label), newest first."""
    return list(
        Report.objects.filter(pk__in=report_ids, point__isnull=False)
        .only("reference", "created_at", "status", "point")
        .order_by("-created_at")
    )
