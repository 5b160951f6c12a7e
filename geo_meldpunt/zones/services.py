"""Writes for departments and zones. Loader, import command and admin all go through these."""

from __future__ import annotations

import datetime as dt

from django.contrib.gis.geos import MultiPolygon
from django.db import connection, transaction

from .models import Zone

# Vertices per subdivided piece: small enough that a covers test is a handful of edge checks.
ZONES_SUBDIVIDE_MAX_VERTICES = 64


def zone_parts_rebuild(*, zone_ids: list[int]) -> None:
    """Rebuild the subdivided copy of these zones. Call inside the transaction that changed them."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM zones_zonepart WHERE zone_id = ANY(%s)", [zone_ids])
        cursor.execute(
            """
            INSERT INTO zones_zonepart (zone_id, zone_type, geom)
            SELECT z.id, z.zone_type, d.geom
            FROM zones_zone z,
                 LATERAL ST_Dump(ST_Subdivide(z.geom, %s)) AS d
            WHERE z.id = ANY(%s) AND GeometryType(d.geom) = 'POLYGON'
            """,
            [ZONES_SUBDIVIDE_MAX_VERTICES, zone_ids],
        )


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
        same = all(getattr(zone, k) == v for k, v in values.items()) and zone.geom.equals_exact(geom, 1e-9)
        if same:
            return zone, False
        for key, value in values.items():
            setattr(zone, key, value)
        zone.geom = geom
        zone.save()
    else:
        zone = Zone.objects.create(slug=slug, geom=geom, **values)
    zone_parts_rebuild(zone_ids=[zone.id])
    return zone, True
