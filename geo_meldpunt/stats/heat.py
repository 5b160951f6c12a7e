"""Heatmaps for planners: reports per cell as GeoJSON cells or a Mapbox vector tile, read from the stored cells.

The cells are those of grid.py and cells.py (Web Mercator tiles of zoom + 2, about 64 pixels wide on the map, kept
up to date by triggers on reports_report): a cell is counted whole whatever part of it is in view, and the cells of
a vector tile are exactly the tile's quarters, so no cell is ever cut by a tile's edge.

Planners see every category, public or not (the planner role sees no report and no personal data: a cell carries
counts and sums only). `heat_cells` and `heat_tile` read through cells.heat_cells; this module adds what the
interfaces need around it: the filters' shape, the legend's class breaks, the tile encoding, the streets that name
the highest cells, and the categories of the filter.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q

from geo_meldpunt.core.geo import WGS84
from geo_meldpunt.reports.models import Category

from . import cells as stored
from .grid import cell_bounds, grid_for_zoom
from .models import StatusGroup

# Half the circumference of the sphere Web Mercator projects on: a tile of zoom z is 2 * HALF_WORLD / 2**z wide.
HALF_WORLD = math.pi * 6378137.0
STATUS_GROUPS = tuple(StatusGroup.values)
WEIGHTS = ("count", "impact")
# MVT: the tile's coordinate space and the margin drawn around it (so strokes at tile edges do not show seams).
TILE_EXTENT = 4096
TILE_BUFFER = 64
TILE_LAYER = "cells"
# The cells with the highest values that a table lists, each named by its nearest street.
TOP_CELLS = 10


@dataclass(frozen=True)
class HeatFilters:
    """What to count. Empty means no filter. `month_from` and `month_to` are months (any day), both included;
    `category_ids` are exact (category_ids_for adds a parent's children)."""

    kinds: tuple[str, ...] = ()
    category_ids: tuple[int, ...] = ()
    status_groups: tuple[str, ...] = ()
    month_from: dt.date | None = None
    month_to: dt.date | None = None


@dataclass(frozen=True)
class HeatCells:
    """The cells of `grid` (their side `size_m` in EPSG:3857 units), the highest value first, with the legend's
    class breaks. A cell's `weight` is its number of reports, or with weight "impact" the sum of their felt-impact
    scores (a report whose reporter gave none adds nothing to it; it is counted in `count` only)."""

    grid: int
    size_m: float
    weight: str
    cells: list[stored.Cell] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)


def _filters(filters: HeatFilters) -> dict[str, Any]:
    """The filters as cells.heat_cells takes them."""
    return {
        "kinds": list(filters.kinds) or None,
        "category_ids": list(filters.category_ids) or None,
        "status_groups": list(filters.status_groups) or None,
        "month_from": filters.month_from,
        "month_to": filters.month_to,
    }


def _read(
    *, bbox: tuple[float, float, float, float], zoom: int, filters: HeatFilters, weight: str
) -> list[stored.Cell]:
    """The one place the heat reads cells as a list: the stored cells, highest weight first (then most reports)."""
    found = stored.heat_cells(
        bbox=bbox, zoom=zoom, weight="impact" if weight == "impact" else "count", **_filters(filters)
    )
    return sorted(found, key=lambda c: (-c.weight, -c.count, c.iy, c.ix))


def heat_cells(
    *, bbox: tuple[float, float, float, float], zoom: int, filters: HeatFilters, weight: str = "count"
) -> HeatCells:
    """The non-empty cells of `zoom`'s grid over `bbox` (minlon, minlat, maxlon, maxlat), each counted whole, with
    the class breaks of their values. One SQL statement on the stored cells."""
    grid = grid_for_zoom(zoom).grid
    found = _read(bbox=bbox, zoom=zoom, filters=filters, weight=weight)
    return HeatCells(
        grid=grid,
        size_m=2 * HALF_WORLD / 2**grid,
        weight=weight,
        cells=found,
        breaks=class_breaks([int(c.weight) for c in found]),
    )


def heat_tile(*, z: int, x: int, y: int, filters: HeatFilters, weight: str = "count") -> bytes:
    """A Mapbox vector tile with one layer, "cells": the cells of zoom `z`'s grid in tile (z, x, y), as squares
    (clipped to the tile where a cell is larger than it, from zoom 17 on), each with count, impact_sum, impact_count
    and value. Empty bytes when no report lies there.

    One statement: ST_AsMVT over the stored cells of the tile (at most 16 at grid z + 2, the same read as
    heat_cells), the squares being ST_TileEnvelope of the cell's own grid, clipped by ST_AsMVTGeom to
    ST_TileEnvelope(z, x, y).
    """
    minlon, minlat, maxlon, maxlat = cell_bounds(z, x, y)
    # The tile's own cells only: a box on the tile's edges would also take the first row and column beyond them.
    inset_x, inset_y = (maxlon - minlon) * 1e-6, (maxlat - minlat) * 1e-6
    bbox = (minlon + inset_x, minlat + inset_y, maxlon - inset_x, maxlat - inset_y)
    cells, params = stored.heat_cells_query(bbox=bbox, zoom=z, **_filters(filters))
    value = "c.impact_sum" if weight == "impact" else "c.count"
    # MATERIALIZED: the tile's few cells first. Inlined, the planner pushes "geom IS NOT NULL" (it reads only the
    # grouping columns) below the GROUP BY and runs ST_AsMVTGeom once per stored row (37,299 for a z14 tile at
    # 1,000,000 reports) instead of once per cell (13): 300 ms instead of a few.
    sql = f"""
        WITH c AS MATERIALIZED ({cells})
        SELECT coalesce(ST_AsMVT(tile, %(tile_layer)s, {TILE_EXTENT}, 'geom'), '')
        FROM (
            SELECT ST_AsMVTGeom(
                       ST_TileEnvelope(%(tile_grid)s, c.ix, c.iy), ST_TileEnvelope(%(tile_z)s, %(tile_x)s, %(tile_y)s),
                       {TILE_EXTENT}, {TILE_BUFFER}, true
                   ) AS geom,
                   c.count::int AS count, c.impact_sum::int AS impact_sum, c.impact_count::int AS impact_count,
                   {value}::int AS value
            FROM c
            ORDER BY {value} DESC, c.count DESC, c.iy, c.ix
        ) tile
        WHERE geom IS NOT NULL
    """  # noqa: S608 - fixed fragments only; every value is a parameter
    params.update(tile_layer=TILE_LAYER, tile_grid=grid_for_zoom(z).grid, tile_z=z, tile_x=x, tile_y=y)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (data,) = cursor.fetchone()
    return bytes(data)


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


def class_breaks(values: Sequence[int], classes: int = 5) -> list[int]:
    """Upper bounds of up to `classes` classes for a legend: quantiles of the values, without repeats, the last one
    the maximum. A cell of value v falls in the first class whose bound is >= v.

    Quantiles rather than equal steps: report counts are skewed (a few hotspots, many cells of one or two), and
    equal steps would paint nearly every cell in the lowest colour.
    """
    ordered = sorted(v for v in values if v > 0)
    if not ordered:
        return []
    bounds: list[int] = []
    for k in range(1, classes + 1):
        bound = ordered[math.ceil(k * len(ordered) / classes) - 1]
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
