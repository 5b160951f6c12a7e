"""Heatmaps for planners: reports counted per grid cell, as GeoJSON cells and as Mapbox vector tiles.

GET /api/v1/insight/cells/?bbox=2.84,51.16,3.01,51.25&zoom=13&kind=&category=&from=2026-01&to=2026-06&status=&weight=
GET /api/v1/tiles/{z}/{x}/{y}.mvt?kind=&category=&from=&to=&status=&weight=   (for GIS clients such as QGIS)

Only for users who may see statistics (planner, directie, coordinator, administrator), logged in with a session:
every category is counted, non-public ones too. A cell carries counts only, never a report or a person.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from geo_meldpunt.core.lookups import lookup_value_ok
from geo_meldpunt.reports.choices import Kind
from geo_meldpunt.staff import roles
from geo_meldpunt.stats import heat

from .fields import ZOOM_MESSAGE, MapViewQuery, QueryParameters

MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"
CELL_DECIMALS = 7
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class CanSeeStatistics(BasePermission):
    message = gettext_lazy("Only planners, management and the meldpunt coordinator see these figures.")

    def has_permission(self, request, view) -> bool:
        return roles.can_see_statistics(request.user)


class CommaListField(serializers.CharField):
    """Values separated by commas ("melding,klacht"); empty parts are dropped."""

    def to_internal_value(self, data) -> list[str]:  # type: ignore[override]
        text = super().to_internal_value(data)
        return list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


class MonthField(serializers.CharField):
    default_error_messages = {"month": gettext_lazy("Give a month as YYYY-MM, for example 2026-03.")}

    def to_internal_value(self, data) -> dt.date:  # type: ignore[override]
        match = _MONTH.match(super().to_internal_value(data))
        if not match or not (1 <= int(match[2]) <= 12) or int(match[1]) < 1900:
            self.fail("month")
        return dt.date(int(match[1]), int(match[2]), 1)


class HeatFilterQuery(QueryParameters):
    """The filters every heat read takes. `from` and `to` are months (YYYY-MM), both included."""

    kind = CommaListField(
        required=False, allow_blank=True, help_text="Kinds, comma-separated: melding, klacht, suggestie, compliment."
    )
    category = CommaListField(
        required=False, allow_blank=True, help_text="Category slugs, comma-separated; a parent stands for its group."
    )
    status = CommaListField(
        required=False, allow_blank=True, help_text="Status groups, comma-separated: open, solved, other."
    )
    weight = serializers.ChoiceField(
        choices=heat.WEIGHTS,
        default="count",
        help_text="count: reports per cell; impact: the sum of the reporters' felt-impact scores (1-5).",
        error_messages={"invalid_choice": gettext_lazy("Weigh by “count” or by “impact”.")},
    )

    def get_fields(self):
        fields = super().get_fields()
        # "from" is a Python keyword, so these two cannot be declared as class attributes.
        fields["from"] = MonthField(required=False, help_text="First month counted (YYYY-MM), in the city's time.")
        fields["to"] = MonthField(required=False, help_text="Last month counted (YYYY-MM), included.")
        return fields

    def validate_kind(self, kinds: list[str]) -> list[str]:
        unknown = [k for k in kinds if k not in Kind.values]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown kind “%(kind)s”: choose from %(choices)s.")
                % {"kind": unknown[0], "choices": ", ".join(Kind.values)}
            )
        return kinds

    def validate_status(self, groups: list[str]) -> list[str]:
        unknown = [g for g in groups if g not in heat.STATUS_GROUPS]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown status group “%(group)s”: choose from %(choices)s.")
                % {"group": unknown[0], "choices": ", ".join(heat.STATUS_GROUPS)}
            )
        return groups

    def validate_category(self, slugs: list[str]) -> list[int]:
        bad = [s for s in slugs if not lookup_value_ok(s)]
        ids, unknown = heat.category_ids_for([s for s in slugs if lookup_value_ok(s)])
        unknown = bad + unknown
        if unknown:
            raise serializers.ValidationError(_("Unknown category “%(slug)s”.") % {"slug": unknown[0]})
        return ids

    def validate(self, attrs):
        start, end = attrs.get("from"), attrs.get("to")
        if start and end and end < start:
            raise serializers.ValidationError({"to": [_("The last month comes before the first.")]})
        return attrs

    def filters(self) -> heat.HeatFilters:
        data = self.validated_data
        return heat.HeatFilters(
            kinds=tuple(data.get("kind") or ()),
            category_ids=tuple(data.get("category") or ()),
            status_groups=tuple(data.get("status") or ()),
            month_from=data.get("from"),
            month_to=data.get("to"),
        )


class HeatCellsQuery(MapViewQuery, HeatFilterQuery):
    def max_cells(self) -> int:
        return settings.STATS_HEAT_MAX_CELLS


def cell_collection(result: heat.HeatCells, *, zoom: int, places: list[str]) -> dict:
    """GeoJSON: one square Polygon per non-empty cell, the highest value first; the first cells named by `places`.

    A cell gives its square and its centre, never the mean position of its reports: in a cell of one report of a
    non-public category, that would be the report's place.
    """
    features = []
    for n, cell in enumerate(result.cells):
        minlon, minlat, maxlon, maxlat = (round(v, CELL_DECIMALS) for v in cell.bounds)
        features.append(
            {
                "type": "Feature",
                "id": f"{result.grid}/{cell.ix}/{cell.iy}",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[minlon, minlat], [maxlon, minlat], [maxlon, maxlat], [minlon, maxlat], [minlon, minlat]]
                    ],
                },
                "properties": {
                    "value": int(cell.weight),
                    "count": cell.count,
                    "impact_sum": cell.impact_sum,
                    "impact_count": cell.impact_count,
                    "impact_mean": round(cell.impact_sum / cell.impact_count, 2) if cell.impact_count else None,
                    "centre": [round((minlon + maxlon) / 2, 6), round((minlat + maxlat) / 2, 6)],
                    "place": places[n] if n < len(places) else None,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "zoom": zoom,
        "grid": result.grid,
        "cell_size_m": round(result.size_m, 1),
        "weight": result.weight,
        "breaks": result.breaks,
        "total": sum(int(c.weight) for c in result.cells),
        "features": features,
    }


def _cacheable(response: HttpResponse) -> HttpResponse:
    # Private: the answer depends on who is logged in. Short: every new report changes a count.
    patch_cache_control(response, private=True, max_age=settings.STATS_HEAT_CACHE_SECONDS)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


class HeatCellsApi(APIView):
    """Reports counted per grid cell in the visible area, for the planners' heatmap (a heat layer or a choropleth).

    Each cell counts every report inside it (the area is widened to whole cells), of every category, public or
    not, with the filters combined (AND). `breaks` are the upper bounds of the legend's classes. The first
    TOP_CELLS cells (the highest values) carry `place`: the street of the nearest address.
    """

    permission_classes = [CanSeeStatistics]

    @extend_schema(
        parameters=[HeatCellsQuery],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="A GeoJSON FeatureCollection of cells."),
            400: OpenApiResponse(description="Messages per parameter."),
            403: OpenApiResponse(description="Not logged in, or a role without statistics."),
        },
    )
    def get(self, request):
        query = HeatCellsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        result = heat.heat_cells(
            bbox=params["bbox"], zoom=params["zoom"], filters=query.filters(), weight=params["weight"]
        )
        top = result.cells[: heat.TOP_CELLS]
        places = heat.nearest_streets([((c.bounds[0] + c.bounds[2]) / 2, (c.bounds[1] + c.bounds[3]) / 2) for c in top])
        return _cacheable(Response(cell_collection(result, zoom=params["zoom"], places=places)))


class JsonErrors(BaseContentNegotiation):
    """A tile is returned as bytes and never rendered: only errors reach a renderer. Whatever the client accepts
    (a GIS client may ask for tiles only, or add ?format=mvt), they come back as JSON, labelled so."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class HeatTileApi(APIView):
    """The heat cells of tile z/x/y as a Mapbox vector tile (layer "cells": count, impact_sum, impact_count, value),
    for GIS clients (QGIS: Vector Tile layer, URL .../api/v1/tiles/{z}/{x}/{y}.mvt, with the session cookie).

    Cells use the grid of zoom z (tiles of zoom z + 2: a tile's quarters), the same as the GeoJSON cells at that
    zoom. A tile with no report is a 204 No Content: nothing to draw, nothing to download.
    """

    permission_classes = [CanSeeStatistics]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonErrors

    @extend_schema(
        parameters=[
            HeatFilterQuery,
            OpenApiParameter("z", {"type": "integer", "minimum": 0, "maximum": 22}, OpenApiParameter.PATH),
            OpenApiParameter("x", {"type": "integer", "minimum": 0}, OpenApiParameter.PATH, description="0 to 2^z - 1"),
            OpenApiParameter("y", {"type": "integer", "minimum": 0}, OpenApiParameter.PATH, description="0 to 2^z - 1"),
        ],
        responses={
            (200, MVT_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="A Mapbox vector tile."),
            204: OpenApiResponse(description="No report in this tile."),
            400: OpenApiResponse(description="Messages per parameter."),
            403: OpenApiResponse(description="Not logged in, or a role without statistics."),
        },
    )
    def get(self, request, z: int, x: int, y: int):
        errors: dict[str, list] = {}
        if not 0 <= z <= 22:
            errors["z"] = [ZOOM_MESSAGE]
        else:
            message = _("Give a tile number from 0 to %(last)s at zoom %(zoom)s.") % {"last": 2**z - 1, "zoom": z}
            for name, value in (("x", x), ("y", y)):
                if not 0 <= value < 2**z:
                    errors[name] = [message]
        query = HeatFilterQuery(data=request.query_params)
        if not query.is_valid():
            errors.update(query.errors)
        if errors:
            raise serializers.ValidationError(errors)
        tile = heat.heat_tile(z=z, x=x, y=y, filters=query.filters(), weight=query.validated_data["weight"])
        if not tile:
            return _cacheable(HttpResponse(status=204))
        return _cacheable(HttpResponse(tile, content_type=MVT_CONTENT_TYPE))
