"""Writes of reports. Each service is one transaction: a report is stored whole or not at all.

The workflow: `report_transition` is the only code that changes a status (workflow.py holds the table). It
locks the row, checks the table and the actor's role (staff/roles.py), appends a history event, moves the
deadlines (sla.py) and lets notifications write their outbox in the same transaction; they are sent after
commit. Reassignment, merging and notes are services of their own beside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.notifications import dispatch
from geo_meldpunt.staff import roles
from geo_meldpunt.zones import routing

from . import sla, workflow
from .models import (
    OPEN_STATUSES,
    PUBLIC_CHANNELS,
    REGULATION_ROW,
    Category,
    Channel,
    Follower,
    Kind,
    Regulation,
    Report,
    ReportEvent,
    ReportPhoto,
    Status,
)
from .photos import PreparedPhoto
from .references import reference_next

if TYPE_CHECKING:
    from geo_meldpunt.zones.models import Department


class Conflict(ApplicationError):
    """Someone else changed the report after the caller read it. Interfaces answer 409."""


class Forbidden(ApplicationError):
    """The actor's role does not allow this on this report. Interfaces answer 403."""


def deadlines_config() -> Mapping[str, Any]:
    """The city's deadlines: the regulation edited in the admin (one query by primary key).

    Without its row, settings.REPORTS_DEADLINES over sla.DEFAULT_DEADLINES (deadlines_settings()).
    """
    regulation = Regulation.objects.filter(pk=REGULATION_ROW).first()
    return regulation.as_config() if regulation is not None else deadlines_settings()


def deadlines_settings() -> Mapping[str, Any]:
    """The documented defaults: settings.REPORTS_DEADLINES over sla.DEFAULT_DEADLINES. No database.

    The data migration that creates the regulation starts from these; a migration that runs before that table
    exists passes them to reports_deadlines_fill.
    """
    return getattr(settings, "REPORTS_DEADLINES", None) or sla.DEFAULT_DEADLINES


# Kinds that need a place: the problem is somewhere. Suggestions and compliments may have none.
KINDS_NEEDING_LOCATION = (Kind.MELDING, Kind.KLACHT)
# Kinds that need an e-mail address: a complaint must be answered.
KINDS_NEEDING_EMAIL = (Kind.KLACHT,)


def report_validate(
    *, kind: str, category: Category, point: Point | None, reporter_email: str, channel: str, staff: bool
) -> None:
    """Domain rules about a new report; raises ApplicationError naming the field at fault."""
    if not category.active:
        raise ApplicationError(_("This category is no longer in use."), field="category")
    if not category.accepts(kind):
        raise ApplicationError(
            _("The category “%(category)s” does not accept a %(kind)s. Choose another category.")
            % {"category": category.localized_name(), "kind": Kind(kind).label},
            field="kind",
            code="kind_not_accepted",
        )
    if point is None and kind in KINDS_NEEDING_LOCATION:
        raise ApplicationError(_("Show on the map where it is."), field="location", code="required")
    if not reporter_email and kind in KINDS_NEEDING_EMAIL:
        raise ApplicationError(
            _("A complaint needs an e-mail address so that we can answer it."),
            field="reporter_email",
            code="required",
        )
    if channel not in PUBLIC_CHANNELS and not staff:
        raise ApplicationError(
            _("Only city staff who are logged in can enter reports from this channel."),
            field="channel",
            code="staff_only",
        )


@transaction.atomic
def report_create(
    *,
    kind: str,
    category: Category,
    point: Point | None,
    description: str,
    impact: int | None = None,
    channel: str = Channel.WEB,
    language: str = "nl",
    address: str = "",
    reporter_name: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
    photos: Sequence[PreparedPhoto] = (),
    created_by=None,
) -> Report:
    """Validate, route and store a new report with its first history event and photos."""
    staff = bool(created_by is not None and created_by.is_staff)
    report_validate(
        kind=kind, category=category, point=point, reporter_email=reporter_email, channel=channel, staff=staff
    )
    decision = routing.route(category=category, point=point)
    # Today's date rather than created_at's: the same day, known before the insert, so no second write.
    deadlines = sla.deadlines_for(
        kind=kind,
        category_days=category.answer_days,
        category_working_days=category.working_days,
        received=timezone.localdate(),
        config=deadlines_config(),
    )
    report = Report.objects.create(
        reference=reference_next(),
        kind=kind,
        category=category,
        point=point,
        address=address,
        description=description,
        impact=impact,
        channel=channel,
        language=language,
        reporter_name=reporter_name,
        reporter_email=reporter_email,
        reporter_phone=reporter_phone,
        created_by=created_by,
        department=decision.department,
        zone=decision.zone,
        routing_rule=decision.rule,
        routing_reason=decision.reason,
        acknowledge_due=deadlines.acknowledge_due,
        answer_due=deadlines.answer_due,
    )
    ReportEvent.objects.create(
        report=report,
        event_type=ReportEvent.Type.CREATED,
        to_status=report.status,
        department=decision.department,
        actor=created_by,
        note=decision.reason,
    )
    _photos_store(report=report, photos=photos)
    # Writes the acknowledgement to the outbox in this transaction; it is sent after commit.
    dispatch.report_created_notify(report=report)
    return report


