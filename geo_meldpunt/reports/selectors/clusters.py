"""The public map at low zoom: public reports counted per grid cell, read from the stored cells.

The cells are tiles of EPSG:3857 (stats/grid.py: a cell is CELL_PX = 64 pixels wide at the map's zoom, tile
z = zoom + 2), kept up to date by triggers in the reports' own transactions, so the map is live at any number of
reports. The map's status filters (open, solved, both) read stats_mapcell; any other set of statuses, which only
the API can ask, is counted over the reports themselves on the same grid.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, F, FloatField, Func, IntegerField, Value

from geo_meldpunt.stats.cells import Cell, public_map_cells, public_map_cells_geojson
from geo_meldpunt.stats.grid import cell_bounds, cell_range, cell_size_degrees
from geo_meldpunt.stats.models import StatusGroup

from ..choices import OPEN_STATUSES, SOLVED_STATUSES
from .public import public_reports

# Cell corners are multiples of the cell size; 7 decimals keep them within about 1 cm. Positions to 6 decimals are
# within 11 cm, far below a marker's size on a map, and short to write.
CELL_DECIMALS = 7
POSITION_DECIMALS = 6


@dataclass(frozen=True)
class ReportCluster:
    """The public reports of one grid cell: how many, their mean position, the cell (minlon, minlat, maxlon, maxlat)."""

    lon: float
    lat: float
    count: int
    cell: tuple[float, float, float, float]


def cluster_cell_size(zoom: int) -> tuple[float, float]:
    """(width, height) in degrees of a cluster cell at a web-map zoom level, at the city's latitude.

    A cell is a Web Mercator tile of zoom + 2, 64 pixels wide on the map; its height in degrees shrinks towards
    the poles. The grid depends on the zoom only, not on the box asked for: cells stay put while the map pans.
    """
    return cell_size_degrees(zoom, settings.MAPS_CENTER[0])


def _status_groups(statuses: list[str] | None) -> list[str] | None:
    """The stored groups that are exactly these statuses, or None when no union of groups is."""
    wanted = set(statuses or (*OPEN_STATUSES, *SOLVED_STATUSES))
    groups = []
    if wanted >= set(OPEN_STATUSES):
        wanted -= set(OPEN_STATUSES)
        groups.append(str(StatusGroup.OPEN))
    if wanted >= set(SOLVED_STATUSES):
        wanted -= set(SOLVED_STATUSES)
        groups.append(str(StatusGroup.SOLVED))
    # Statuses public_reports never shows (merged, inadmissible, passed on) add nothing.
    return groups if not (wanted & {*OPEN_STATUSES, *SOLVED_STATUSES}) else None


class _CellIndex(Func):
    output_field = IntegerField()


def _live_cells(
    *, bbox: tuple[float, float, float, float], zoom: int, category_slug: str | None, statuses: list[str] | None
) -> list[Cell]:
    """The same cells counted over public_reports: for status sets the stored groups cannot answer."""
    grid = zoom + 2
    x0, y0, x1, y1 = cell_range(bbox, grid)
    area = (*cell_bounds(grid, x0, y1)[:2], *cell_bounds(grid, x1, y0)[2:])
    geom = Func(F("point"), function="geometry")
    lon, lat = (
        Func(geom, function="ST_X", output_field=FloatField()),
        Func(geom, function="ST_Y", output_field=FloatField()),
    )
    rows = (
        public_reports(bbox=area, category_slug=category_slug, statuses=statuses)
        .annotate(x=_CellIndex(lon, Value(grid), function="stats_cell_x"))
        .annotate(y=_CellIndex(lat, Value(grid), function="stats_cell_y"))
        .filter(x__gte=x0, x__lte=x1, y__gte=y0, y__lte=y1)
        .values("x", "y")
        .annotate(count=Count("id"), lon=Avg(lon), lat=Avg(lat))
        .order_by()
    )
    return [
        Cell(grid=grid, ix=r["x"], iy=r["y"], count=r["count"], impact_count=0, impact_sum=0, weight=r["count"],
             lon=r["lon"], lat=r["lat"])
        for r in rows
    ]  # fmt: skip


def public_report_clusters(
    *,
    bbox: tuple[float, float, float, float],
    zoom: int,
    category_slug: str | None = None,
    statuses: list[str] | None = None,
) -> list[ReportCluster]:
    """Public reports (public_reports' visibility and filters) counted per grid cell of `zoom`, each cell with the
    mean position of its reports. Every cell that overlaps `bbox` is counted whole, so a cluster's number does not
    change while the map pans. One SQL statement on the stored cells (a few thousand rows city-wide, whatever the
    number of reports); a status set that is not open, solved or both is counted over the reports instead.
    """
    groups = _status_groups(statuses)
    if groups is not None:
        cells = public_map_cells(bbox=bbox, zoom=zoom, category_slug=category_slug, status_groups=groups)
    else:
        cells = _live_cells(bbox=bbox, zoom=zoom, category_slug=category_slug, statuses=statuses)
    return [ReportCluster(lon=c.lon, lat=c.lat, count=c.count, cell=c.bounds) for c in cells]


def cluster_feature(cluster: ReportCluster) -> dict:
    """One cluster as a GeoJSON Feature: its mean position, its count and its cell (see ClusterFeature, api)."""
    return {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [round(cluster.lon, POSITION_DECIMALS), round(cluster.lat, POSITION_DECIMALS)],
        },
        "properties": {"count": cluster.count, "cell": [round(v, CELL_DECIMALS) for v in cluster.cell]},
    }


def public_report_clusters_geojson(
    *,
    bbox: tuple[float, float, float, float],
    zoom: int,
    category_slug: str | None = None,
    statuses: list[str] | None = None,
) -> str:
    """public_report_clusters as GeoJSON text: Features (cluster_feature's, key for key) joined by commas, the
    inside of a "features" array. From the stored cells PostgreSQL writes the text in the same statement
    (stats.cells.public_map_cells_geojson): no dict per cell, no JSON dump of thousands of them in Python. A status
    set the cells cannot answer is counted over the reports and written here.
    """
    groups = _status_groups(statuses)
    if groups is not None:
        return public_map_cells_geojson(
            bbox=bbox,
            zoom=zoom,
            category_slug=category_slug,
            status_groups=groups,
            position_decimals=POSITION_DECIMALS,
            cell_decimals=CELL_DECIMALS,
        )
    clusters = public_report_clusters(bbox=bbox, zoom=zoom, category_slug=category_slug, statuses=statuses)
    return ",".join(json.dumps(cluster_feature(c), separators=(",", ":")) for c in clusters)
