"""Address search and reverse geocoding for the "meld iets" page: thin views over geo_meldpunt.geocoding.

GET /api/v1/geocode/?q=Kapellestraat 12&limit=5   -> [{label, lat, lon, street, housenumber, postcode, municipality}]
GET /api/v1/geocode/reverse/?lat=51.2297&lon=2.9196 -> {in_territory, address: {label, lat, lon, distance_m, ...}
                                                        or null, message}

Reverse geocoding answers the question "what is here?": a point in the sea or far from any house is a valid
question with the answer "no address" (200, `address` null, `message` saying why), so a page can ask it for every
move of a pin without a stream of errors. Only input that is not a coordinate is a 400, naming the parameter.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from geo_meldpunt.core.geo import make_point
from geo_meldpunt.geocoding.backends import get_geocoder
from geo_meldpunt.geocoding.base import GeocodeResult
from geo_meldpunt.zones.routing import covering_zones, in_territory, outside_territory_message

from .fields import LatField, LonField, QueryParameters

# 6 decimals of a degree: about 10 cm, finer than any address position.
COORDINATE_DECIMALS = 6


@extend_schema_field(
    {
        "type": "string",
        "minLength": 2,
        "maxLength": 200,
        # Spaces around the text do not count: at least two characters besides them, and no NUL.
        "pattern": "^\\s*[^\\s\\x00][^\\x00]*[^\\s\\x00]\\s*$",
    }
)
class SearchTextField(serializers.CharField):
    pass


class GeocodeQuery(QueryParameters):
    q = SearchTextField(
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


class ReverseGeocodeQuery(QueryParameters):
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


class ReverseGeocodeAddress(GeocodeResultOutput):
    distance_m = serializers.FloatField(help_text="Metres from the asked point to this address.")


class ReverseGeocodeOutput(serializers.Serializer):
    in_territory = serializers.BooleanField(
        help_text="Whether the point lies within the city's territory (a report can be filed there)."
    )
    address = ReverseGeocodeAddress(allow_null=True, help_text="The nearest known address; null when none.")
    message = serializers.CharField(
        help_text="Why there is no address (outside the city, none nearby), in the asker's language; empty otherwise."
    )


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
    """The nearest known address to a point in the city, within GEOCODING_REVERSE_RADIUS_M metres, and whether the
    point lies in the city at all. Outside the city no address is looked up: a report cannot be filed there."""

    @extend_schema(
        parameters=[ReverseGeocodeQuery],
        responses={
            200: ReverseGeocodeOutput,
            400: OpenApiResponse(description="Not a coordinate: messages per parameter (`lat`, `lon`)."),
        },
    )
    def get(self, request):
        query = ReverseGeocodeQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        point = make_point(lon=query.validated_data["lon"], lat=query.validated_data["lat"])
        inside = in_territory(covering_zones(point))
        result = get_geocoder().reverse(point) if inside else None
        if not inside:
            message = outside_territory_message()
        elif result is None:
            message = _(
                "No address is known within %(metres)s m of this place; the pin itself tells us where it is."
            ) % {"metres": settings.GEOCODING_REVERSE_RADIUS_M}
        else:
            message = ""
        return Response(ReverseGeocodeOutput({"in_territory": inside, "address": result, "message": message}).data)
