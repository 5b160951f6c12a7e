"""Open data: anonymised reports as CSV and GeoJSON for the city's open-data portal, streamed.

The rows and the anonymisation are the selector's (reports/selectors/open_data.py); this module only writes
them out, a chunk of rows at a time, so a million reports never sit in memory. docs/open-data.md is the schema.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from geo_meldpunt.reports import selectors

from .fields import QueryParameters

# GeoJSON properties: every column but the coordinates, which are the geometry.
COORDINATES = ("x", "y", "lon", "lat")
PROPERTIES = [c for c in selectors.OPEN_DATA_COLUMNS if c not in COORDINATES]
PERIOD_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="first day of creation included (YYYY-MM-DD, local time)"),
    OpenApiParameter(
        "to", OpenApiTypes.DATE, description="last day of creation included (YYYY-MM-DD, local time), not before `from`"
    ),
]

CSV_RESPONSE = OpenApiResponse(response=OpenApiTypes.STR, description="CSV; columns in docs/open-data.md")
GEOJSON_RESPONSE = OpenApiResponse(
    response=OpenApiTypes.OBJECT, description="GeoJSON FeatureCollection; properties in docs/open-data.md"
)


class PeriodQuery(QueryParameters):
    def get_fields(self):
        # `from` is a Python keyword: declared here instead of as a class attribute.
        return {
            "from": serializers.DateField(required=False, input_formats=["iso-8601"]),
            "to": serializers.DateField(required=False, input_formats=["iso-8601"]),
        }

    def validate(self, attrs):
        if attrs.get("from") and attrs.get("to") and attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": _("The end of the period lies before its start.")})
        return attrs


def _period(request) -> dict:
    query = PeriodQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    return {"created_from": query.validated_data.get("from"), "created_to": query.validated_data.get("to")}


def _value(value) -> object:
    return "" if value is None else value


class _Line:
    """csv.writer writes into this and gets the line back: one string per row, nothing kept."""

    def write(self, text: str) -> str:
        return text


def csv_lines(chunks: Iterable[list[tuple]]) -> Iterator[str]:
    writer = csv.writer(_Line(), lineterminator="\n")
    yield writer.writerow(selectors.OPEN_DATA_COLUMNS)
    for rows in chunks:
        yield "".join(writer.writerow([_value(v) for v in row]) for row in rows)


def _feature(row: tuple) -> str:
    values = dict(zip(selectors.OPEN_DATA_COLUMNS, row, strict=True))
    geometry = (
        {"type": "Point", "coordinates": [float(values["lon"]), float(values["lat"])]}
        if values["lon"] is not None
        else None
    )
    properties = {
        name: values[name].isoformat() if hasattr(values[name], "isoformat") else values[name] for name in PROPERTIES
    }
    return json.dumps({"type": "Feature", "geometry": geometry, "properties": properties}, ensure_ascii=False)


def geojson_parts(chunks: Iterable[list[tuple]]) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": [\n'
    first = True
    for rows in chunks:
        part = ",\n".join(_feature(row) for row in rows)
        yield part if first else ",\n" + part
        first = False
    yield "\n]}\n"


class JsonErrorsOnly(BaseContentNegotiation):
    """Answers are files, not rendered data: whatever the client accepts (a portal's harvester may ask text/csv
    only), errors come back as JSON rather than as a 406."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _stream(parts: Iterator[str], *, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse((p.encode() for p in parts), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class OpenDataCsvApi(APIView):
    """Anonymised reports in public categories as CSV (UTF-8, comma-separated, a header row), oldest first."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonErrorsOnly

    @extend_schema(parameters=PERIOD_PARAMETERS, responses={(200, "text/csv"): CSV_RESPONSE})
    def get(self, request):
        chunks = selectors.open_data_reports(**_period(request))
        return _stream(csv_lines(chunks), content_type="text/csv; charset=utf-8", filename="meldingen.csv")


class OpenDataGeoJsonApi(APIView):
    """Anonymised reports in public categories as a GeoJSON FeatureCollection (WGS84), oldest first."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonErrorsOnly

    @extend_schema(
        parameters=PERIOD_PARAMETERS,
        responses={(200, "application/geo+json"): GEOJSON_RESPONSE},
    )
    def get(self, request):
        chunks = selectors.open_data_reports(**_period(request))
        return _stream(geojson_parts(chunks), content_type="application/geo+json", filename="meldingen.geojson")
