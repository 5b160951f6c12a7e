"""Which of some points lie in the city: answers of an online geocoder are kept only when they do."""

from __future__ import annotations

from typing import Any

from django.contrib.gis.db.models import Extent
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from geo_meldpunt.zones.models import Zone, ZonePart, ZoneType, zone_valid_on_sql

# One statement for any number of points: unnest the coordinates, test each against the subdivided territory.
_INSIDE_SQL = """
SELECT p.i FROM unnest(%(lons)s::double precision[], %(lats)s::double precision[]) WITH ORDINALITY AS p(lon, lat, i)
WHERE EXISTS (
    SELECT 1 FROM {parts} zp JOIN {zones} z ON z.id = zp.zone_id
    WHERE zp.zone_type = %(territory)s
      AND {valid}
      AND ST_Covers(zp.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
)
"""


def points_in_territory(points: list[Point]) -> list[bool]:
    """For each point, whether a territory zone valid today covers it (covers: the border counts as inside)."""
    if not points:
        return []
    sql = _INSIDE_SQL.format(
        parts=connection.ops.quote_name(ZonePart._meta.db_table),
        zones=connection.ops.quote_name(Zone._meta.db_table),
        valid=zone_valid_on_sql("z"),
    )
    params: dict[str, Any] = {
        "lons": [p.x for p in points],
        "lats": [p.y for p in points],
        "territory": ZoneType.TERRITORY.value,
        "day": timezone.localdate(),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inside = {row[0] for row in cursor.fetchall()}
    return [i in inside for i in range(1, len(points) + 1)]


def territory_extent() -> tuple[float, float, float, float] | None:
    """(minlon, minlat, maxlon, maxlat) of the city's territory, or None when no territory is loaded."""
    return (
        Zone.objects.valid_on(timezone.localdate())
        .filter(zone_type=ZoneType.TERRITORY)
        .aggregate(extent=Extent("geom"))["extent"]
    )
