"""Repair and reproject zone geometries in PostGIS. The loader, the import command and the admin share it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.core.geo import SUPPORTED_IMPORT_SRIDS, WGS84

# One statement for every feature: a city's file has a few hundred polygons at most, and a round trip
# per feature would cost more than the work. Only invalid input goes through ST_MakeValid, so a valid
# boundary keeps its exact coordinates and a second import compares equal to what the first stored.
_CLEAN_SQL = """
WITH src AS (
    SELECT ord, ST_Force2D(ST_GeomFromWKB(wkb, %s)) AS g
    FROM unnest(%s::bytea[]) WITH ORDINALITY AS t(wkb, ord)
),
checked AS (
    SELECT ord, g, ST_GeometryType(g) AS gtype, ST_IsEmpty(g) AS empty,
           ST_GeometryType(g) IN ('ST_Polygon', 'ST_MultiPolygon') AS polygonal
    FROM src
),
fixed AS (
    SELECT ord, gtype, empty, polygonal,
           CASE WHEN polygonal AND NOT empty AND NOT ST_IsValid(g) THEN ST_IsValidReason(g) END AS reason,
           CASE WHEN polygonal AND NOT empty THEN
               CASE WHEN ST_IsValid(g) THEN g ELSE ST_MakeValid(g) END
           END AS g
    FROM checked
)
SELECT gtype, empty, polygonal, reason,
       ST_GeometryType(g) = 'ST_GeometryCollection' AS mixed,
       ST_AsBinary(ST_Transform(ST_Multi(ST_CollectionExtract(g, 3)), %s)) AS wkb
FROM fixed
ORDER BY ord
"""


@dataclass
class CleanGeometry:
    """A geometry ready to store (WGS84 MultiPolygon), or the reason it cannot be."""

    geom: MultiPolygon | None = None
    repairs: list[str] = field(default_factory=list)
    error: str | None = None


def geometries_clean(*, wkbs: Sequence[bytes], srid: int) -> list[CleanGeometry]:
    """Validate, repair and reproject polygons given as WKB in `srid`; one result per input, same order.

    Repair is ST_MakeValid, then only the polygonal parts are kept (ST_CollectionExtract(..., 3)),
    as a MultiPolygon in WGS84. Z and M are dropped: zones are flat.
    """
    if srid not in SUPPORTED_IMPORT_SRIDS:
        raise ApplicationError(
            _("EPSG:%(srid)s is not supported; use one of %(supported)s.")
            % {"srid": srid, "supported": ", ".join(f"EPSG:{s}" for s in SUPPORTED_IMPORT_SRIDS)},
            field="srid",
        )
    if not wkbs:
        return []
    try:
        # A savepoint, so a PROJ failure leaves the caller's transaction usable.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_CLEAN_SQL, [srid, [bytes(w) for w in wkbs], WGS84])
            rows = cursor.fetchall()
    except DatabaseError as exc:
        raise ApplicationError(
            _("PostGIS could not read or reproject the geometries from EPSG:%(srid)s: %(error)s")
            % {"srid": srid, "error": str(exc).strip()},
            field="srid",
        ) from exc
    return [_result(*row) for row in rows]


def _result(gtype: str, empty: bool, polygonal: bool, reason: str | None, mixed: bool, wkb) -> CleanGeometry:
    if not polygonal:
        return CleanGeometry(error=_("geometry is a %(type)s, not a polygon") % {"type": gtype.removeprefix("ST_")})
    if empty:
        return CleanGeometry(error=_("geometry is empty"))
    repairs = []
    if reason:
        repairs.append(_("made valid (%(reason)s)") % {"reason": reason})
    if mixed:
        repairs.append(_("kept only the polygonal parts of the repaired geometry"))
    geom = GEOSGeometry(memoryview(wkb), srid=WGS84)
    assert isinstance(geom, MultiPolygon)  # ST_Multi(ST_CollectionExtract(..., 3)) guarantees it
    if geom.empty:
        return CleanGeometry(repairs=repairs, error=_("no polygon area is left after repair"))
    xmin, ymin, xmax, ymax = geom.extent
    if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
        # Typically metric coordinates in a file that claims (or defaults to) WGS84.
        return CleanGeometry(
            repairs=repairs,
            error=_("coordinates are not longitude/latitude after reprojection; is the source SRID right?"),
        )
    return CleanGeometry(geom=geom, repairs=repairs)
