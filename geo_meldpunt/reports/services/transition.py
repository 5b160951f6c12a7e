"""Moving a report through the workflow: the only code that changes a status, and the notes beside it.

`report_transition` locks the row, checks the table (workflow.py) and the actor's role (permissions.py), appends a
history event, moves the deadlines (sla.py), takes the satisfaction loop's steps (an answer asks the reporter how
satisfied they are; reopening withdraws that question) and lets notifications write their outbox, all in one
transaction; the e-mails are sent after commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.feedback import services as feedback
from geo_meldpunt.notifications import dispatch

from .. import permissions, sla, workflow
from ..models import Kind, Report, ReportEvent, Status, deadlines_config
from .common import Forbidden, actor_of, report_lock, version_check

if TYPE_CHECKING:
    from geo_meldpunt.zones.models import Department

# The history event a status change writes; any other step is a plain status event.
EVENT_TYPES: Mapping[str, str] = {
    Status.BEANTWOORD: ReportEvent.Type.ANSWER,
    Status.DOORVERWEZEN: ReportEvent.Type.FORWARDED,
    Status.DOORGEGEVEN: ReportEvent.Type.FORWARDED,
    Status.SAMENGEVOEGD: ReportEvent.Type.MERGED,
}


@transaction.atomic
def report_transition(
    *,
    report: Report,
    to: str,
    by: Any,
    note: str = "",
    expected_version: int | None = None,
    department: Department | None = None,
) -> Report:
    """Move a report to status `to`: the only code that changes a status. Returns the updated report.

    Locks the row; refuses with Conflict when `expected_version` (the version the caller showed its user) is
    no longer current, with ApplicationError when the workflow table has no such step or a required text or
    department is missing, with Forbidden when `by`'s role does not allow it. Then sets the status and its
    timestamps, moves the answer deadline out of a pause, bumps the version, appends the history event, takes
    the satisfaction loop's step and hands the event to notifications (outbox written now, sent after commit).

    `note`: the text the step needs (the answer, the reason, what is needed from the reporter); for steps whose
    text the reporter does not see it is kept as an internal note. `department`: the external body a report is
    forwarded to (defaults to the report's own department when that is external).
    """
    locked = report_lock(report)
    version_check(locked, expected_version)
    from_status = locked.status
    if not workflow.is_allowed(locked.kind, from_status, to):
        raise ApplicationError(
            _("A %(kind)s with status “%(from)s” cannot go to “%(to)s”.")
            % {"kind": Kind(locked.kind).label, "from": Status(from_status).label, "to": _status_label(to)},
            field="status",
            code="transition_not_allowed",
        )
    if not permissions.can_transition(by, locked, to):
        raise Forbidden(
            _("Your role does not allow you to put this report in status “%(to)s”.") % {"to": Status(to).label},
            code="forbidden",
        )
    if to in workflow.MERGE_ONLY and locked.merged_into_id is None:
        raise ApplicationError(
            _("Merge the report into the report it duplicates instead."), field="status", code="merge_only"
        )
    note = note.strip()
    if to in workflow.NOTE_REQUIRED and not note:
        raise ApplicationError(str(workflow.NOTE_REQUIRED[to]), field="note", code="required")
    event_department = _event_department(locked, to, department)

    _clock_move(locked, from_status=from_status, to=to, note=note)
    locked.status = to
    locked.version += 1
    locked.save(
        update_fields=[
            "status", "version", "answer_due", "acknowledged_at", "answered_at", "answer", "closed_at",
            "paused_since", "paused_working_days", "paused_days", "updated_at",
        ]
    )  # fmt: skip

    public_note = to in workflow.PUBLIC_NOTE
    event = ReportEvent.objects.create(
        report=locked,
        event_type=EVENT_TYPES.get(to, ReportEvent.Type.STATUS),
        from_status=from_status,
        to_status=to,
        actor=actor_of(by),
        department=event_department,
        note=note if public_note else "",
        public=True,
    )
    if note and not public_note:
        note_append(report=locked, by=by, text=note)
    dispatch.report_transitioned_notify(report=locked, event=event)
    # The satisfaction loop, after the answer's e-mails so the question follows the answer in the outbox.
    if to == Status.BEANTWOORD and locked.kind != Kind.COMPLIMENT and locked.reporter_email:
        feedback.survey_create(report=locked, dedupe=f"{locked.pk}:{event.pk}")
    elif to == Status.HEROPEND:
        feedback.surveys_withdraw(report=locked)  # the answer it asked about no longer stands
    return locked


def _clock_move(locked: Report, *, from_status: str, to: str, note: str) -> None:
    """Set the timestamps and deadlines the step changes on the locked row (saved by the caller).

    The regulation is read only by the two steps that need a deadline's length: most steps add no query.
    """
    now = timezone.now()
    today = timezone.localdate(now)
    if from_status == workflow.PAUSED and locked.paused_since is not None:
        pause = sla.pause_length(timezone.localdate(locked.paused_since), today)
        locked.paused_working_days += pause.working_days
        locked.paused_days += pause.days
        deadline = _answer_deadline(locked) if locked.answer_due is not None else None
        if locked.answer_due is not None and deadline is not None:
            # The unit (working or calendar days) is the regulation's today, the due date the report's own.
            locked.answer_due = sla.extend(locked.answer_due, deadline, pause)
        locked.paused_since = None
    if to == workflow.PAUSED:
        locked.paused_since = now
    if from_status == Status.NIEUW and locked.acknowledged_at is None:
        locked.acknowledged_at = now  # the reporter hears something whatever the first step is
    if to == Status.BEANTWOORD:
        locked.answered_at = now
        locked.answer = note
    if to in workflow.CLOSING:
        locked.closed_at = now
    if to == Status.HEROPEND:
        locked.closed_at = None
        deadline = _answer_deadline(locked)
        if deadline is not None:  # a reopened report gets a full deadline from today's regulation
            locked.answer_due = sla.due_date(today, deadline)


def _answer_deadline(report: Report) -> sla.Deadline | None:
    if report.kind == Kind.COMPLIMENT:
        return None
    return sla.answer_deadline(
        kind=report.kind,
        category_days=report.category.answer_days,
        category_working_days=report.category.working_days,
        config=deadlines_config(),
    )


def _status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def _event_department(locked: Report, to: str, department: Department | None) -> Department:
    """The department a step's event names: the external body for a forward, else the report's department."""
    if to in workflow.EXTERNAL_DEPARTMENT_REQUIRED:
        if department is None and locked.department.is_external:
            department = locked.department
        if department is None or not department.is_external or not department.active:
            raise ApplicationError(
                _("Choose the external body that takes the report over."), field="department", code="required"
            )
        return department
    if department is not None and department.pk != locked.department_id:
        raise ApplicationError(
            _("A department is chosen only when forwarding; to move the report to another department, reassign it."),
            field="department",
            code="invalid",
        )
    return locked.department


def report_answer(*, report: Report, by: Any, text: str, expected_version: int | None = None) -> Report:
    """Answer the reporter: the step to `beantwoord` with the answer as its text."""
    return report_transition(report=report, to=Status.BEANTWOORD, by=by, note=text, expected_version=expected_version)


@transaction.atomic
def report_note_add(*, report: Report, by: Any, text: str) -> ReportEvent:
    """An internal note in the report's history: staff see it, the reporter does not."""
    if not permissions.can_act(by, report):
        raise Forbidden(_("Your role does not allow you to add notes to this report."), code="forbidden")
    text = text.strip()
    if not text:
        raise ApplicationError(_("Write the note."), field="text", code="required")
    return note_append(report=report, by=by, text=text)


def note_append(*, report: Report, by: Any, text: str) -> ReportEvent:
    """Append an internal note event. Call inside the transaction of the step it belongs to."""
    return ReportEvent.objects.create(
        report=report,
        event_type=ReportEvent.Type.NOTE,
        actor=actor_of(by),
        department=report.department,
        note=text,
        public=False,
    )
