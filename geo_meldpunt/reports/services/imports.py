"""Bringing in a case from the register kept before the meldpunt: a paper signal card, a spreadsheet row.

Not report_create: an old case keeps its own date and reference, may already be answered or closed, and nobody
hears of the import (no acknowledgement, no answer, no satisfaction question: the reporter heard from the city
long ago, on paper). What it shares with a new report: routing (the same `route`, so the territory check and the
zone), the kind-and-category rule, the reference sequence and the regulation's deadlines.

Decisions, so nobody has to guess them:

- Reference: the case gets a meldpunt reference from the counter of the year it was received (an old card from
  2019 becomes OST-2019-000042). Still one sequence per year, shared with live reports of that year, and the
  reference tells the year the case began, as every other reference does. The card's own number is kept in
  `original_reference`, unique, so a second import of the same file skips it.
- Place: optional for every kind (cards about a counter or a letter had none), but a place given must lie in the
  city. A named department takes the case; otherwise it is routed as a new report would be.
- Deadlines are always stored, so `reports_deadlines_fill` never recomputes them. An ended case (answered,
  closed, not admissible, passed on) gets the deadlines of its original date: they are history, and no clock
  runs in those statuses, so they raise no alarm. An open case gets deadlines counted from the day of the
  import, the day the meldpunt takes it over: counted from the original date, every imported open case would be
  overdue at once and fill the departments' daily digests with a backlog nobody could have met
  (`deadlines_from_original=True` chooses that anyway, for a city that wants the backlog shown as overdue).
  Breaches in the coordinator's digest are deadlines missed since the last digest, so old deadlines are never
  breaches either way.
- Times not on the card stay empty: the acknowledgement, answer and closing times are set only from the date
  the case ended when the file gives one, never invented (statistics would count an invented time as a fact).
  An ended case's last change is the date it ended (else its original date), not the import: the public map
  shows solved reports for a while after their last change.
  History: the 'received' event carries the original date; the status at import, with the answer when there is
  one, is an event at the date the case ended (or at the import); an internal note says where it came from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.zones import routing
from geo_meldpunt.zones.models import Department

from .. import sla, workflow
from ..choices import OPEN_STATUSES
from ..models import Category, Channel, Kind, Report, ReportEvent, Status, deadlines_config
from ..references import format_reference, reference_reserve
from .common import actor_of, kind_accepted_check
from .transition import EVENT_TYPES

ORIGINAL_REFERENCE_MAX_LENGTH = Report._meta.get_field("original_reference").max_length or 60


def importable_statuses(kind: str) -> frozenset[str]:
    """Statuses an old case may come in with: any of its kind's flow but `samengevoegd`, which needs the report
    it was merged into (a merge is done in the back office after the import)."""
    return frozenset(workflow.flow_for(kind)) - workflow.MERGE_ONLY


@dataclass(frozen=True)
class LegacyCase:
    """One old case as the import understood it: names already resolved to categories and departments.

    `received_at` and `ended_at` are aware datetimes. `note` is added to the internal history note (where the
    case came from: file and line, the address as written).
    """

    original_reference: str
    received_at: dt.datetime
    kind: str
    category: Category
    description: str
    status: str
    point: Point | None = None
    address: str = ""
    department: Department | None = None
    answer: str = ""
    ended_at: dt.datetime | None = None
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""
    language: str = "nl"
    note: str = ""


class AlreadyImported(ApplicationError):
    """A report already carries this original reference: the import skips the case, it is no error."""


def report_import_check(*, case: LegacyCase) -> routing.RoutingDecision:
    """Everything that could refuse `case`, without writing: what a dry run asks. Returns the routing decision.

    Raises AlreadyImported for a case imported before, ApplicationError (OutsideTerritory for a place outside
    the city) with a message a clerk understands for anything else.
    """
    reference = case.original_reference
    if not reference:
        raise ApplicationError(_("The original reference is missing."), field="original_reference", code="required")
    if len(reference) > ORIGINAL_REFERENCE_MAX_LENGTH:
        raise ApplicationError(
            _("The original reference “%(reference)s” is longer than %(max)d characters.")
            % {"reference": reference, "max": ORIGINAL_REFERENCE_MAX_LENGTH},
            field="original_reference",
        )
    if Report.objects.filter(original_reference=reference).exists():
        raise AlreadyImported(
            _("Already imported: original reference “%(reference)s”.") % {"reference": reference},
            field="original_reference",
            code="already_imported",
        )
    now = timezone.now()
    if case.received_at > now:
        raise ApplicationError(_("The date lies in the future."), field="date", code="future")
    if case.ended_at is not None and not case.received_at <= case.ended_at <= now:
        raise ApplicationError(
            _("The date the case ended lies before the date it was received, or in the future."),
            field="ended_date",
            code="bad_end_date",
        )
    if case.status not in importable_statuses(case.kind):
        raise ApplicationError(
            _("A %(kind)s cannot be imported with status “%(status)s”.")
            % {"kind": Kind(case.kind).label, "status": Status(case.status).label},
            field="status",
            code="status_not_allowed",
        )
    kind_accepted_check(category=case.category, kind=case.kind, field="category")
    if case.department is not None and case.status in OPEN_STATUSES and not case.department.active:
        raise ApplicationError(
            _("The department “%(department)s” is no longer active; an open case needs one that is.")
            % {"department": case.department.localized_name()},
            field="department",
            code="inactive",
        )
    decision = routing.route(category=case.category, point=case.point)
    if case.department is not None:
        with translation.override(settings.LANGUAGE_CODE):  # stored, so in the city's language as route's reason
            reason = _("Department named in the register kept before the meldpunt: %(department)s.") % {
                "department": case.department.localized_name()
            }
        decision = dataclasses.replace(decision, department=case.department, rule=None, routable=True, reason=reason)
    return decision


def deadlines_base(*, status: str, received: dt.date, today: dt.date, from_original: bool) -> dt.date:
    """The day an imported case's deadlines count from (pure): the import day for an open case, unless the
    city wants them counted from the original date; the original date for an ended case."""
    if status in OPEN_STATUSES and not from_original:
        return today
    return received


@transaction.atomic
def report_import(*, case: LegacyCase, by: Any = None, deadlines_from_original: bool = False) -> Report:
    """Store one old case whole, with its history, or nothing. Writes no e-mail and queues no task.

    `by` is the user running the import (named on the internal note), or None. Raises as report_import_check.
    """
    decision = report_import_check(case=case)
    now = timezone.now()
    received = timezone.localdate(case.received_at)
    due = sla.deadlines_for(
        kind=case.kind,
        category_days=case.category.answer_days,
        category_working_days=case.category.working_days,
        received=deadlines_base(
            status=case.status, received=received, today=timezone.localdate(now), from_original=deadlines_from_original
        ),
        config=deadlines_config(),
    )
    prefix, year, number = reference_reserve(year=received.year)
    # An open case has not ended, whatever the file says.
    ended_at = None if case.status in OPEN_STATUSES else case.ended_at
    answered = _answered(case)
    report = Report.objects.create(
        reference=format_reference(prefix, year, number),
        original_reference=case.original_reference,
        kind=case.kind,
        category=case.category,
        point=case.point,
        address=case.address,
        description=case.description,
        channel=Channel.LEGACY,
        language=case.language,
        status=case.status,
        reporter_name=case.reporter_name,
        reporter_email=case.reporter_email,
        reporter_phone=case.reporter_phone,
        department=decision.department,
        zone=decision.zone,
        routing_rule=decision.rule,
        routing_reason=decision.reason,
        acknowledge_due=due.acknowledge_due,
        answer_due=due.answer_due,
        answered_at=ended_at if answered else None,
        closed_at=ended_at if case.status in workflow.CLOSING else None,
        paused_since=now if case.status == workflow.PAUSED else None,
        answer=case.answer if answered else "",
    )
    # auto_now_add and auto_now wrote the time of the import; the case was received long before, and an ended
    # case last changed when it ended (or, not knowing when, when it came in). The public map shows solved
    # reports for a while after their last change: years of old cases must not light up on the day of import.
    report.created_at = case.received_at
    if case.status not in OPEN_STATUSES:
        report.updated_at = ended_at or case.received_at
    Report.objects.filter(pk=report.pk).update(created_at=report.created_at, updated_at=report.updated_at)
    _history_write(report=report, case=case, decision=decision, by=by, ended_at=ended_at)
    return report


def _answered(case: LegacyCase) -> bool:
    """The card says how the city answered: its text is the report's (last) answer."""
    return case.status in (Status.BEANTWOORD, Status.AFGESLOTEN) and bool(case.answer)


