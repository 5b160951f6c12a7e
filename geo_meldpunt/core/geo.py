"""Spatial reference systems and point parsing. Everything is stored in WGS84."""

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _

from .errors import ApplicationError

WGS84 = 4326
LAMBERT72 = 31370
LAMBERT2008 = 3812
SUPPORTED_IMPORT_SRIDS = (WGS84, LAMBERT72, LAMBERT2008)


def make_point(*, lon: float, lat: float) -> Point:
    """A WGS84 point; rejects values that are not coordinates at all."""
    if not (-180.0 <= lon <= 180.0):
        raise ApplicationError(_("Longitude must lie between -180 and 180."), field="lon")
    if not (-90.0 <= lat <= 90.0):
        raise ApplicationError(_("Latitude must lie between -90 and 90."), field="lat")
    return Point(lon, lat, srid=WGS84)
