"""The back office's lists: a handler's queue (list and map), the coordinator's unroutable reports, a department's
compliments, the ombudsdienst's cases and the planner's page.

A queue page costs one query for its rows and one count, whatever the number of reports (plus the filter's
choices and the user's roles, a fixed few): the map's markers come from the same rows, no extra request.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET

from geo_meldpunt.reports.models import Report
from geo_meldpunt.staff import roles

from . import access, selectors
from .access import forbidden, render_page, staff_required
from .forms import queue_filter_form
from .mapdata import queue_map

PAGE_SIZE = 50


@require_GET
@staff_required()
def queue(request: HttpRequest) -> HttpResponse:
    """The reports the user may see: a handler's department, everything for the coordinator. Roles without a
    queue are sent to their own page (the ombudsdienst to its cases, the planner to the insight pages)."""
    user = request.user
    if not access.has_queue(user):
        if access.has_ombudsman_page(user):
            return redirect("backoffice:ombudsman")
        if roles.can_see_statistics(user):
            return redirect("insight:dashboard")
        return forbidden(request)
    return _queue_page(request, unroutable=False)


@require_GET
@staff_required(roles.is_coordinator)
def unroutable(request: HttpRequest) -> HttpResponse:
    """Reports no rule could route, waiting for the coordinator to give them to a department."""
    return _queue_page(request, unroutable=True)


def _queue_page(request: HttpRequest, *, unroutable: bool) -> HttpResponse:
    on = timezone.localdate()
    form = queue_filter_form(request.GET, on=on, with_department=roles.is_coordinator(request.user) and not unroutable)
    select = selectors.backoffice_unroutable if unroutable else selectors.backoffice_queue
    page = Paginator(select(user=request.user, filters=form.filters(), on=on), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows: list[Report] = list(page.object_list)
    return render_page(
        request,
        "maps/backoffice/queue.html",
        {
            "unroutable": unroutable,
            "form": form,
            "page": page,
            "rows": rows,
            "querystring": _querystring_without_page(request),
            "queue_map": queue_map(rows),
            # A handler of one department needs no department column.
            "show_department": roles.is_coordinator(request.user) or len(roles.department_ids_of(request.user)) != 1,
        },
    )


def _querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
@staff_required(access.has_compliments)
def compliments(request: HttpRequest) -> HttpResponse:
    """The compliments one department received (a handler's own; any department for the coordinator)."""
    departments = list(selectors.handler_departments(request.user))
    chosen = next((d for d in departments if d.slug == request.GET.get("department")), None)
    if chosen is None and departments:
        chosen = next((d for d in departments if d.is_coordinator), departments[0])
    page = None
    if chosen is not None:
        page = Paginator(selectors.department_compliments(user=request.user, department=chosen), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    return render_page(
        request,
        "maps/backoffice/compliments.html",
        {"departments": departments, "department": chosen, "page": page},
    )


@require_GET
@staff_required(access.has_ombudsman_page)
def ombudsman(request: HttpRequest) -> HttpResponse:
    """Dissatisfied reporters referred to the ombudsdienst; each case opens read-only with its history."""
    page = Paginator(selectors.ombudsman_cases(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "maps/backoffice/ombudsman.html", {"page": page})


@require_GET
@staff_required(roles.can_see_statistics)
def statistics(request: HttpRequest) -> HttpResponse:
    """The statistics moved to the insight pages (/inzicht/); old bookmarks lead there."""
    return redirect("insight:dashboard", permanent=True)