def _photos_store(*, report: Report, photos: Sequence[PreparedPhoto]) -> None:
    """Write the photos' files and rows. Call inside the report's transaction.

    A rollback takes back the rows but not files already written to storage, so on any failure the files
    written so far are removed before the error goes on: a refused report leaves no photo behind.
    """
    written: list[ReportPhoto] = []
    try:
        for photo in photos:
            instance = ReportPhoto(report=report, image=photo.content, size=photo.size)
            written.append(instance)
            instance.save()
    except BaseException:
        for instance in written:
            if instance.image.name and instance.image.storage.exists(instance.image.name):
                instance.image.delete(save=False)
        raise


@transaction.atomic
def report_reroute(
    *,
    report: Report,
    category: Category | None = None,
    point: Point | None = None,
    address: str | None = None,
    by=None,
) -> Report:
    """Change a report's category and/or location and route it again (None leaves a value as it is).

    Locks the row so two handlers moving the same report do not overwrite each other; appends a
    "routed" event that says where it went and why. The kind must still fit the new category.
    """
    locked = _lock(report)
    new_category = category or locked.category
    new_point = point if point is not None else locked.point
    if not new_category.accepts(locked.kind):
        raise ApplicationError(
            _("The category “%(category)s” does not accept a %(kind)s. Choose another category.")
            % {"category": new_category.localized_name(), "kind": Kind(locked.kind).label},
            field="category",
            code="kind_not_accepted",
        )
    decision = routing.route(category=new_category, point=new_point)
    previous_department = locked.department
    locked.category = new_category
    locked.point = new_point
    if address is not None:
        locked.address = address
    locked.department = decision.department
    locked.zone = decision.zone
    locked.routing_rule = decision.rule
    locked.routing_reason = decision.reason
    locked.version += 1
    locked.save(
        update_fields=[
            "category", "point", "address", "department", "zone", "routing_rule", "routing_reason", "version",
            "updated_at",
        ]
    )  # fmt: skip
    ReportEvent.objects.create(
        report=locked,
        event_type=ReportEvent.Type.ROUTED,
        department=decision.department,
        actor=_actor(by),
        note=decision.reason,
        # The reporter sees a change of department, not every internal correction of a pin.
        public=decision.department != previous_department,
    )
    return locked


def report_follow(*, report: Report, email: str, language: str = "nl") -> tuple[Follower, bool]:
    """Make `email` a follower of an open report; returns (follower, created). Following twice is harmless.

    Following a merged duplicate follows the report it was merged into (`follower.report` says which).
    """
    for _hop in range(5):  # a survivor may itself be merged later; a short chain, never a loop in practice
        if report.merged_into_id is None:
            break
        report = Report.objects.get(pk=report.merged_into_id)
    if report.status not in OPEN_STATUSES:
        raise ApplicationError(
            _("This report is already closed; file a new report if the problem is back."),
            field="reference",
            code="closed",
        )
    email = email.strip().lower()
    existing = Follower.objects.filter(report=report, email=email).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            follower = Follower.objects.create(report=report, email=email, language=language)
            with translation.override(settings.LANGUAGE_CODE):
                ReportEvent.objects.create(
                    report=report,
                    event_type=ReportEvent.Type.FOLLOWED,
                    note=_("Someone else reported this too."),
                )
    except IntegrityError:  # the same person followed at the same moment from another request
        return Follower.objects.get(report=report, email=email), False
    return follower, True


# --- Workflow ----------------------------------------------------------------------------------------------

# The history event a status change writes; any other step is a plain status event.
EVENT_TYPES: Mapping[str, str] = {
    Status.BEANTWOORD: ReportEvent.Type.ANSWER,
    Status.DOORVERWEZEN: ReportEvent.Type.FORWARDED,
    Status.DOORGEGEVEN: ReportEvent.Type.FORWARDED,
    Status.SAMENGEVOEGD: ReportEvent.Type.MERGED,
}


