"""Address search and reverse geocoding for the "meld iets" page: thin views over geo_meldpunt.geocoding.

GET /api/v1/geocode/?q=Kapellestraat 12&limit=5   -> [{label, lat, lon, street, housenumber, postcode, municipality}]
GET /api/v1/geocode/reverse/?lat=51.2297&lon=2.9196 -> {label, lat, lon, distance_m, street, ...}, or 404
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from geo_meldpunt.core.geo import make_point
from geo_meldpunt.geocoding.backends import get_geocoder
from geo_meldpunt.geocoding.base import GeocodeResult
from geo_meldpunt.zones.routing import covering_zones, territory_check

from .fields import LatField, LonField

# 6 decimals of a degree: about 10 cm, finer than any address position.
COORDINATE_DECIMALS = 6


class GeocodeQuery(serializers.Serializer):
    q = serializers.CharField(
        min_length=2,
        max_length=200,
        help_text="What the person typed: a street name, optionally with a house number (“Kapellestraat 12”).",
        error_messages={
            "required": gettext_lazy("Type a street name to search for."),
            "blank": gettext_lazy("Type a street name to search for."),
            "min_length": gettext_lazy("Type at least {min_length} characters."),
            "max_length": gettext_lazy("Type at most {max_length} characters."),
        },
    )
    limit = serializers.IntegerField(min_value=1, max_value=10, default=5, help_text="At most this many results.")


class ReverseGeocodeQuery(serializers.Serializer):
    lat = LatField(help_text="Latitude, WGS84 degrees.")
    lon = LonField(help_text="Longitude, WGS84 degrees.")


class GeocodeResultOutput(serializers.Serializer):
    # A field named "label" shadows Field.label for the type checker only; DRF takes it as a declared field.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="“Kapellestraat 12, 8400 Oostende”: show this to the person."
    )
    lat = serializers.SerializerMethodField()
    lon = serializers.SerializerMethodField()
    street = serializers.CharField()
    housenumber = serializers.CharField(help_text="Empty when the answer is the street as a whole.")
    postcode = serializers.CharField()
    municipality = serializers.CharField()

    def get_lat(self, result: GeocodeResult) -> float:
        return round(result.point.y, COORDINATE_DECIMALS)

    def get_lon(self, result: GeocodeResult) -> float:
        return round(result.point.x, COORDINATE_DECIMALS)


class ReverseGeocodeOutput(GeocodeResultOutput):
    distance_m = serializers.FloatField(help_text="Metres from the asked point to this address.")


class GeocodeApi(APIView):
    """Addresses in the city matching a typed text, best first (case and accents do not matter)."""

    @extend_schema(
        parameters=[GeocodeQuery],
        responses={200: GeocodeResultOutput(many=True), 400: OpenApiResponse(description="Messages per parameter.")},
    )
    def get(self, request):
        query = GeocodeQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        results = get_geocoder().search(query.validated_data["q"], limit=query.validated_data["limit"])
        return Response(GeocodeResultOutput(results, many=True).data)


class ReverseGeocodeApi(APIView):
    """The nearest known address to a point in the city, within GEOCODING_REVERSE_RADIUS_M metres."""

    @extend_schema(
        parameters=[ReverseGeocodeQuery],
        responses={
            200: ReverseGeocodeOutput,
            400: OpenApiResponse(description="Not a coordinate, or outside the city (message under `location`)."),
            404: OpenApiResponse(description="No address is known near this point (message under `detail`)."),
        },
    )
    def get(self, request):
        query = ReverseGeocodeQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        point = make_point(lon=query.validated_data["lon"], lat=query.validated_data["lat"])
        territory_check(covering_zones(point))  # outside the city: 400, as when filing a report there
        result = get_geocoder().reverse(point)
        if result is None:
            raise NotFound(
                _("No address is known within %(metres)s m of this place; the pin itself tells us where it is.")
                % {"metres": settings.GEOCODING_REVERSE_RADIUS_M}
            )
        return Response(ReverseGeocodeOutput(result).data)
