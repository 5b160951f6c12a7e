"""Recurring hotspots for planners: /inzicht/hotspots/ (the list, filtered by period and category) and one stored
hotspot with its reports, weekly history and structural actions (before/after).

Every insight role may read (staff.roles.can_see_statistics); a planner, the coordinator and administrators record
actions. No personal data: reports are shown by reference, date and status only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.hotspots import selectors
from geo_meldpunt.hotspots.models import Hotspot
from geo_meldpunt.hotspots.services import (
    hotspot_action_record,
    hotspots_detection_request,
    hotspots_weekly_read,
)
from geo_meldpunt.staff import roles
from geo_meldpunt.staff.groups import ADMINISTRATOR, COORDINATOR, PLANNER

from ..backoffice.access import render_page, staff_required
from .hotspot_forms import ActionForm, HotspotFilterForm

ACTION_ROLES = frozenset({PLANNER, COORDINATOR, ADMINISTRATOR})


def can_record_action(user: Any) -> bool:
    """Planners decide on structural actions with the coordinator; management reads."""
    return bool(roles.roles_of(user) & ACTION_ROLES)


def _with_reports(figures: selectors.HotspotFigures, reports: list) -> selectors.HotspotFigures:
    figures.extra["reports"] = reports
    return figures


@require_GET
@staff_required(roles.can_see_statistics)
def hotspot_list(request: HttpRequest) -> HttpResponse:
    """Never detects in the request (seconds over a year of a city's reports): without filters it reads the latest
    weekly snapshot; another period or a category reads the detection the worker keeps for it, asking for one the
    first time (the page says it is being prepared; a reload shows it)."""
    now = timezone.now()
    form = HotspotFilterForm(request.GET or None, today=timezone.localdate(now))
    if form.is_default():
        stored = hotspots_weekly_read(now=now)
    else:
        start, end = form.period()
        stored = hotspots_detection_request(
            start=start, end=end, category=form.chosen_category(), now=now, limit=settings.HOTSPOTS_LIST_LIMIT
        )
    found = stored.hotspots
    shown = settings.HOTSPOTS_REPORTS_SHOWN
    # One query for the reports behind every hotspot on the page (the newest of each).
    wanted = [i for f in found for i in f.report_ids[:shown]]
    reports = {r.pk: r for r in selectors.reports_behind(wanted, limit=len(wanted))}
    hotspots = [_with_reports(f, [reports[i] for i in f.report_ids[:shown] if i in reports]) for f in found]
    return render_page(
        request,
        "maps/insight/hotspots.html",
        {
            "form": form,
            "stored": stored,
            "start": stored.start,
            "last_day": stored.last_day,
            "hotspots": hotspots,
            "reports_shown": shown,
            "settings_eps": settings.HOTSPOTS_EPS_M,
            "settings_min_reports": settings.HOTSPOTS_MIN_REPORTS,
            "settings_min_months": settings.HOTSPOTS_MIN_MONTHS,
        },
    )


def _hotspot(pk: int) -> Hotspot:
    try:
        return Hotspot.objects.select_related("category", "department").get(pk=pk)
    except Hotspot.DoesNotExist:
        raise Http404 from None


def _detail_page(request: HttpRequest, hotspot: Hotspot, action_form: ActionForm, *, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    latest = selectors.hotspot_latest_observation(hotspot)
    report_ids = latest.report_ids if latest else []
    reports = selectors.reports_behind(report_ids, limit=settings.HOTSPOTS_REPORTS_SHOWN)
    why = selectors.observation_why(latest, category=hotspot.category) if latest else ""
    markers = [
        {
            "lat": r.point.y,  # type: ignore[union-attr]  # report_places has only reports with a place
            "lon": r.point.x,  # type: ignore[union-attr]
            "reference": r.reference,
            "url": f"#report-{r.reference}",
            "label": f"{r.reference} – {r.created_at:%d/%m/%Y} – {r.get_status_display()}",
        }
        for r in selectors.report_places(report_ids)
    ]
    return render_page(
        request,
        "maps/insight/hotspot_detail.html",
        {
            "hotspot": hotspot,
            "latest": latest,
            "why": why,
            "reports": reports,
            "report_count": len(report_ids),
            "history": selectors.hotspot_history(hotspot),
            "actions": [selectors.action_before_after(action=a, today=today) for a in hotspot.actions.all()],
            "action_form": action_form if can_record_action(request.user) else None,
            "hotspot_map": {
                "center": [hotspot.centre.y, hotspot.centre.x],
                "label": _("Map of the hotspot and its reports"),
                "report": {"lat": hotspot.centre.y, "lon": hotspot.centre.x, "label": _("Centre of the hotspot")},
                "markers": markers,
            },
        },
        status=status,
    )


@require_GET
@staff_required(roles.can_see_statistics)
def hotspot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hotspot = _hotspot(pk)
    return _detail_page(request, hotspot, ActionForm(initial={"date": timezone.localdate()}))


@require_http_methods(["POST"])
@staff_required(can_record_action)
def hotspot_action(request: HttpRequest, pk: int) -> HttpResponse:
    hotspot = _hotspot(pk)
    form = ActionForm(request.POST)
    if form.is_valid():
        try:
            hotspot_action_record(
                hotspot=hotspot,
                date=form.cleaned_data["date"],
                description=form.cleaned_data["description"],
                by=request.user,
                today=timezone.localdate(),
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The action is recorded."))
            return redirect(reverse("insight:hotspot", kwargs={"pk": hotspot.pk}) + "#actions")
    return _detail_page(request, hotspot, form, status=400)
