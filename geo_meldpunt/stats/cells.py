"""Reads of the stored cells: the planners' heatmap (heat_cells) and the public map's clusters (public_map_cells).

Each is one SQL statement over the cell tables, whose size depends on the area and the number of cells, not on the
number of reports. Cell indices are tiles of EPSG:3857 (grid.py); a read at a grid between two stored ones sums
four cells of the finer one into each (ix >> shift, iy >> shift).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.db import connection
from django.utils import timezone

from geo_meldpunt.reports.choices import SOLVED_STATUSES

from .grid import cell_bounds, cell_range, grid_for_zoom
from .models import PUBLIC_CATEGORIES, StatusGroup

Weight = Literal["count", "impact"]


@dataclass(frozen=True)
class Cell:
    """One cell of `grid` (tile z=grid, x=ix, y=iy) and what it holds.

    count: reports; impact_count: how many of them had a felt-impact score; impact_sum: the sum of those scores;
    weight: count or impact_sum, as asked; lon, lat: the mean position of the cell's reports (WGS84);
    bounds: (minlon, minlat, maxlon, maxlat) of the cell. In SQL, ST_TileEnvelope(grid, ix, iy) is the cell's square
    in EPSG:3857 (for ST_AsMVT: a cell of grid g lies in tile z of (ix >> (g - z), iy >> (g - z))).
    """

    grid: int
    ix: int
    iy: int
    count: int
    impact_count: int
    impact_sum: int
    weight: float
    lon: float
    lat: float

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return cell_bounds(self.grid, self.ix, self.iy)


def _range(bbox: tuple[float, float, float, float], grid: int, shift: int) -> tuple[int, int, int, int]:
    """Indices at the stored grid (grid + shift) of whole cells of `grid` covering bbox."""
    x0, y0, x1, y1 = cell_range(bbox, grid)
    return x0 << shift, y0 << shift, ((x1 + 1) << shift) - 1, ((y1 + 1) << shift) - 1


def heat_cells_query(
    *,
    bbox: tuple[float, float, float, float],
    zoom: int,
    kinds: list[str] | None = None,
    category_ids: list[int] | None = None,
    status_groups: list[str] | None = None,
    month_from: dt.date | None = None,
    month_to: dt.date | None = None,
) -> tuple[str, dict[str, Any]]:
    """The SELECT behind heat_cells, and its named parameters, for a statement that reads it as a subquery (the
    vector tile, heat.heat_tile). Columns: ix, iy (at zoom's grid), count, impact_count, impact_sum, lon, lat."""
    read = grid_for_zoom(zoom)
    x0, y0, x1, y1 = _range(bbox, read.grid, read.shift)
    where = ["grid = %(stored)s", "ix BETWEEN %(x0)s AND %(x1)s", "iy BETWEEN %(y0)s AND %(y1)s"]
    params: dict[str, Any] = {"stored": read.stored, "shift": read.shift, "x0": x0, "x1": x1, "y0": y0, "y1": y1}
    if kinds is not None:
        where.append("kind = ANY(%(kinds)s)")
        params["kinds"] = list(kinds)
    if category_ids is not None:
        where.append("category_id = ANY(%(category_ids)s)")
        params["category_ids"] = list(category_ids)
    if status_groups is not None:
        where.append("status_group = ANY(%(groups)s)")
        params["groups"] = list(status_groups)
    if month_from is not None:
        where.append("month >= %(month_from)s")
        params["month_from"] = month_from.replace(day=1)
    if month_to is not None:
        where.append("month <= %(month_to)s")
        params["month_to"] = month_to.replace(day=1)
    sql = f"""
        SELECT ix >> %(shift)s AS ix, iy >> %(shift)s AS iy, sum(n) AS count, sum(impact_n) AS impact_count,
               sum(impact_sum) AS impact_sum, sum(lon_sum) / sum(n) AS lon, sum(lat_sum) / sum(n) AS lat
        FROM stats_heatcell
        WHERE {" AND ".join(where)}
        GROUP BY 1, 2
        HAVING sum(n) > 0
    """  # noqa: S608 - the text is fixed; every value is a parameter
    return sql, params


def heat_cells(
    *,
    bbox: tuple[float, float, float, float],
    zoom: int,
    kinds: list[str] | None = None,
    category_ids: list[int] | None = None,
    status_groups: list[str] | None = None,
    month_from: dt.date | None = None,
    month_to: dt.date | None = None,
    weight: Weight = "count",
) -> list[Cell]:
    """Reports per cell for a heatmap at `zoom`: cells about 64 pixels wide (grid = zoom + 2, see grid.py).

    Every cell that overlaps `bbox` is returned whole (its reports outside the box included); cells with no report
    are left out. Filters, each None for "all": `kinds` (reports.choices.Kind values), `category_ids` (exactly
    these categories: pass a parent's children too if it should take them), `status_groups` (StatusGroup values:
    open, solved, other), `month_from` / `month_to` (months of created_at in Europe/Brussels, both included; any day
    of the month will do). `weight` "impact" makes Cell.weight the sum of felt-impact scores (reports without a score
    weigh nothing), "count" the number of reports. Personal data never enters the cells: they hold counts, sums and
    mean positions only. Visibility is the caller's: every category and status is counted, public or not.

    One SQL statement on stats_heatcell (unique index (grid, ix, iy, ...)); at 1,000,000 reports a city-wide
    read is some thousands of rows.
    """
    sql, params = heat_cells_query(
        bbox=bbox,
        zoom=zoom,
        kinds=kinds,
        category_ids=category_ids,
        status_groups=status_groups,
        month_from=month_from,
        month_to=month_to,
    )
    grid = grid_for_zoom(zoom).grid
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        Cell(
            grid=grid,
            ix=ix,
            iy=iy,
            count=int(count),
            impact_count=int(impact_n),
            impact_sum=int(impact_sum),
            weight=float(impact_sum if weight == "impact" else count),
            lon=lon,
            lat=lat,
        )
        for ix, iy, count, impact_n, impact_sum, lon, lat in rows
    ]


