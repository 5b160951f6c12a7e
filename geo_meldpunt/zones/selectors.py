"""Reads of departments that more than one interface needs."""

from __future__ import annotations

from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import PointOnSurface
from django.db.models import QuerySet
from django.utils import timezone

from .models import Department, ZonePart, ZoneType, zone_valid_on


def compliment_departments() -> QuerySet[Department]:
    """The departments a reporter may name for a compliment: the city's own active services, the meldpunt included.

    Not the external bodies (the grid operator, the police, ...): the city promises to pass praise on to its own
    services, and these take reports over only by forwarding. The one rule for "may receive a compliment":
    report_validate checks a named department against this same query.
    """
    return Department.objects.filter(active=True, is_external=False).order_by("name_nl")


def _territory_parts():
    return ZonePart.objects.filter(zone_type=ZoneType.TERRITORY).filter(
        zone_valid_on(timezone.localdate(), prefix="zone__")
    )


def territory_point() -> tuple[float, float] | None:
    """(lon, lat) of a point surely inside the city's territory (PostGIS ST_PointOnSurface); None without one."""
    point = _territory_parts().annotate(inside=PointOnSurface("geom")).order_by("pk").values_list("inside", flat=True)
    first = point.first()
    return (first.x, first.y) if first is not None else None


def territory_extent() -> tuple[float, float, float, float] | None:
    """(minlon, minlat, maxlon, maxlat) of the city's territory zones in force today; None without any.

    A point outside it is certainly outside the city (routing.territory_check refuses it); a point inside it may
    still be in the sea or a neighbouring town. The API schema states it as the range of a report's coordinates.
    """
    extent = _territory_parts().aggregate(extent=Extent("geom"))["extent"]
    return tuple(extent) if extent else None
