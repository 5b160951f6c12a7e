"""The planners' list of reports, for a spreadsheet: one row per report, without personal data.

Left out on purpose: the reporter's name, e-mail and phone, the description and the answer (free text in which
people write names and numbers), the address (often someone's home), the staff member a compliment names, the
tracking token and the photos. The place is the point rounded to 4 decimals (about 10 m), enough to see a
street, not a doorway.

Read with a server-side cursor in chunks (`.iterator(chunk_size=...)`), so a million rows stream in constant
memory: the caller writes each row out as it comes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Exists, FloatField, OuterRef, Subquery
from django.db.models.expressions import RawSQL

from geo_meldpunt.feedback.models import OmbudsmanReferral, SatisfactionSurvey
from geo_meldpunt.reports.models import Report

from .filters import Period, ReportFilter

CHUNK_SIZE = 2000
# A coordinate of the stored point (geography, WGS84) rounded to 4 decimals; %s is ST_X or ST_Y.
_ROUNDED = 'round(%s("reports_report"."point"::geometry)::numeric, 4)::float8'

# The export's columns, in order (the CSV header; docs/design.md describes them).
COLUMNS: tuple[str, ...] = (
    "reference",
    "kind",
    "category",
    "department",
    "zone",
    "channel",
    "status",
    "created_at",
    "acknowledge_due",
    "acknowledged_at",
    "answer_due",
    "answered_at",
    "closed_at",
    "paused_days",
    "impact",
    "longitude",
    "latitude",
    "satisfaction",
    "referred_to_ombudsman",
)


def report_list_rows(
    *, report_filter: ReportFilter, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> Iterator[tuple[Any, ...]]:
    """Rows in COLUMNS' order for the reports received in [start, end) (each bound optional) that match the
    filter, oldest first. One query, streamed."""
    qs = Report.objects.filter(report_filter.q())
    if start is not None:
        qs = qs.filter(created_at__gte=start)
    if end is not None:
        qs = qs.filter(created_at__lt=end)
    last_score = (
        SatisfactionSurvey.objects.filter(report=OuterRef("pk"), answered_at__isnull=False)
        .order_by("-answered_at")
        .values("score")[:1]
    )
    qs = qs.annotate(
        lon=RawSQL(_ROUNDED % "ST_X", (), output_field=FloatField()),
        lat=RawSQL(_ROUNDED % "ST_Y", (), output_field=FloatField()),
        satisfaction=Subquery(last_score),
        referred=Exists(OmbudsmanReferral.objects.filter(report=OuterRef("pk"))),
    ).order_by("created_at", "id")
    return qs.values_list(
        "reference",
        "kind",
        "category__slug",
        "department__slug",
        "zone__slug",
        "channel",
        "status",
        "created_at",
        "acknowledge_due",
        "acknowledged_at",
        "answer_due",
        "answered_at",
        "closed_at",
        "paused_days",
        "impact",
        "lon",
        "lat",
        "satisfaction",
        "referred",
    ).iterator(chunk_size=CHUNK_SIZE)


def period_bounds(period: Period | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    return (None, None) if period is None else (period.start, period.end)