def _lock(report: Report) -> Report:
    """The report's row, locked until the transaction ends, read afresh (another handler may have changed it).

    `of=("self",)`: lock the report only, not the category and department rows joined to it.
    """
    return Report.objects.select_for_update(of=("self",)).select_related("category", "department").get(pk=report.pk)


def _version_check(locked: Report, expected_version: int | None) -> None:
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _("Someone else changed this report just now. Reload it to see what changed, then try again."),
            code="conflict",
        )


def _actor(by: Any) -> Any:
    """The user a history event names; none for the system itself."""
    return None if by is roles.SYSTEM else by


def _answer_deadline(report: Report) -> sla.Deadline | None:
    if report.kind == Kind.COMPLIMENT:
        return None
    return sla.answer_deadline(
        kind=report.kind,
        category_days=report.category.answer_days,
        category_working_days=report.category.working_days,
        config=deadlines_config(),
    )


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
    timestamps, moves the answer deadline out of a pause, bumps the version, appends the history event and
    hands it to notifications (outbox written now, sent after commit).

    `note`: the text the step needs (the answer, the reason, what is needed from the reporter); for steps whose
    text the reporter does not see it is kept as an internal note. `department`: the external body a report is
    forwarded to (defaults to the report's own department when that is external).
    """
    locked = _lock(report)
    _version_check(locked, expected_version)
    from_status = locked.status
    if not workflow.is_allowed(locked.kind, from_status, to):
        raise ApplicationError(
            _("A %(kind)s with status “%(from)s” cannot go to “%(to)s”.")
            % {"kind": Kind(locked.kind).label, "from": Status(from_status).label, "to": _status_label(to)},
            field="status",
            code="transition_not_allowed",
        )
    if not roles.can_transition(by, locked, to):
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

    now = timezone.now()
    today = timezone.localdate(now)
    # The regulation is read only by the two steps that need a deadline's length: most steps add no query.
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
        actor=_actor(by),
        department=event_department,
        note=note if public_note else "",
        public=True,
    )
    if note and not public_note:
        _note_append(report=locked, by=by, text=note)
    dispatch.report_transitioned_notify(report=locked, event=event)
    return locked


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
def report_reassign(
    *, report: Report, department: Department, by: Any, reason: str, expected_version: int | None = None
) -> Report:
    """Give the report to another (city) department, overriding its routing; the status stays as it is.

    For the coordinator, or a handler of the report's current department. The reason is required: it goes into
    the report's routing reason and an internal history event. External bodies take reports over by forwarding.
    """
    locked = _lock(report)
    _version_check(locked, expected_version)
    if not roles.can_reassign(by, locked):
        raise Forbidden(_("Your role does not allow you to reassign this report."), code="forbidden")
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the reassignment."), field="reason", code="required")
    if locked.status not in OPEN_STATUSES:
        raise ApplicationError(
            _("Only a report that is still being handled can be reassigned."), field="department", code="closed"
        )
    if department.pk == locked.department_id or not department.active:
        raise ApplicationError(_("Choose another active department."), field="department", code="invalid")
    if department.is_external:
        raise ApplicationError(
            _("An external body takes a report over by forwarding, not by reassignment."),
            field="department",
            code="external",
        )
    previous = locked.department
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the city's language
        locked.routing_reason = _("Reassigned from %(from)s to %(to)s: %(reason)s") % {
            "from": previous.localized_name(),
            "to": department.localized_name(),
            "reason": reason,
        }
    locked.department = department
    locked.routing_rule = None
    locked.version += 1
    locked.save(update_fields=["department", "routing_rule", "routing_reason", "version", "updated_at"])
    ReportEvent.objects.create(
        report=locked,
        event_type=ReportEvent.Type.REASSIGNED,
        actor=_actor(by),
        department=department,
        note=reason,
        public=False,
    )
    return locked


@transaction.atomic
def report_merge(*, report: Report, into: Report, by: Any, expected_version: int | None = None) -> Report:
    """Merge `report`, a duplicate, into `into`, which goes on. Returns the merged duplicate.

    The duplicate goes to `samengevoegd` through report_transition (table, role, event, notifications); its
    reporter (when they left an e-mail address) and its followers become followers of `into`, so they hear
    its outcome. Both rows are locked, in id order, so two merges cannot deadlock.
    """
    if report.pk == into.pk:
        raise ApplicationError(_("A report cannot be merged into itself."), field="into", code="invalid")
    rows = Report.objects.select_for_update(of=("self",)).filter(pk__in=[report.pk, into.pk]).order_by("pk")
    locked = {r.pk: r for r in rows}
    duplicate, survivor = locked[report.pk], locked[into.pk]
    _version_check(duplicate, expected_version)
    # A report the handler may not see answers like one that does not exist: nothing about it leaks.
    if not roles.can_view(by, survivor):
        raise ApplicationError(
            _("No report has the reference %(reference)s.") % {"reference": survivor.reference},
            field="into",
            code="not_found",
        )
    if survivor.status not in OPEN_STATUSES or survivor.kind == Kind.COMPLIMENT:
        raise ApplicationError(
            _("Report %(reference)s is no longer being handled; merge into an open report.")
            % {"reference": survivor.reference},
            field="into",
            code="closed",
        )
    duplicate.merged_into = survivor
    duplicate.save(update_fields=["merged_into"])
    with translation.override(settings.LANGUAGE_CODE):
        note = _("This report is about the same problem as %(reference)s and was merged into it.") % {
            "reference": survivor.reference
        }
        survivor_note = _("Report %(reference)s was merged into this one.") % {"reference": duplicate.reference}
    merged = report_transition(
        report=duplicate, to=Status.SAMENGEVOEGD, by=by, note=note, expected_version=expected_version
    )

    emails = {f.email.lower(): f.language for f in duplicate.followers.all()}
    if duplicate.reporter_email:
        emails.setdefault(duplicate.reporter_email.strip().lower(), duplicate.language)
    emails.pop(survivor.reporter_email.strip().lower(), None)  # already hears the outcome as its reporter
    Follower.objects.bulk_create(
        [Follower(report=survivor, email=email, language=language) for email, language in sorted(emails.items())],
        ignore_conflicts=True,  # already following the survivor
    )
    ReportEvent.objects.create(
        report=survivor,
        event_type=ReportEvent.Type.MERGED,
        actor=_actor(by),
        department=survivor.department,
        note=survivor_note,
        public=False,
    )
    return merged


@transaction.atomic
def report_note_add(*, report: Report, by: Any, text: str) -> ReportEvent:
    """An internal note in the report's history: staff see it, the reporter does not."""
    if not roles.can_act(by, report):
        raise Forbidden(_("Your role does not allow you to add notes to this report."), code="forbidden")
    text = text.strip()
    if not text:
        raise ApplicationError(_("Write the note."), field="text", code="required")
    return _note_append(report=report, by=by, text=text)


def _note_append(*, report: Report, by: Any, text: str) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        event_type=ReportEvent.Type.NOTE,
        actor=_actor(by),
        department=report.department,
        note=text,
        public=False,
    )


