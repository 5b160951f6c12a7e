"""What is overdue or nearly so: the back office's flags and the daily digests.

"Overdue on `on`": a due date is the last day allowed, so a report is late from the day after it. Only reports
whose clock runs count (ACKNOWLEDGE_CLOCK_STATUSES, ANSWER_CLOCK_STATUSES): not while waiting for the reporter,
not once forwarded, answered or closed. `on` is passed in, so "today" is the caller's to choose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from geo_meldpunt.zones.models import Department
from geo_meldpunt.zones.routing import coordinator as coordinator_department

from .. import sla
from ..models import ACKNOWLEDGE_CLOCK_STATUSES, ANSWER_CLOCK_STATUSES, Report


def _late(on: dt.date) -> Q:
    return Q(status__in=ACKNOWLEDGE_CLOCK_STATUSES, acknowledge_due__lt=on) | Q(
        status__in=ANSWER_CLOCK_STATUSES, answer_due__lt=on
    )


def _due_between(start: dt.date, end: dt.date) -> Q:
    return Q(status__in=ACKNOWLEDGE_CLOCK_STATUSES, acknowledge_due__range=(start, end)) | Q(
        status__in=ANSWER_CLOCK_STATUSES, answer_due__range=(start, end)
    )


def due_soon_horizon(on: dt.date, within_days: int) -> dt.date:
    """The last day "due soon" covers: `within_days` working days ahead, so Friday's list shows Monday's."""
    return sla.add_working_days(on, within_days)


def reports_with_deadline_flags(
    queryset: QuerySet[Report] | None = None, *, on: dt.date, within_days: int = 2
) -> QuerySet[Report]:
    """`queryset` (all reports by default) with booleans `is_overdue` and `is_due_soon` (a deadline falls
    within `within_days` working days from `on`, `on` included). Both can be true (acknowledgement late, answer
    due soon)."""
    qs = Report.objects.all() if queryset is None else queryset
    horizon = due_soon_horizon(on, within_days)
    return qs.annotate(
        is_overdue=Case(When(_late(on), then=Value(True)), default=Value(False), output_field=BooleanField()),
        is_due_soon=Case(
            When(_due_between(on, horizon), then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    )


def reports_overdue(*, on: dt.date, department: Department | None = None) -> QuerySet[Report]:
    """Reports past their acknowledgement or answer deadline on `on`, oldest first."""
    qs = Report.objects.filter(_late(on))
    if department is not None:
        qs = qs.filter(department=department)
    return qs.select_related("category", "department").order_by("created_at", "id")


def reports_due_soon(*, on: dt.date, within_days: int = 2, department: Department | None = None) -> QuerySet[Report]:
    """Reports not overdue yet whose deadline falls within `within_days` working days from `on` (`on` included)."""
    qs = Report.objects.filter(_due_between(on, due_soon_horizon(on, within_days))).exclude(_late(on))
    if department is not None:
        qs = qs.filter(department=department)
    return qs.select_related("category", "department").order_by("created_at", "id")


@dataclass(frozen=True)
class OverdueReport:
    report: Report
    missed: tuple[str, ...]  # sla.ACKNOWLEDGE and/or sla.ANSWER
    due: dt.date  # the earliest missed deadline
    days_late: int  # calendar days from that deadline to `on`


@dataclass
class DepartmentDigest:
    department: Department
    overdue: list[OverdueReport] = field(default_factory=list)
    due_soon: list[Report] = field(default_factory=list)


@dataclass
class OverdueDigest:
    on: dt.date
    coordinator: Department
    # Only departments with something overdue or due soon, by name.
    departments: list[DepartmentDigest]
    # For the coordinator: deadlines missed since the last digest (due in [since, on - 1 day]), every department.
    breaches: list[OverdueReport]
    overdue_total: int


def overdue_report(report: Report, *, on: dt.date) -> OverdueReport | None:
    """Which of `report`'s deadlines are missed on `on` (pure: no query)."""
    missed = sla.missed_deadlines(
        on=on,
        acknowledge_due=report.acknowledge_due,
        answer_due=report.answer_due,
        awaiting_acknowledgement=report.status in ACKNOWLEDGE_CLOCK_STATUSES,
        answer_clock_running=report.status in ANSWER_CLOCK_STATUSES,
    )
    if not missed:
        return None
    dues = [
        due
        for deadline, due in ((sla.ACKNOWLEDGE, report.acknowledge_due), (sla.ANSWER, report.answer_due))
        if deadline in missed and due is not None
    ]
    due = min(dues)
    return OverdueReport(report=report, missed=missed, due=due, days_late=(on - due).days)


def overdue_digest_data(*, on: dt.date, since: dt.date | None = None, within_days: int = 2) -> OverdueDigest:
    """What the daily digests say on `on`: per department its overdue and nearly due reports; for the
    coordinator the breaches (deadlines missed since `since`, by default the day before `on`; pass the date of
    the last digest sent when days were skipped). Three queries, whatever the number of reports.

    Reports that sit with an external body (routed there, not yet forwarded) are the coordinator's to act on,
    so they appear under the coordinator's department: external bodies get no digest.
    """
    since = since or on - dt.timedelta(days=1)
    coordinator = coordinator_department()
    digests: dict[int, DepartmentDigest] = {}

    def digest_for(report: Report) -> DepartmentDigest:
        department = coordinator if report.department.is_external else report.department
        return digests.setdefault(department.pk, DepartmentDigest(department=department))

    overdue = []
    for report in reports_overdue(on=on):
        item = overdue_report(report, on=on)
        if item is not None:
            overdue.append(item)
            digest_for(report).overdue.append(item)
    for report in reports_due_soon(on=on, within_days=within_days):
        digest_for(report).due_soon.append(report)
    breaches = [
        item
        for item in overdue
        if any(
            since <= due < on
            for due in (
                item.report.acknowledge_due if sla.ACKNOWLEDGE in item.missed else None,
                item.report.answer_due if sla.ANSWER in item.missed else None,
            )
            if due is not None
        )
    ]
    return OverdueDigest(
        on=on,
        coordinator=coordinator,
        departments=sorted(digests.values(), key=lambda d: d.department.name_nl),
        breaches=breaches,
        overdue_total=len(overdue),
    )
