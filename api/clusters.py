"""The public map below the detail zoom: public reports counted per grid cell, as GeoJSON.

GET /api/v1/reports/clusters/?bbox=2.84,51.16,3.01,51.25&zoom=13&category=&status=
From `detail_zoom` (17) on, the map shows the reports themselves with GET /api/v1/reports/?bbox=...
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.gzip import gzip_page
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.views import APIView

from geo_meldpunt.reports import selectors

from .fields import GEOJSON_POINT_SCHEMA, MapViewQuery
from .serializers import PublicListQuery


class ClusterQuery(MapViewQuery, PublicListQuery):
    def max_cells(self) -> int:
        return settings.REPORTS_CLUSTERS_MAX_CELLS


# --- Response shape, for the schema only: the view builds the JSON directly (thousands of cells, no overhead) ---


@extend_schema_field(GEOJSON_POINT_SCHEMA)
class _PointField(serializers.Field):
    pass


class ClusterProperties(serializers.Serializer):
    count = serializers.IntegerField(help_text="Public reports in this cell (the whole cell, also beyond the bbox).")
    cell = serializers.ListField(
        child=serializers.FloatField(),
        min_length=4,
        max_length=4,
        help_text="The cell: [minlon, minlat, maxlon, maxlat]. Zoom to it when the cluster is selected.",
    )


class ClusterFeature(serializers.Serializer):
    type = serializers.CharField(help_text="Always “Feature”.")
    geometry = _PointField(help_text="The mean position of the cell's reports.")
    properties = ClusterProperties()


class ClusterCollection(serializers.Serializer):
    type = serializers.CharField(help_text="Always “FeatureCollection”.")
    zoom = serializers.IntegerField()
    cell_size = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        help_text="[width, height] of a cell in degrees at the city's latitude (Web Mercator: heights vary).",
    )
    detail_zoom = serializers.IntegerField(
        help_text="From this zoom on, show the reports one by one with GET /api/v1/reports/?bbox= instead."
    )
    features = ClusterFeature(many=True)


def cluster_collection_json(features: str, *, zoom: int) -> str:
    """The collection around `features` (GeoJSON Feature texts joined by commas), written compactly as DRF writes
    JSON: the features come as text from the database, so they are not parsed and dumped again here."""
    width, height = selectors.cluster_cell_size(zoom)
    head = {
        "type": "FeatureCollection",
        "zoom": zoom,
        "cell_size": [width, height],
        "detail_zoom": settings.REPORTS_CLUSTERS_DETAIL_ZOOM,
    }
    return json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"features":[' + features + "]}"


class ReportClustersApi(APIView):
    """Public reports in the visible area counted per grid cell, for the map below the detail zoom.

    Counts only what public_reports shows: located reports in public categories, with the same category and
    status filters as GET /api/v1/reports/. One SQL statement on the stored cells (stats), whatever the number of
    reports; cells that overlap the bbox are counted whole.
    """

    # Compressed when the client accepts gzip (every browser): the city-wide zoom-16 answer is about 730 KB of JSON,
    # 77 KB compressed. Public data only, no secret in the body, so compression leaks nothing (BREACH).
    @method_decorator(gzip_page)
    @extend_schema(
        parameters=[ClusterQuery],
        responses={200: ClusterCollection, 400: OpenApiResponse(description="Messages per parameter.")},
    )
    def get(self, request):
        query = ClusterQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        features = selectors.public_report_clusters_geojson(
            bbox=params["bbox"],
            zoom=params["zoom"],
            category_slug=params.get("category"),
            statuses=params.get("status"),
        )
        # JSON written by the database and wrapped here, not parsed and rendered again (DRF's JSON is the same).
        return HttpResponse(cluster_collection_json(features, zoom=params["zoom"]), content_type="application/json")