@transaction.atomic
def reports_deadlines_fill(*, config: Mapping[str, Any] | None = None) -> int:
    """Store the deadlines of reports that have none (made before deadlines were stored, or by bulk COPY).

    Computed as report_create does, from the local date of creation; one UPDATE from a temporary table of
    (kind, category, day) groups, so a million rows take seconds. Returns the number of reports filled.
    Statuses, timestamps and pauses of those reports are left as they are: their history is not known.
    """
    if config is None:
        config = deadlines_config()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT r.kind, r.category_id, c.answer_days, c.working_days, "
            "(r.created_at AT TIME ZONE %s)::date FROM reports_report r "
            "JOIN reports_category c ON c.id = r.category_id WHERE r.acknowledge_due IS NULL",
            [settings.TIME_ZONE],
        )
        groups = cursor.fetchall()
        if not groups:
            return 0
        rows = []
        for kind, category_id, answer_days, working_days, day in groups:
            due = sla.deadlines_for(
                kind=kind, category_days=answer_days, category_working_days=working_days, received=day, config=config
            )
            rows.append((kind, category_id, day, due.acknowledge_due, due.answer_due))
        cursor.execute(
            "CREATE TEMPORARY TABLE reports_due_fill (kind varchar(20), category_id bigint, day date, "
            "acknowledge_due date, answer_due date)"
        )
        cursor.executemany("INSERT INTO reports_due_fill VALUES (%s, %s, %s, %s, %s)", rows)
        cursor.execute(
            "UPDATE reports_report r SET acknowledge_due = f.acknowledge_due, answer_due = f.answer_due "
            "FROM reports_due_fill f WHERE r.acknowledge_due IS NULL AND r.kind = f.kind "
            "AND r.category_id = f.category_id AND (r.created_at AT TIME ZONE %s)::date = f.day",
            [settings.TIME_ZONE],
        )
        filled = cursor.rowcount
        cursor.execute("DROP TABLE reports_due_fill")
    return filled
