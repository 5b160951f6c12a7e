"""Heatmaps for planners: reports counted per square cell of a metric grid, as GeoJSON cells or a vector tile.

The grid is Web Mercator's (EPSG:3857), the map's own projection: cells are squares on screen and nest in tiles.
Its sizes double from GRID_SIZES_M[0]; a zoom takes the size nearest STATS_HEAT_CELL_PX pixels
(`grid_size_for_zoom`), so cells keep about the same size on screen while the map zooms and stay put while it pans.
Sizes are in 3857 units, which at Oostende's latitude (51.2 N) are 0.63 ground metres.

Every cell is counted in full: the area asked for is widened to whole cells first, so a cell's count does not depend
on the view or on the tile it is drawn in.

Planners see every category, public or not (the planner role sees no report and no personal data: a cell carries
counts only). Where the counts come from is one function, `_cells_sql`: the statement every read here wraps.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Q

from geo_meldpunt.core.geo import WGS84
from geo_meldpunt.reports.choices import OPEN_STATUSES, SOLVED_STATUSES, Status
from geo_meldpunt.reports.models import Category

WEB_MERCATOR = 3857
# Half the circumference of the sphere Web Mercator projects on: the grid's and the tiles' world spans +-this.
HALF_WORLD = math.pi * 6378137.0
# Cell sides in 3857 units; each size twice the one before, so one zoom level up halves the cell.
GRID_SIZES_M: tuple[int, ...] = (50, 100, 200, 400, 800, 1600, 3200)

# What a planner filters on: open (still being handled), solved (answered or closed) and the rest (merged into
# another report, not admissible, passed on): a report in the last group asked nothing more of the city.
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "open": tuple(OPEN_STATUSES),
    "solved": tuple(SOLVED_STATUSES),
    "other": tuple(s for s in Status.values if s not in OPEN_STATUSES and s not in SOLVED_STATUSES),
}
WEIGHTS = ("count", "impact")
# MVT: the tile's coordinate space and the margin drawn around it (so strokes at tile edges do not show seams).
TILE_EXTENT = 4096
TILE_BUFFER = 64
TILE_LAYER = "cells"
# The cells with the highest values that a table lists, each named by its nearest street.
TOP_CELLS = 10


@dataclass(frozen=True)
class HeatFilters:
    """What to count. Empty means no filter. Months are first days of a month; `month_to` is included."""

    kinds: tuple[str, ...] = ()
    category_ids: tuple[int, ...] = ()
    status_groups: tuple[str, ...] = ()
    month_from: dt.date | None = None
    month_to: dt.date | None = None


@dataclass(frozen=True)
class HeatCell:
    """One cell: its place on the grid, its corners in WGS84 and what it holds.

    `value` is what the map draws: the number of reports, or with weight "impact" the sum of their felt-impact
    scores (1-5; a report whose reporter gave none adds nothing to it, it is counted in `count` only).
    """

    i: int
    j: int
    bounds: tuple[float, float, float, float]  # minlon, minlat, maxlon, maxlat
    count: int
    impact_sum: int
    impact_count: int
    value: int

    @property
    def impact_mean(self) -> float | None:
        return self.impact_sum / self.impact_count if self.impact_count else None


@dataclass(frozen=True)
class HeatCells:
    size: int
    weight: str
    cells: list[HeatCell] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)


def grid_size_for_zoom(zoom: int) -> int:
    """The grid size whose cells are nearest STATS_HEAT_CELL_PX pixels wide at `zoom` (in log scale)."""
    metres_per_pixel = 2 * HALF_WORLD / 256 / 2**zoom
    wanted = math.log2(metres_per_pixel * settings.STATS_HEAT_CELL_PX)
    return min(GRID_SIZES_M, key=lambda size: abs(math.log2(size) - wanted))


def to_web_mercator(lon: float, lat: float) -> tuple[float, float]:
    """EPSG:4326 -> EPSG:3857 (the spherical formulas PostGIS uses); latitude clamped to Mercator's limit."""
    lat = max(min(lat, 85.05112878), -85.05112878)
    x = math.radians(lon) * 6378137.0
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * 6378137.0
    return x, y


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The 3857 envelope of XYZ tile (z, x, y), y counted from the north as web maps do (= ST_TileEnvelope)."""
    span = 2 * HALF_WORLD / 2**z
    minx = -HALF_WORLD + x * span
    maxy = HALF_WORLD - y * span
    return minx, maxy - span, minx + span, maxy


def whole_cells(bounds: tuple[float, float, float, float], size: int) -> tuple[int, int, int, int]:
    """The cell indexes (imin, jmin, imax, jmax) of every cell that overlaps the 3857 `bounds` (edges inclusive
    at the low side, exclusive at the high side)."""
    minx, miny, maxx, maxy = bounds
    return (
        math.floor(minx / size),
        math.floor(miny / size),
        max(math.ceil(maxx / size) - 1, math.floor(minx / size)),
        max(math.ceil(maxy / size) - 1, math.floor(miny / size)),
    )


def month_start(month: dt.date) -> dt.datetime:
    """Midnight at the start of `month`'s first day in the city's time zone: a month is the city's month."""
    return dt.datetime(month.year, month.month, 1, tzinfo=ZoneInfo(settings.TIME_ZONE))


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def category_ids_for(slugs: Iterable[str]) -> tuple[list[int], list[str]]:
    """The ids of these categories and of their children (a parent stands for its group), and the unknown slugs.

    Every category counts, public or not, active or not: planners look back at what was reported.
    """
    slugs = list(dict.fromkeys(slugs))
    found = dict(Category.objects.filter(slug__in=slugs).values_list("slug", "id"))
    ids = list(
        Category.objects.filter(Q(id__in=found.values()) | Q(parent_id__in=found.values()))
        .order_by("id")
        .values_list("id", flat=True)
    )
    return ids, [s for s in slugs if s not in found]


