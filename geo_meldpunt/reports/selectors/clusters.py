"""The public map at low zoom: public reports counted per grid cell, in one SQL statement."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import SnapToGrid
from django.contrib.gis.geos import Polygon
from django.db.models import Avg, Count, FloatField, Func

from geo_meldpunt.core.geo import WGS84

from .public import public_reports


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