def solved_visible_since(now: dt.datetime | None = None) -> dt.datetime:
    """The public map shows a solved report while its last change is later than this (reports.selectors.public)."""
    return (now or timezone.now()) - dt.timedelta(days=settings.MAPS_RECENTLY_SOLVED_DAYS)


def _public_map_cells_sql(
    *,
    bbox: tuple[float, float, float, float],
    zoom: int,
    category_slug: str | None,
    status_groups: list[str] | None,
) -> tuple[str, dict[str, Any]]:
    """public_map_cells' statement: rows (x, y, n, lon, lat) of grid zoom + 2, and its parameters."""
    read = grid_for_zoom(zoom)
    x0, y0, x1, y1 = _range(bbox, read.grid, read.shift)
    groups = list(status_groups) if status_groups is not None else [StatusGroup.OPEN, StatusGroup.SOLVED]
    params: dict[str, Any] = {
        "stored": read.stored,
        "grid": read.grid,
        "shift": read.shift,
        "x0": x0,
        "x1": x1,
        "y0": y0,
        "y1": y1,
        "groups": [str(g) for g in groups],
        "since": solved_visible_since(),
        "slug": category_slug or "",
        "solved": [str(s) for s in SOLVED_STATUSES],
    }
    category = "AND (%(slug)s = '' OR c.slug = %(slug)s OR p.slug = %(slug)s)"
    if category_slug:
        # The category's own rows and its children's; is_public as it is now.
        stored = f"""
            FROM stats_mapcell m
            JOIN reports_category c ON c.id = m.category_id
            LEFT JOIN reports_category p ON p.id = c.parent_id
            WHERE m.grid = %(stored)s AND m.ix BETWEEN %(x0)s AND %(x1)s AND m.iy BETWEEN %(y0)s AND %(y1)s
              AND m.status_group = ANY(%(groups)s) AND c.is_public {category}"""
    else:
        # Every public category together: one row per cell and group.
        stored = """
            FROM stats_mapcell m
            WHERE m.grid = %(stored)s AND m.ix BETWEEN %(x0)s AND %(x1)s AND m.iy BETWEEN %(y0)s AND %(y1)s
              AND m.status_group = ANY(%(groups)s) AND m.category_id = %(all)s"""
        params["all"] = PUBLIC_CATEGORIES
    # The aged reports are read first, on their own, from the partial index report_solved_updated_at (a handful of
    # rows): joined to the categories in one query block, the planner misjudges the range (thousands of rows
    # expected) and probes the category index once per public category instead, 25 ms at 1,000,000 reports.
    sql = f"""
        WITH aged_reports AS MATERIALIZED (
            SELECT r.point, r.category_id
            FROM reports_report r
            WHERE 'solved' = ANY(%(groups)s) AND r.status = ANY(%(solved)s)
              AND r.updated_at >= (SELECT solved_since FROM stats_cellstate WHERE id = 1)
              AND r.updated_at < %(since)s AND r.point IS NOT NULL AND stats_kind_public(r.kind)
        ),
        cells AS (
            SELECT m.ix >> %(shift)s AS x, m.iy >> %(shift)s AS y, m.n, m.lon_sum, m.lat_sum
            {stored}
            UNION ALL
            SELECT stats_cell_x(ST_X(g), %(grid)s), stats_cell_y(ST_Y(g), %(grid)s), -1, -ST_X(g), -ST_Y(g)
            FROM (
                SELECT geometry(r.point) AS g
                FROM aged_reports r
                JOIN reports_category c ON c.id = r.category_id
                LEFT JOIN reports_category p ON p.id = c.parent_id
                WHERE c.is_public {category}
            ) aged
        )
        SELECT x, y, sum(n), sum(lon_sum) / sum(n), sum(lat_sum) / sum(n)
        FROM cells
        WHERE x BETWEEN %(x0)s >> %(shift)s AND %(x1)s >> %(shift)s
          AND y BETWEEN %(y0)s >> %(shift)s AND %(y1)s >> %(shift)s
        GROUP BY x, y
        HAVING sum(n) > 0
    """  # noqa: S608 - the text is fixed; every value is a parameter
    return sql, params


