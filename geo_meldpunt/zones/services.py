"""Writes for departments and zones. Loader, import command and admin all go through these."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.gis.geos import MultiPolygon
from django.db import connection, transaction

from .models import Zone

# Vertices per subdivided piece: small enough that a covers test is a handful of edge checks.
ZONES_SUBDIVIDE_MAX_VERTICES = 64

# Two geometries closer than this (degrees, about 0.1 mm) are the same boundary: a stored geometry that made
# a round trip through PostGIS must compare equal to the file it came from, so a re-import writes nothing.
ZONES_GEOM_TOLERANCE = 1e-9


def zone_parts_rebuild(*, zone_ids: list[int]) -> None:
    """Rebuild the subdivided copy of these zones. Call inside the transaction that changed them."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM zones_zonepart WHERE zone_id = ANY(%s)", [zone_ids])
        cursor.execute(
            """
            INSERT INTO zones_zonepart (zone_id, zone_type, geom)
            SELECT z.id, z.zone_type, d.geom
            FROM zones_zone z,
                 LATERAL ST_Subdivide(z.geom, %s) AS s(geom),
                 -- ST_Subdivide is set-returning (it cannot nest in ST_Dump), and a clipped piece
                 -- may itself be a MultiPolygon: dump it so every row is a plain Polygon.
                 LATERAL ST_Dump(s.geom) AS d
            WHERE z.id = ANY(%s) AND GeometryType(d.geom) = 'POLYGON'
            """,
            [ZONES_SUBDIVIDE_MAX_VERTICES, zone_ids],
        )


def zone_matches(zone: Zone, *, values: dict[str, Any], geom: MultiPolygon) -> bool:
    """True when saving `values` and `geom` would change nothing; lets a dry run say 'unchanged'."""
    return all(getattr(zone, k) == v for k, v in values.items()) and zone.geom.equals_exact(geom, ZONES_GEOM_TOLERANCE)


@transaction.atomic
def zone_save(*, zone: Zone) -> Zone:
    """Save a zone built or edited in memory (the admin's form) and rebuild its parts.

    Parts carry the zone type too, so they are rebuilt on every save, not only when the geometry moved.
    """
    zone.save()
    zone_parts_rebuild(zone_ids=[zone.id])
    return zone


@transaction.atomic
def zone_upsert(
    *,
    slug: str,
    name: str,
    zone_type: str,
    geom: MultiPolygon,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    approximate: bool = False,
    source: str = "",
) -> tuple[Zone, bool]:
    """Create or update the zone with this slug; returns (zone, changed). Unchanged zones are not rewritten."""
    zone = Zone.objects.filter(slug=slug).first()
    values = {
        "name": name,
        "zone_type": zone_type,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "approximate": approximate,
        "source": source,
    }
    if zone is not None:
        if zone_matches(zone, values=values, geom=geom):
            return zone, False
        for key, value in values.items():
            setattr(zone, key, value)
        zone.geom = geom
    else:
        zone = Zone(slug=slug, geom=geom, **values)
    return zone_save(zone=zone), True