def _filter_sql(filters: HeatFilters) -> tuple[str, list]:
    """The WHERE conditions of `filters` on reports_report (alias r), from fixed fragments and parameters only."""
    clauses: list[str] = []
    params: list = []
    if filters.kinds:
        clauses.append("r.kind = ANY(%s)")
        params.append(list(filters.kinds))
    if filters.category_ids:
        clauses.append("r.category_id = ANY(%s)")
        params.append(list(filters.category_ids))
    if filters.status_groups:
        clauses.append("r.status = ANY(%s)")
        params.append([s for group in filters.status_groups for s in STATUS_GROUPS[group]])
    if filters.month_from is not None:
        clauses.append("r.created_at >= %s")
        params.append(month_start(filters.month_from))
    if filters.month_to is not None:
        clauses.append("r.created_at < %s")
        params.append(month_start(next_month(filters.month_to)))
    return "".join(f" AND {c}" for c in clauses), params


def _cells_sql(*, filters: HeatFilters, size: int, cells: tuple[int, int, int, int]) -> tuple[str, list]:
    """A statement giving (i, j, count, impact_sum, impact_count) for each non-empty cell of grid `size` with
    indexes within `cells` (imin, jmin, imax, jmax), counting the reports `filters` keeps.

    Counts the reports themselves: each located report inside the widened area is projected to 3857 and floored
    to its cell. The geography `&&` finds candidates on the GiST index of reports_report.point (a box compared in
    3-D, which lets a few outside through); comparing the projected point with the area keeps exactly those inside.
    """
    imin, jmin, imax, jmax = cells
    area = [imin * size, jmin * size, (imax + 1) * size, (jmax + 1) * size]
    where, params = _filter_sql(filters)
    sql = f"""
        SELECT floor(ST_X(g) / %s)::int AS i, floor(ST_Y(g) / %s)::int AS j,
               count(*) AS count, coalesce(sum(impact), 0)::int AS impact_sum, count(impact) AS impact_count
        FROM (
            SELECT ST_Transform(geometry(r.point), {WEB_MERCATOR}) AS g, r.impact
            FROM reports_report r
            WHERE r.point && geography(ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, {WEB_MERCATOR}), {WGS84})){where}
        ) located
        WHERE ST_X(g) >= %s AND ST_X(g) < %s AND ST_Y(g) >= %s AND ST_Y(g) < %s
        GROUP BY 1, 2
    """  # fixed fragments only; every value is a parameter
    return sql, [size, size, *area, *params, area[0], area[2], area[1], area[3]]


def _value_sql(weight: str) -> str:
    return "impact_sum" if weight == "impact" else "count"


