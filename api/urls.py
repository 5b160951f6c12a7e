from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import clusters, geocoding, insight, open_data, views

urlpatterns = [
    path("v1/categories/", views.CategoryListApi.as_view(), name="api-categories"),
    path("v1/compliment-departments/", views.ComplimentDepartmentListApi.as_view(), name="api-compliment-departments"),
    path("v1/reports/", views.ReportListCreateApi.as_view(), name="api-reports"),
    path("v1/reports/nearby/", views.NearbyReportsApi.as_view(), name="api-reports-nearby"),
    path("v1/reports/clusters/", clusters.ReportClustersApi.as_view(), name="api-reports-clusters"),
    path("v1/reports/<str:reference>/follow/", views.FollowReportApi.as_view(), name="api-report-follow"),
    path("v1/track/<str:token>/", views.TrackReportApi.as_view(), name="api-track"),
    path("v1/routing/preview/", views.RoutingPreviewApi.as_view(), name="api-routing-preview"),
    path("v1/geocode/", geocoding.GeocodeApi.as_view(), name="api-geocode"),
    path("v1/geocode/reverse/", geocoding.ReverseGeocodeApi.as_view(), name="api-geocode-reverse"),
    path("v1/open-data/reports.csv", open_data.OpenDataCsvApi.as_view(), name="api-open-data-csv"),
    path("v1/open-data/reports.geojson", open_data.OpenDataGeoJsonApi.as_view(), name="api-open-data-geojson"),
    path("v1/insight/cells/", insight.HeatCellsApi.as_view(), name="api-insight-cells"),
    path("v1/tiles/<int:z>/<int:x>/<int:y>.mvt", insight.HeatTileApi.as_view(), name="api-tiles"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its init script from its own URL (?script): no inline script under the CSP.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]
