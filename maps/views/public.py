"""The public pages: home, the public map and the reporter's tracking page."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import cache_control

from geo_meldpunt.reports import selectors
from geo_meldpunt.reports.models import OPEN_STATUSES, SOLVED_STATUSES, Category, Report, ReportEvent, Status

# Solved: the reporter got an answer. The map shows these next to the open ones so that people see what happens.

# Statuses in which an external body has the report. Not doorgegeven: a compliment passed on went to a city service.
FORWARDED_STATUSES = (Status.DOORVERWEZEN,)

# The map's status filter: a choice in the page, a list of statuses for the API.
STATUS_FILTERS = {
    "all": (gettext_lazy("Open and solved"), (*OPEN_STATUSES, *SOLVED_STATUSES)),
    "open": (gettext_lazy("Open"), OPEN_STATUSES),
    "solved": (gettext_lazy("Solved"), SOLVED_STATUSES),
}

# What each status means for the reporter, in plain words (the status names alone are the city's jargon).
STATUS_EXPLANATIONS: dict[str, object] = {
    Status.NIEUW: gettext_lazy("Your report has arrived. It goes to the department that handles it."),
    Status.ONTVANGEN: gettext_lazy("The department has received your report and will handle it."),
    Status.IN_BEHANDELING: gettext_lazy("The department is working on it."),
    Status.WACHT_OP_MELDER: gettext_lazy(
        "The department needs more information from you. Check your e-mail; the deadline waits for your answer."
    ),
    Status.DOORVERWEZEN: gettext_lazy("Your report was forwarded to the organisation that is responsible for it."),
    Status.BEANTWOORD: gettext_lazy("Your report has been answered."),
    Status.AFGESLOTEN: gettext_lazy("Your report is closed."),
    Status.HEROPEND: gettext_lazy("Your report was opened again and is being handled."),
    Status.SAMENGEVOEGD: gettext_lazy(
        "Someone reported the same problem earlier: your report was joined to that one and handled with it."
    ),
    Status.NIET_ONTVANKELIJK: gettext_lazy("The city cannot handle this report."),
    Status.DOORGEGEVEN: gettext_lazy("Your compliment was passed on to the service concerned."),
}


def home(request):
    return render(request, "maps/home.html", {"kaart": kaart_context(category=None, status="all")})


def kaart(request):
    status = request.GET.get("status", "all")
    if status not in STATUS_FILTERS:
        status = "all"
    groups = _category_groups(list(selectors.categories_active()))
    category = request.GET.get("category") or None
    if category not in _public_slugs(groups):
        category = None
    return render(
        request,
        "maps/kaart.html",
        {
            "kaart": kaart_context(category=category, status=status),
            "category_groups": groups,
            "status_choices": [(key, label) for key, (label, _statuses) in STATUS_FILTERS.items()],
            "selected_category": category,
            "selected_status": status,
        },
    )


# The tracking page is the reporter's own (their report, its history and answer): no shared cache may keep it and
# no browser may write it to disk.
@cache_control(private=True, no_store=True)
def track(request, token: str):
    report = selectors.report_by_token(token=token)
    if report is None:
        return render(request, "404.html", {"tracking_unknown": True}, status=404)
    history = list(selectors.report_public_history(report))
    location = [report.point.y, report.point.x] if report.point is not None else None
    return render(
        request,
        "maps/track.html",
        {
            "report": report,
            "history": [_history_item(event, current_answer=report.answer) for event in history],
            "forwarded_to": _forwarded_to(report, history),
            "status_explanation": STATUS_EXPLANATIONS.get(report.status, ""),
            "is_open": report.status in OPEN_STATUSES,
            "track_map": {"location": location},
        },
    )


# --- Helpers ----------------------------------------------------------------------------------------------


def _forwarded_to(report: Report, history: list[ReportEvent]):
    """The external body that has the report now: the one it was last forwarded to, or its external department."""
    if report.status in FORWARDED_STATUSES:
        for event in reversed(history):
            if event.event_type == ReportEvent.Type.FORWARDED and event.department is not None:
                return event.department if event.department.is_external else None
    return report.department if report.department.is_external else None


def _history_item(event: ReportEvent, *, current_answer: str) -> dict:
    """One line of the public history, in the reporter's words rather than the workflow's."""
    department = event.department.localized_name() if event.department is not None else ""
    kind = event.event_type
    note = event.note
    if kind == ReportEvent.Type.CREATED:
        # The creating event's note is the routing rule that applied: staff language, not the reporter's.
        text = _("Your report was received and went to %(department)s.") % {"department": department}
        note = ""
    elif kind in (ReportEvent.Type.ROUTED, ReportEvent.Type.REASSIGNED):
        text = _("Passed on to %(department)s.") % {"department": department}
        note = ""
    elif kind == ReportEvent.Type.FORWARDED and event.to_status == Status.DOORGEGEVEN:
        text = _("Passed on to %(department)s.") % {"department": department}  # a compliment, to a city service
    elif kind == ReportEvent.Type.FORWARDED:
        text = _("Forwarded to %(department)s.") % {"department": department}
    elif kind == ReportEvent.Type.ANSWER:
        text = _("The city answered.")
        if note == current_answer:  # shown in full above the history
            note = ""
    elif kind == ReportEvent.Type.MERGED:
        text = _("Joined to an earlier report about the same problem.")
    elif kind == ReportEvent.Type.FOLLOWED:
        text = _("Someone else reported the same problem and follows it too.")
        note = ""
    elif kind == ReportEvent.Type.STATUS and event.to_status:
        text = _("Status: %(status)s.") % {"status": event.get_to_status_display()}
    else:
        text = event.get_event_type_display().capitalize()
    return {"created_at": event.created_at, "text": text, "note": note, "event_type": kind}


def _category_groups(categories: list[Category]) -> list[dict]:
    """Public categories for the filter, grouped under their top-level category (<optgroup>s).

    A public top-level category is a choice itself (it covers its children); a group whose top level is not
    public (ideas) still groups its public children, without a choice for the whole group.
    """
    children: dict[int, list[Category]] = {}
    for c in categories:
        if c.parent_id is not None and c.is_public:
            children.setdefault(c.parent_id, []).append(c)
    return [
        {"category": c, "choosable": c.is_public, "children": children.get(c.pk, [])}
        for c in categories
        if c.parent_id is None and (c.is_public or c.pk in children)
    ]


def _public_slugs(groups: list[dict]) -> set[str]:
    slugs = {g["category"].slug for g in groups if g["choosable"]}
    return slugs | {child.slug for g in groups for child in g["children"]}


def kaart_context(*, category: str | None, status: str) -> dict:
    """What kaart.js needs: endpoints, filters, status groups and every string it shows (translated here)."""
    return {
        "urls": {
            "clusters": "/api/v1/reports/clusters/",  # the clusters endpoint's contract path
            "reports": reverse("api-reports"),
        },
        "filters": {"category": category or "", "status": status},
        "statuses": {key: list(statuses) for key, (_label, statuses) in STATUS_FILTERS.items()},
        "open_statuses": list(OPEN_STATUSES),
        "page_size": 500,
        "strings": {
            "reports_in_area": {
                "one": ngettext("%(count)s report in this area", "%(count)s reports in this area", 1),
                "other": ngettext("%(count)s report in this area", "%(count)s reports in this area", 2),
            },
            "cluster_label": {
                "one": ngettext(
                    "%(count)s report here. Select to zoom in.", "%(count)s reports here. Select to zoom in.", 1
                ),
                "other": ngettext(
                    "%(count)s report here. Select to zoom in.", "%(count)s reports here. Select to zoom in.", 2
                ),
            },
            "zoom_in_for_details": _("Zoom in further to see the reports one by one."),
            "more_than_shown": _("More than %(shown)s reports in this area."),
            "showing_most_recent": _("The map shows the %(shown)s most recent of them. Zoom in to see the others."),
            "no_reports": _("No reports in this area with these filters."),
            "loading": _("Loading reports…"),
            "load_failed": _("The reports could not be loaded. Try again in a moment."),
            "reference": _("Reference"),
            "category": _("Category"),
            "status": _("Status"),
            "reported_on": _("Reported on"),
            "photo_alt": _("Photo %(number)s of this report"),
            "address": _("Address"),
            "handled_by": _("Handled by"),
            "marker_label": _("%(category)s, %(status)s"),
            "list_heading": _("Reports in this area"),
        },
    }
