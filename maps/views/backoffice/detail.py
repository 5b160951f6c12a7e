"""A report's page in the back office, and the actions on it (each a POST that calls one service).

Two handlers at once: every action form carries the version the handler saw. When a colleague changed the report
meanwhile, the service refuses with Conflict; the page answers 409 with the report as it is now, a message that
says so, and the form as the handler filled it in (when the step is no longer possible, the typed text is shown
to copy). Nothing typed is lost. Forbidden answers the 403 page; other refusals (a missing text) 400 with the
message at the field.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.reports import duplicates, permissions, services
from geo_meldpunt.reports.models import OPEN_STATUSES, Kind, Report, Status
from geo_meldpunt.reports.selectors import answer_templates

from . import selectors
from .access import forbidden, render_page, staff_required
from .forms import MergeForm, NoteForm, ReassignForm, TransitionForm
from .mapdata import report_map
from .steps import STEPS

# Which form field a service's error belongs to, per action.
ERROR_FIELDS = {
    "transition": {"note": "note", "department": "department"},
    "reassign": {"department": "department", "reason": "reason"},
    "merge": {"into": "into_reference"},
    "note": {"text": "text"},
}


def _report_for(request: HttpRequest, reference: str) -> Report | HttpResponse:
    """The report, or the page that refuses it: 404 for an unknown reference, 403 for one the user may not see."""
    report = selectors.backoffice_report(reference=reference)
    if report is None:
        return render_page(request, "maps/backoffice/not_found.html", {"reference": reference}, status=404)
    if not permissions.can_view(request.user, report):
        return forbidden(request, _("This report belongs to another department; your role does not let you open it."))
    return report


@require_GET
@staff_required()
def report_detail(request: HttpRequest, reference: str) -> HttpResponse:
    report = _report_for(request, reference)
    if isinstance(report, HttpResponse):
        return report
    return render_page(request, "maps/backoffice/detail.html", detail_context(request, report))


# --- Actions -------------------------------------------------------------------------------------------------


def _act(
    request: HttpRequest,
    reference: str,
    *,
    action: str,
    make_form: Callable[[Report], Any],
    perform: Callable[[Report, dict], tuple[Report, str]],
) -> HttpResponse:
    """Bind the action's form, call its service through `perform`, and answer: back to the report with a message,
    or the report again with the form as submitted (400 invalid, 409 conflict), or the 403 page."""
    report = _report_for(request, reference)
    if isinstance(report, HttpResponse):
        return report
    form = make_form(report)
    if not form.is_valid():
        return _redisplay(request, report, action=action, form=form, status=400)
    try:
        updated, message = perform(report, form.cleaned_data)
    except services.Conflict as exc:
        return _redisplay(request, report, action=action, form=form, status=409, conflict=exc.message)
    except services.Forbidden as exc:
        return forbidden(request, exc.message)
    except ApplicationError as exc:
        field = ERROR_FIELDS[action.split(":")[0]].get(exc.field or "")
        form.add_error(field, exc.message)
        return _redisplay(request, report, action=action, form=form, status=400)
    messages.success(request, message)
    if permissions.can_view(request.user, updated):
        return redirect(reverse("backoffice:report", kwargs={"reference": updated.reference}) + "#status")
    return redirect("backoffice:queue")  # reassigned to a department the handler does not work for


def _redisplay(request: HttpRequest, report: Report, *, action: str, form: Any, status: int, conflict: str = ""):
    # Read again: a colleague may have changed it while this request ran.
    fresh = selectors.backoffice_report(reference=report.reference) or report
    context = detail_context(request, fresh, failed_action=action, failed_form=form, conflict=conflict)
    return render_page(request, "maps/backoffice/detail.html", context, status=status)


def _transition_auto_id(to: str) -> str:
    return f"{to if to in Status.values else 'step'}-%s"


@require_POST
@staff_required()
def report_transition(request: HttpRequest, reference: str) -> HttpResponse:
    to = request.POST.get("to", "")

    def perform(report: Report, data: dict) -> tuple[Report, str]:
        updated = services.report_transition(
            report=report,
            to=data["to"],
            by=request.user,
            note=data["note"],
            expected_version=data["version"],
            department=data["department"],
        )
        return updated, _("The report is now “%(status)s”.") % {"status": updated.get_status_display()}

    return _act(
        request,
        reference,
        action=f"transition:{to}",
        make_form=lambda report: TransitionForm(request.POST, auto_id=_transition_auto_id(to)),
        perform=perform,
    )


@require_POST
@staff_required()
def report_reassign(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(report: Report, data: dict) -> tuple[Report, str]:
        updated = services.report_reassign(
            report=report,
            department=data["department"],
            by=request.user,
            reason=data["reason"],
            expected_version=data["version"],
        )
        return updated, _("The report was reassigned to %(department)s.") % {
            "department": updated.department.localized_name()
        }

    return _act(
        request,
        reference,
        action="reassign",
        make_form=lambda report: ReassignForm(request.POST, current=report.department, auto_id="reassign-%s"),
        perform=perform,
    )


@require_POST
@staff_required()
def report_merge(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(report: Report, data: dict) -> tuple[Report, str]:
        into = selectors.backoffice_report(reference=data["reference"])
        if into is None:
            raise ApplicationError(
                _("No report has the reference %(reference)s.") % {"reference": data["reference"]}, field="into"
            )
        merged = services.report_merge(report=report, into=into, by=request.user, expected_version=data["version"])
        return merged, _("The report was merged into %(reference)s.") % {"reference": into.reference}

    return _act(
        request,
        reference,
        action="merge",
        make_form=lambda report: MergeForm(request.POST, auto_id="merge-%s"),
        perform=perform,
    )


@require_POST
@staff_required()
def report_note(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(report: Report, data: dict) -> tuple[Report, str]:
        # A note is appended and overwrites nothing, so the version it carries is not checked.
        services.report_note_add(report=report, by=request.user, text=data["text"])
        return report, _("The internal note was added.")

    return _act(
        request,
        reference,
        action="note",
        make_form=lambda report: NoteForm(request.POST, auto_id="note-%s"),
        perform=perform,
    )


# --- The page's content --------------------------------------------------------------------------------------


def detail_context(
    request: HttpRequest,
    report: Report,
    *,
    failed_action: str = "",
    failed_form: Any = None,
    conflict: str = "",
) -> dict:
    """Everything the report's page shows, for `request.user`'s role; `failed_*` put a refused form back."""
    user = request.user
    on = timezone.localdate()
    can_act = permissions.can_act(user, report)
    personal = permissions.can_see_personal_data(user, report)
    flags = selectors.report_with_flags(report, on=on)
    candidates = list(duplicates.report_duplicate_candidates(report=report, user=user))

    def form_for(action: str, make: Callable[[], Any]) -> Any:
        return failed_form if action == failed_action and failed_form is not None else make()

    allowed = permissions.allowed_transitions(user, report) if can_act else []
    steps = [
        {
            "to": to,
            "label": Status(to).label,
            "step": STEPS[to],
            "action": f"transition:{to}",
            "form": form_for(f"transition:{to}", partial(TransitionForm, auto_id=_transition_auto_id(to))),
            "open": failed_action == f"transition:{to}",
        }
        for to in STEPS  # the page's order, not the workflow table's (a set)
        if to in allowed
    ]
    can_merge = Status.SAMENGEVOEGD in allowed and report.kind != Kind.COMPLIMENT
    can_reassign = can_act and report.status in OPEN_STATUSES and permissions.can_reassign(user, report)
    merge_candidates = [r for r in candidates if r.kind != Kind.COMPLIMENT] if can_merge else []
    offered = {s["action"] for s in steps} | {
        a for a, ok in (("merge", can_merge), ("reassign", can_reassign), ("note", can_act)) if ok
    }
    templates = _templates(report) if any(s["step"].templates for s in steps) else []

    return {
        "report": report,
        "flags": flags,
        "zone_name": selectors.report_zone_name(report),
        "can_act": can_act,
        "personal": personal,
        "quick_steps": [s for s in steps if s["step"].quick],
        "text_steps": [s for s in steps if not s["step"].quick],
        "external_bodies": list(selectors.external_bodies()) if any(s["step"].department for s in steps) else [],
        "answer_templates": templates,
        "answer_template_bodies": {str(t.pk): t.body for t in templates},
        "can_merge": can_merge,
        "merge_candidates": merge_candidates,
        "merge_form": form_for("merge", lambda: MergeForm(auto_id="merge-%s")),
        "can_reassign": can_reassign,
        "reassign_departments": list(selectors.reassignment_departments(exclude=report.department))
        if can_reassign
        else [],
        "reassign_form": form_for("reassign", lambda: ReassignForm(current=report.department, auto_id="reassign-%s")),
        "note_form": form_for("note", lambda: NoteForm(auto_id="note-%s")),
        "failed_action": failed_action,
        "failed_errors": _errors(failed_form),
        "conflict": conflict,
        # A refused form whose step is no longer offered: its text is shown to copy, so nothing typed is lost.
        "orphan_text": _typed_text(failed_form) if failed_action and failed_action not in offered else "",
        "history": [_history_item(event) for event in selectors.report_history(report)],
        "emails": list(selectors.report_emails(report)),
        "surveys": list(selectors.report_surveys(report)),
        "merged_reports": list(selectors.report_merged_reports(report)),
        "followers_count": selectors.report_followers_count(report),
        "photos": list(report.photos.all()),
        "duplicate_candidates": candidates,
        "detail_map": report_map(report, candidates),
    }


def _templates(report: Report) -> list:
    """Answer templates of the report's department, those in the reporter's language first."""
    found = list(answer_templates(department=report.department))
    return sorted(found, key=lambda t: (t.language != report.language, t.position, t.title))


def _errors(form: Any) -> list[str]:
    return [message for messages in form.errors.values() for message in messages] if form is not None else []


def _typed_text(form: Any) -> str:
    if form is None:
        return ""
    data = form.data
    return next((data.get(name, "").strip() for name in ("note", "reason", "text") if data.get(name, "").strip()), "")


def _history_item(event) -> dict:
    actor = event.actor
    return {
        "event": event,
        "actor": (actor.get_full_name() or actor.get_username()) if actor is not None else "",
        "department": event.department.localized_name() if event.department is not None else "",
        "from_label": Status(event.from_status).label if event.from_status in Status.values else "",
        "to_label": Status(event.to_status).label if event.to_status in Status.values else "",
    }
