"""The yearly report on complaint handling (/inzicht/jaarverslag/<year>/): the council's yearly report that the
Decreet Lokaal Bestuur asks for, printed or saved as PDF by the coordinator (print CSS: A4, page breaks, no menu).

Totals, deadlines met, satisfaction and ombudsman referrals, per department, each beside the previous year. Every
table links to its CSV (the dashboard's export for that year). A fixed number of queries, as the dashboard.

The year's top recurring hotspots (geo_meldpunt/hotspots/, detected over the calendar year) follow, each with its
small server-drawn map, so the printed report needs no script and no tiles. They are read from the detection the
worker keeps for that year (the first request for a year asks for it and the page says it is being prepared;
`manage.py hotspots_prepare_year <year>` computes it beforehand). A past year's is final once computed.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET

from geo_meldpunt.hotspots.services import hotspots_detection_request
from geo_meldpunt.staff import roles
from geo_meldpunt.stats.filters import YEAR, Period, ReportFilter
from geo_meldpunt.stats.jit import jit_off
from geo_meldpunt.stats.labels import dimension_lookups
from maps.views.backoffice.access import render_page, staff_required

from .figures import Figures

YEARLY_HOTSPOTS = 5  # the council reads the top few; the full list is /inzicht/hotspots/
FIRST_YEAR = 2000  # earlier years hold no reports (the legacy import goes back a few years at most)


@require_GET
@staff_required(roles.can_see_statistics)
def report(request: HttpRequest, year: int) -> HttpResponse:
    now = timezone.now()
    if not FIRST_YEAR <= year <= timezone.localtime(now).year:
        raise Http404
    period = Period.year(year)
    hotspots = hotspots_detection_request(
        start=dt.date(year, 1, 1), end=dt.date(year + 1, 1, 1), category=None, now=now, limit=YEARLY_HOTSPOTS
    )
    # One transaction for the page's aggregates, without JIT (stats/jit.py: compiling costs more than it gains).
    with jit_off():
        figures = Figures(period=period, report_filter=ReportFilter(), lookups=dimension_lookups(), now=now)
        return render_page(
            request,
            "maps/insight/yearly.html",
            {
                "year": year,
                "previous_year": year - 1,
                "figures": figures,
                "headlines": figures.headlines(open_now=False),  # "open now" says nothing about a past year
                "kinds": figures.dimension_table("kind"),
                "channels": figures.dimension_table("channel"),
                "departments": figures.dimension_table("department"),
                "timeliness": figures.timeliness_table("department"),
                "satisfaction": figures.satisfaction_table(),
                "trend": figures.trend_table(),
                "hotspots": hotspots.hotspots,
                "hotspots_stored": hotspots,
                "export_query": f"period={YEAR}&on={dt.date(year, 1, 1).isoformat()}",
                "generated": timezone.localtime(now),
            },
        )


@require_GET
@staff_required(roles.can_see_statistics)
def latest(request: HttpRequest) -> HttpResponse:
    """The last complete year's report."""
    return redirect("insight:yearly", year=timezone.localdate().year - 1)