def _history_write(
    *, report: Report, case: LegacyCase, decision: routing.RoutingDecision, by: Any, ended_at: dt.datetime | None
) -> None:
    """The imported case's history: received (at its original date), its status at import, a note on its origin."""
    received = ReportEvent.objects.create(
        report=report,
        event_type=ReportEvent.Type.CREATED,
        to_status=Status.NIEUW,
        department=decision.department,
        note=decision.reason,
    )
    ReportEvent.objects.filter(pk=received.pk).update(created_at=case.received_at)
    # An answered case's text is its answer. Another status keeps its text as report_transition keeps a step's:
    # on the step when the reporter sees that status's text (why it is not admissible, say), else internal.
    public_text = _answered(case) or case.status in workflow.PUBLIC_NOTE
    if case.status != Status.NIEUW:
        step = ReportEvent.objects.create(
            report=report,
            event_type=(
                ReportEvent.Type.ANSWER if _answered(case) else EVENT_TYPES.get(case.status, ReportEvent.Type.STATUS)
            ),
            from_status=Status.NIEUW,
            to_status=case.status,
            department=decision.department,
            note=case.answer if public_text else "",
            public=True,
        )
        if ended_at is not None:
            ReportEvent.objects.filter(pk=step.pk).update(created_at=ended_at)
    origin = _("Imported from the register kept before the meldpunt; original reference %(reference)s.") % {
        "reference": case.original_reference
    }
    note = f"{origin} {case.note}".strip()
    if case.answer and not public_text:
        note = f"{note}\n{case.answer}"
    ReportEvent.objects.create(
        report=report,
        event_type=ReportEvent.Type.NOTE,
        actor=actor_of(by),
        department=decision.department,
        note=note,
        public=False,
    )
