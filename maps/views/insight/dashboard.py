"""The dashboard (/inzicht/): what came in, how it was handled, for the chosen period and filters.

A fixed number of queries whatever the number of reports: the user's roles, the three lookups (categories,
departments, zones) and one set-based query per figure (counts, trend, timeliness, backlog, satisfaction).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from geo_meldpunt.staff import roles
from geo_meldpunt.stats import dashboard as stats_dashboard
from geo_meldpunt.stats.jit import jit_off
from geo_meldpunt.stats.labels import dimension_lookups
from maps.views.backoffice.access import render_page, staff_required

from .dashboard_form import InsightFilterForm
from .figures import Figures


@require_GET
@staff_required(roles.can_see_statistics)
def page(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    lookups = dimension_lookups()
    form = InsightFilterForm(request.GET, lookups=lookups, today=timezone.localtime(now).date())
    # One transaction for the page's aggregates, without JIT (stats/jit.py: compiling costs more than it gains).
    with jit_off():
        figures = Figures(period=form.period_chosen(), report_filter=form.report_filter(), lookups=lookups, now=now)
        counts = [figures.dimension_table(d) for d in stats_dashboard.DIMENSIONS]
        return render_page(
            request,
            "maps/insight/dashboard.html",
            {
                "form": form,
                "figures": figures,
                "headlines": figures.headlines(),
                "trend": figures.trend_table(),
                "counts": counts,
                "timeliness": [figures.timeliness_table("department"), figures.timeliness_table("category")],
                "backlog": figures.backlog_table(),
                "satisfaction": figures.satisfaction_table(),
                "querystring": request.GET.urlencode(),
            },
        )