def heat_cells(
    *, bbox: tuple[float, float, float, float], zoom: int, filters: HeatFilters, weight: str = "count"
) -> HeatCells:
    """The non-empty cells of `zoom`'s grid over `bbox` (minlon, minlat, maxlon, maxlat), widened to whole cells,
    with the class breaks of their values. One SQL statement; Python receives only the cells."""
    size = grid_size_for_zoom(zoom)
    minx, miny = to_web_mercator(bbox[0], bbox[1])
    maxx, maxy = to_web_mercator(bbox[2], bbox[3])
    inner, params = _cells_sql(filters=filters, size=size, cells=whole_cells((minx, miny, maxx, maxy), size))
    # A rectangle in 3857 is one in 4326 too (both are plate-carrée-like in their axes): two corners suffice.
    sql = f"""
        WITH cells AS ({inner}),
        corners AS (
            SELECT *,
                ST_Transform(ST_SetSRID(ST_MakePoint(i * %s, j * %s), {WEB_MERCATOR}), {WGS84}) AS low,
                ST_Transform(ST_SetSRID(ST_MakePoint((i + 1) * %s, (j + 1) * %s), {WEB_MERCATOR}), {WGS84}) AS high
            FROM cells
        )
        SELECT i, j, ST_X(low), ST_Y(low), ST_X(high), ST_Y(high), count, impact_sum, impact_count
        FROM corners ORDER BY {_value_sql(weight)} DESC, count DESC, j DESC, i
    """  # fixed fragments only; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, size, size, size, size])
        rows = cursor.fetchall()
    cells = [
        HeatCell(
            i=i,
            j=j,
            bounds=(minlon, minlat, maxlon, maxlat),
            count=count,
            impact_sum=impact_sum,
            impact_count=impact_count,
            value=impact_sum if weight == "impact" else count,
        )
        for i, j, minlon, minlat, maxlon, maxlat, count, impact_sum, impact_count in rows
    ]
    return HeatCells(size=size, weight=weight, cells=cells, breaks=class_breaks([c.value for c in cells]))


def heat_tile(*, z: int, x: int, y: int, filters: HeatFilters, weight: str = "count") -> bytes:
    """A Mapbox vector tile with one layer, "cells": the cells of zoom `z`'s grid that overlap tile (z, x, y), as
    squares clipped to the tile (ST_AsMVTGeom), each with count, impact_sum, impact_count and value. Empty bytes
    when no report lies there. Cells that straddle the tile's edge are counted in full, so neighbouring tiles agree."""
    size = grid_size_for_zoom(z)
    inner, params = _cells_sql(filters=filters, size=size, cells=whole_cells(tile_bounds(z, x, y), size))
    sql = f"""
        WITH cells AS ({inner})
        SELECT coalesce(ST_AsMVT(tile, %s, {TILE_EXTENT}, 'geom'), '')
        FROM (
            SELECT ST_AsMVTGeom(
                       ST_MakeEnvelope(i * %s, j * %s, (i + 1) * %s, (j + 1) * %s, {WEB_MERCATOR}),
                       ST_TileEnvelope(%s, %s, %s), {TILE_EXTENT}, {TILE_BUFFER}, true
                   ) AS geom,
                   count, impact_sum, impact_count, {_value_sql(weight)} AS value
            FROM cells
        ) tile
        WHERE geom IS NOT NULL
    """  # fixed fragments only; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, TILE_LAYER, size, size, size, size, z, x, y])
        (data,) = cursor.fetchone()
    return bytes(data)


def class_breaks(values: Sequence[int], classes: int = 5) -> list[int]:
    """Upper bounds of up to `classes` classes for a legend: quantiles of the values, rounded up to whole numbers,
    without repeats, the last one the maximum. A cell of value v falls in the first class whose bound is >= v.

    Quantiles rather than equal steps: report counts are skewed (a few hotspots, many cells of one or two), and
    equal steps would paint nearly every cell in the lowest colour.
    """
    ordered = sorted(v for v in values if v > 0)
    if not ordered:
        return []
    bounds: list[int] = []
    for k in range(1, classes + 1):
        position = math.ceil(k * len(ordered) / classes) - 1
        bound = ordered[position]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def nearest_streets(centres: Sequence[tuple[float, float]]) -> list[str]:
    """The street of the address nearest each (lon, lat), to name a cell in words ("" where no address is known).

    One statement for the few cells a table lists: a K-nearest-neighbour scan of the address table's GiST index
    per centre. Names a place, not a person: the address register holds no residents.
    """
    if not centres:
        return []
    sql = f"""
        SELECT coalesce(nearest.street, '')
        FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS centre(lon, lat, n)
        LEFT JOIN LATERAL (
            SELECT a.street FROM geocoding_address a
            ORDER BY a.point <-> geography(ST_SetSRID(ST_MakePoint(centre.lon, centre.lat), {WGS84}))
            LIMIT 1
        ) nearest ON true
        ORDER BY centre.n
    """  # fixed fragments only; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [[c[0] for c in centres], [c[1] for c in centres]])
        return [street for (street,) in cursor.fetchall()]


def category_groups() -> list[tuple[Category, list[Category]]]:
    """Every category for the planners' filter, public or not, active or not: top levels with their children."""
    categories = list(Category.objects.order_by("position", "name_nl"))
    children: dict[int, list[Category]] = {}
    for category in categories:
        if category.parent_id is not None:
            children.setdefault(category.parent_id, []).append(category)
    return [(c, children.get(c.pk, [])) for c in categories if c.parent_id is None]