def public_map_cells(
    *,
    bbox: tuple[float, float, float, float],
    zoom: int,
    category_slug: str | None = None,
    status_groups: list[str] | None = None,
) -> list[Cell]:
    """What the public map shows per cell at `zoom` (grid = zoom + 2): the reports of reports.selectors.public_reports
    (located, of a public kind in a public category, open or solved in the last MAPS_RECENTLY_SOLVED_DAYS), live.

    `category_slug` takes the category and its children; `status_groups` is a subset of (open, solved). Cells that
    overlap `bbox` are counted whole. Reads stats_mapcell, then subtracts the solved reports that aged past the
    bound since the last sweep (stats_map_sweep, every few minutes): a range of the partial index on updated_at of
    solved reports, a handful of rows. One SQL statement; weight and impact are not kept here (count only).
    """
    sql, params = _public_map_cells_sql(bbox=bbox, zoom=zoom, category_slug=category_slug, status_groups=status_groups)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    grid = params["grid"]
    return [
        Cell(grid=grid, ix=x, iy=y, count=int(n), impact_count=0, impact_sum=0, weight=float(n), lon=lon, lat=lat)
        for x, y, n, lon, lat in rows
    ]


def public_map_cells_geojson(
    *,
    bbox: tuple[float, float, float, float],
    zoom: int,
    category_slug: str | None = None,
    status_groups: list[str] | None = None,
    position_decimals: int,
    cell_decimals: int,
) -> str:
    """public_map_cells as GeoJSON text written by PostgreSQL: one Feature per cell, comma-separated (the inside of
    a "features" array; empty for no cell). Each is a Point at the mean position of the cell's reports, rounded to
    `position_decimals`, with properties {"count": n, "cell": [minlon, minlat, maxlon, maxlat]} (grid.cell_bounds,
    the same formulas, rounded to `cell_decimals`).

    Written compactly by string concatenation, in the order the API documents: city-wide at zoom 16 (4,600 cells,
    1,000,000 reports) this spares building a dict per cell and dumping them in Python, most of the endpoint's time.
    Numbers are rounded as numeric and written as float8 (the shortest text that reads back as the same number,
    no trailing zeros), as Python's json writes round(value, decimals).
    """
    sql, params = _public_map_cells_sql(bbox=bbox, zoom=zoom, category_slug=category_slug, status_groups=status_groups)
    params.update({"position_decimals": position_decimals, "cell_decimals": cell_decimals})
    text = f"""
        SELECT coalesce(string_agg(
            '{{"type":"Feature","geometry":{{"type":"Point","coordinates":['
            || round(lon::numeric, %(position_decimals)s)::float8 || ','
            || round(lat::numeric, %(position_decimals)s)::float8
            || ']}},"properties":{{"count":' || n || ',"cell":['
            || round((x::float8 / power(2::float8, %(grid)s) * 360 - 180)::numeric, %(cell_decimals)s)::float8
            || ',' || round(degrees(atan(sinh(pi() * (1 - 2 * (y + 1)::float8 / power(2::float8, %(grid)s)))))::numeric,
                            %(cell_decimals)s)::float8
            || ',' || round(((x + 1)::float8 / power(2::float8, %(grid)s) * 360 - 180)::numeric,
                            %(cell_decimals)s)::float8
            || ',' || round(degrees(atan(sinh(pi() * (1 - 2 * y::float8 / power(2::float8, %(grid)s)))))::numeric,
                            %(cell_decimals)s)::float8
            || ']}}}}', ','), '')
        FROM ({sql}) AS cells (x, y, n, lon, lat)
    """  # noqa: S608 - the text is fixed; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(text, params)
        return cursor.fetchone()[0]
