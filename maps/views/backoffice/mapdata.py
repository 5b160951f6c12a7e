"""What the back office's maps show: the queue's rows, or one report with its probable duplicates.

Both maps draw the same markers (maps/static/maps/js/backoffice-map.js reads this shape), built by one helper.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils.translation import gettext as _

from geo_meldpunt.reports.models import Report


def report_marker(report: Report, point: Point) -> dict:
    """One report's marker at `point` (its place), with a link to its page and a label; red when its flags say it
    is overdue."""
    return {
        "lat": point.y,
        "lon": point.x,
        "reference": report.reference,
        "url": reverse("backoffice:report", kwargs={"reference": report.reference}),
        "label": f"{report.reference} – {report.category.localized_name()} – {report.get_status_display()}",
        "overdue": bool(getattr(report, "is_overdue", False)),
    }


def _markers(reports: Iterable[Report]) -> list[dict]:
    return [report_marker(r, r.point) for r in reports if r.point is not None]


def queue_map(rows: list[Report]) -> dict:
    """The markers of the rows on a queue's page (those with a place)."""
    return {"label": _("Map of the reports on this page"), "markers": _markers(rows)}


def report_map(report: Report, candidates: list[Report]) -> dict | None:
    """The report (a star) and its probable duplicates; None for a report without a place."""
    if report.point is None:
        return None
    return {
        "center": [report.point.y, report.point.x],
        "label": _("Map: report %(reference)s and possible duplicates") % {"reference": report.reference},
        "report": {
            "lat": report.point.y,
            "lon": report.point.x,
            "label": _("Report %(reference)s (this report)") % {"reference": report.reference},
        },
        "markers": _markers(candidates),
    }
