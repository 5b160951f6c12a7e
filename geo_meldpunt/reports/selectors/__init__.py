"""Reads of reports, by the question they answer. Spatial filters use the GiST index on the geography column.

- public.py: what anyone may see (the public map's reports, a report by token or reference, categories);
- deadlines.py: what is overdue or due soon (the back office's flags, the daily digests);
- clusters.py: the public map at low zoom, counted per grid cell in PostGIS;
- field.py: the field page's reads (a reporter's usual categories, open reports around a point, their own);
- open_data.py: every public-category report, anonymised, streamed for the open-data portal;
- open311.py: the Open311 GeoReport v2 server's services and the service requests it shows.
Duplicate search has a module of its own: reports/duplicates.py. The names are gathered here so that
`selectors.public_reports(...)` reads as before.
"""

from .bodies import track_json
from .clusters import (
    ReportCluster,
    cluster_cell_size,
    cluster_feature,
    public_report_clusters,
    public_report_clusters_geojson,
)
from .deadlines import (
    DepartmentDigest,
    OverdueDigest,
    OverdueReport,
    due_soon_horizon,
    overdue_digest_data,
    overdue_report,
    reports_due_soon,
    reports_overdue,
    reports_with_deadline_flags,
)
from .field import categories_for_reporter, reports_around, reports_created_by
from .open311 import (
    OPEN311_CLOSED,
    OPEN311_OPEN,
    category_codes_known,
    open311_changeset,
    open311_request,
    open311_request_by_token,
    open311_requests,
    open311_service,
    open311_services,
    open311_status,
)
from .open_data import OPEN_DATA_COLUMNS, open_data_grid_m, open_data_reports
from .public import (
    PUBLIC_REPORT_FIELDS,
    PUBLIC_VISIBLE,
    answer_templates,
    categories_active,
    follower_by_token,
    public_map_page,
    public_map_rows,
    public_report_by_reference,
    public_reports,
    report_by_token,
    report_public_history,
)

__all__ = [
    "track_json",
    "OPEN311_CLOSED",
    "OPEN311_OPEN",
    "category_codes_known",
    "open311_changeset",
    "open311_request",
    "open311_request_by_token",
    "open311_requests",
    "open311_service",
    "open311_services",
    "open311_status",
    "OPEN_DATA_COLUMNS",
    "open_data_grid_m",
    "open_data_reports",
    "PUBLIC_REPORT_FIELDS",
    "PUBLIC_VISIBLE",
    "follower_by_token",
    "DepartmentDigest",
    "OverdueDigest",
    "OverdueReport",
    "ReportCluster",
    "answer_templates",
    "categories_active",
    "categories_for_reporter",
    "cluster_cell_size",
    "cluster_feature",
    "due_soon_horizon",
    "overdue_digest_data",
    "overdue_report",
    "public_map_page",
    "public_map_rows",
    "public_report_by_reference",
    "public_report_clusters",
    "public_report_clusters_geojson",
    "public_reports",
    "reports_around",
    "reports_created_by",
    "report_by_token",
    "report_public_history",
    "reports_due_soon",
    "reports_overdue",
    "reports_with_deadline_flags",
]
