"""Input parsing shared by the endpoints: coordinates, bounding boxes."""

from __future__ import annotations

import math
import re

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from geo_meldpunt.core.geo import WGS84, make_point
from geo_meldpunt.stats.grid import cells_covering

from .parsers import json_loads_bounded


class QueryParameters(serializers.Serializer):
    """A serializer of query parameters, each of which may be given once.

    A QueryDict answers the last value of a repeated parameter: `?limit=1&limit=9` would silently be read as 9.
    Refused instead, naming the parameter, as the schema (one value each) says.
    """

    def to_internal_value(self, data):
        if hasattr(data, "getlist"):
            names: list[str] = [str(name) for name in self.fields]
            repeated = {name: [_("Give this parameter once.")] for name in names if len(data.getlist(name)) > 1}
            if repeated:
                raise serializers.ValidationError(repeated)
        return super().to_internal_value(data)


class CoordinateField(serializers.FloatField):
    """A float that must be a finite number (NaN and Infinity are not places)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("invalid")
        return value


class LatField(CoordinateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -90)
        kwargs.setdefault("max_value", 90)
        super().__init__(**kwargs)


class LonField(CoordinateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -180)
        kwargs.setdefault("max_value", 180)
        super().__init__(**kwargs)


GEOJSON_POINT_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "enum": ["Point"]},
        "coordinates": {
            "type": "array",
            "items": {"type": "number"},
            "minItems": 2,
            "maxItems": 2,
            "description": "[longitude, latitude], WGS84 degrees",
        },
    },
    "required": ["type", "coordinates"],
    "example": {"type": "Point", "coordinates": [2.9196, 51.2297]},
}


@extend_schema_field(GEOJSON_POINT_SCHEMA)
class PointLocationField(serializers.Field):
    """A GeoJSON Point object, or its JSON text (as sent in a multipart form)."""

    # Lazy: a class attribute is evaluated once, at import, before any request has chosen a language.
    default_error_messages = {
        "invalid": gettext_lazy("Give the location as a GeoJSON Point with [longitude, latitude]."),
    }

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json_loads_bounded(data)
            except ValueError:  # JsonTooDeep included: `[` nested thousands deep is not a point either
                self.fail("invalid")
        if not isinstance(data, dict) or data.get("type") != "Point":
            self.fail("invalid")
        coords = data.get("coordinates")
        if not isinstance(coords, list | tuple) or len(coords) != 2 or not all(_finite_number(c) for c in coords):
            self.fail("invalid")
        lon, lat = float(coords[0]), float(coords[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            self.fail("invalid")
        return Point(lon, lat, srid=WGS84)

    def to_representation(self, value: Point):
        return {"type": "Point", "coordinates": [value.x, value.y]}


def _finite_number(value) -> bool:
    """A JSON number that is a real coordinate: not a bool, not NaN/Infinity, not an integer too big for a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # json.loads gives arbitrarily large ints; math.isfinite(10**400) overflows
        return False


def point_from(attrs: dict, *, required: bool) -> Point | None:
    """The point of an input with either lat+lon or location; raises a field error otherwise."""
    location = attrs.pop("location", None)
    lat, lon = attrs.pop("lat", None), attrs.pop("lon", None)
    if location is not None:
        return location
    if lat is None and lon is None:
        if required:
            raise serializers.ValidationError({"location": [_("Show on the map where it is.")]})
        return None
    if lat is None:
        raise serializers.ValidationError({"lat": [_("Give the latitude together with the longitude.")]})
    if lon is None:
        raise serializers.ValidationError({"lon": [_("Give the longitude together with the latitude.")]})
    return make_point(lon=lon, lat=lat)


# Four decimal numbers separated by commas, no spaces: what a map's bounds joined by "," give.
_NUMBER = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
BBOX_PATTERN = rf"^{_NUMBER},{_NUMBER},{_NUMBER},{_NUMBER}$"
BBOX_SCHEMA = {
    "type": "string",
    "pattern": BBOX_PATTERN,
    "description": (
        "minlon,minlat,maxlon,maxlat (WGS84 degrees, no spaces), min below max, less than 180 degrees across: "
        "the map's visible area."
    ),
    "example": "2.88,51.2,2.96,51.24",
}


def parse_bbox(raw: str) -> tuple[float, float, float, float]:
    message = _("Give bbox as minlon,minlat,maxlon,maxlat (WGS84 degrees).")
    if not re.fullmatch(BBOX_PATTERN, raw):
        raise serializers.ValidationError({"bbox": [message]})
    parts = raw.split(",")
    try:
        minlon, minlat, maxlon, maxlat = (float(p) for p in parts)
    except ValueError:
        raise serializers.ValidationError({"bbox": [message]}) from None
    values = (minlon, minlat, maxlon, maxlat)
    if (
        not all(math.isfinite(v) for v in values)
        or not (-180 <= minlon < maxlon <= 180)
        or not (-90 <= minlat < maxlat <= 90)
    ):
        raise serializers.ValidationError({"bbox": [message]})
    # The filter is a polygon on the geography column, whose edges are great-circle arcs: an edge of 180 degrees
    # (a box as wide as half the globe, or from pole to pole) has no single arc and PostGIS raises, and a wider
    # one is taken the short way round. The map asks for a city, never half the world (kaart.js: zoom 10 at least).
    if maxlon - minlon >= 180 or maxlat - minlat >= 180:
        raise serializers.ValidationError({"bbox": [_("Ask for a smaller area: less than 180 degrees across.")]})
    return values


ZOOM_MESSAGE = gettext_lazy("Give zoom as a whole number from 0 to 22.")


@extend_schema_field(BBOX_SCHEMA)
class BboxField(serializers.CharField):
    """A bbox parameter; parse_bbox reads it."""


class MapViewQuery(QueryParameters):
    """A map's view, for reads per grid cell (the public clusters, the planners' heat cells): bbox and zoom.

    Refused when the view covers more cells of its zoom's grid (stats.grid) than `max_cells()` allows.
    """

    bbox = BboxField()
    zoom = serializers.IntegerField(
        min_value=0,
        max_value=22,
        help_text="The map's zoom level; cells are Web Mercator tiles of zoom + 2, 64 pixels wide at it.",
        error_messages={key: ZOOM_MESSAGE for key in ("invalid", "min_value", "max_value", "max_string_length")},
    )

    def max_cells(self) -> int:
        raise NotImplementedError

    def validate(self, attrs):
        attrs = super().validate(attrs)
        attrs["bbox"] = parse_bbox(attrs["bbox"])
        if cells_covering(attrs["bbox"], attrs["zoom"]) > self.max_cells():
            raise serializers.ValidationError(
                {"bbox": [_("This area is too large for zoom %(zoom)s: zoom out or ask for a smaller area.") % attrs]}
            )
        return attrs
