"""Every figure of the insight pages as CSV, and the list of reports without personal data, streamed.

The rows are written out as they are read (StreamingHttpResponse over a generator; the report list reads with a
server-side cursor in chunks), so a million reports download in constant memory. The filters and period are the
dashboard's (the same query string), so a download holds what the page showed. UTF-8, comma-separated, a header
row; numbers plain (a dot for decimals, percentages as 87.5), dates and times ISO 8601 in the city's time zone.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from geo_meldpunt.staff import roles
from geo_meldpunt.stats.filters import city_tz
from geo_meldpunt.stats.labels import dimension_lookups
from geo_meldpunt.stats.report_list import COLUMNS, report_list_rows
from maps.views.backoffice.access import staff_required

from .dashboard_form import InsightFilterForm
from .figures import Figures


class _Echo:
    """A file whose write returns what it was given: csv.writer formats a row, the generator yields it."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def _csv_response(filename: str, lines: Iterator[str]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _form(request: HttpRequest) -> InsightFilterForm:
    return InsightFilterForm(request.GET, lookups=dimension_lookups(), today=timezone.localdate())


@require_GET
@staff_required(roles.can_see_statistics)
def figure_csv(request: HttpRequest, figure: str) -> StreamingHttpResponse:
    """One figure's table (its rows, then the total), as on the dashboard for the same query string."""
    form = _form(request)
    period = form.period_chosen()
    figures = Figures(period=period, report_filter=form.report_filter(), lookups=form.lookups, now=timezone.now())
    table = figures.table(figure)
    if table is None:
        raise Http404
    rows = [*table.rows, *([table.total] if table.total else [])]
    return _csv_response(
        f"meldpunt-{table.slug}-{period.unit}-{period.first.isoformat()}.csv",
        _csv_lines(table.headers, ([cell.value for cell in row] for row in rows)),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(city_tz()).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


@require_GET
@staff_required(roles.can_see_statistics)
def report_list_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every report received in the period that matches the filters, one row each, no personal data
    (stats/report_list.py says what is left out and why). `?period=all` takes every period."""
    form = _form(request)
    every_period = request.GET.get("period") == "all"
    period = form.period_chosen()
    rows = report_list_rows(
        report_filter=form.report_filter(),
        start=None if every_period else period.start,
        end=None if every_period else period.end,
    )
    name = "all" if every_period else f"{period.unit}-{period.first.isoformat()}"
    return _csv_response(
        f"meldpunt-meldingen-{name}.csv", _csv_lines(list(COLUMNS), ([_plain(v) for v in row] for row in rows))
    )
