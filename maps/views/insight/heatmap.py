"""/inzicht/kaart/: the planners' heatmap. The page draws what GET /api/v1/insight/cells/ answers (GeoJSON cells):
Leaflet draws GeoJSON without a plugin and the page needs the figures for its table and legend anyway. The same
cells as vector tiles (/api/v1/tiles/{z}/{x}/{y}.mvt) are offered to GIS clients such as QGIS, whose URL the page
shows with the chosen filters.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from geo_meldpunt.reports.choices import Kind
from geo_meldpunt.staff import roles
from geo_meldpunt.stats import heat

from ..backoffice.access import render_page, staff_required


def status_group_choices() -> list[tuple[str, str]]:
    return [
        ("open", _("Open (still being handled)")),
        ("solved", _("Solved (answered or closed)")),
        ("other", _("Other (merged, not admissible, passed on)")),
    ]


def weight_choices() -> list[tuple[str, str]]:
    return [("count", _("Number of reports")), ("impact", _("Felt impact (sum of the reporters' scores)"))]


def view_choices() -> list[tuple[str, str]]:
    return [("heat", _("Heat layer")), ("cells", _("Squares coloured by class"))]


def heatmap_config() -> dict:
    """What insight-heatmap.js needs: endpoints and every string it shows, translated here."""
    return {
        "urls": {
            "cells": reverse("api-insight-cells"),
            "tiles": reverse("api-tiles", kwargs={"z": 0, "x": 0, "y": 0}).replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt"),
        },
        "strings": {
            "loading": _("Loading the figures…"),
            "failed": _("The figures could not be loaded. Try again."),
            "summary_count": {
                "one": ngettext(
                    "%(total)s report in %(cells)s squares of about %(metres)s m.",
                    "%(total)s reports in %(cells)s squares of about %(metres)s m.",
                    1,
                ),
                "other": ngettext(
                    "%(total)s report in %(cells)s squares of about %(metres)s m.",
                    "%(total)s reports in %(cells)s squares of about %(metres)s m.",
                    2,
                ),
            },
            "summary_impact": _("Felt impact %(total)s in %(cells)s squares of about %(metres)s m."),
            "empty": _("No report matches these filters in this part of the map."),
            "legend_count": _("Reports per square"),
            "legend_impact": _("Felt impact per square (sum of the scores)"),
            "legend_range": _("%(low)s to %(high)s"),
            "legend_heat_note": _("The heat layer blends neighbouring squares; the table gives the exact figures."),
            "cell_label": _("%(value)s in this square: %(count)s reports, mean felt impact %(impact)s"),
            "no_impact": _("none given"),
            "near": _("near %(lat)s, %(lon)s"),
            "show": _("Show on the map"),
            "show_rank": _("square %(rank)s"),
        },
    }


@require_GET
@staff_required(roles.can_see_statistics)
def heatmap(request: HttpRequest) -> HttpResponse:
    """The page's filters start from the query string (a shared link opens the same view); the script keeps the
    query string up to date. Values the API would refuse are left out here and shown by it as field errors."""
    query = request.GET
    return render_page(
        request,
        "maps/insight/heatmap.html",
        {
            "kinds": Kind.choices,
            "category_groups": heat.category_groups(),
            "status_groups": status_group_choices(),
            "weights": weight_choices(),
            "views": view_choices(),
            "selected": {
                "kind": query.get("kind", ""),
                "category": query.get("category", ""),
                "status": query.get("status", ""),
                "from": query.get("from", ""),
                "to": query.get("to", ""),
                "weight": query.get("weight") if query.get("weight") in heat.WEIGHTS else "count",
                "view": query.get("view") if query.get("view") in ("heat", "cells") else "heat",
            },
            "heatmap": heatmap_config(),
        },
    )
