"""Reads of the back office: the queues, one report with everything its page shows, the choices of its forms.

Each list is one query for its page plus one count (Paginator), whatever the number of rows: relations are joined
(select_related) and the columns limited to what the page shows (a zone's polygon is never loaded). Visibility is
always staff.permissions.visible_reports: a view never filters reports by role itself.

These are back-office presentation reads built on reports.selectors and reports.permissions; they live beside the views
because nothing else needs them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.db.models import GeometryField
from django.db.models import Case, DateField, Exists, F, OuterRef, Q, QuerySet, When
from django.db.models.functions import Cast, Least

from geo_meldpunt.core.geo import WGS84
from geo_meldpunt.core.lookups import lookup_value_ok
from geo_meldpunt.feedback import selectors as feedback_selectors
from geo_meldpunt.feedback.models import OmbudsmanReferral
from geo_meldpunt.notifications.models import OutgoingEmail
from geo_meldpunt.reports import permissions
from geo_meldpunt.reports import selectors as report_selectors
from geo_meldpunt.reports.models import (
    ACKNOWLEDGE_CLOCK_STATUSES,
    ANSWER_CLOCK_STATUSES,
    OPEN_STATUSES,
    Category,
    Report,
    ReportEvent,
)
from geo_meldpunt.staff import roles
from geo_meldpunt.zones.models import Department, Zone, ZonePart, ZoneType

# What a queue row shows; everything else of the report (and the zone's polygon) stays in the database.
QUEUE_FIELDS = (
    "id", "reference", "kind", "status", "address", "description", "point", "created_at", "impact",
    "acknowledge_due", "answer_due", "routing_rule_id",
    "category__id", "category__slug", "category__name_nl", "category__name_fr", "category__name_en",
    "category__name_de",
    "department__id", "department__slug", "department__name_nl", "department__name_fr", "department__name_en",
    "department__name_de", "department__is_external", "department__is_coordinator",
    "zone__id", "zone__name",
)  # fmt: skip


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters, already checked by the filter form. Empty strings mean "any"."""

    statuses: tuple[str, ...] = tuple(OPEN_STATUSES)
    kind: str = ""
    category: Category | None = None
    zone: Zone | None = None
    department: Department | None = None
    deadline: str = ""  # "", "overdue" or "due_soon"


def _with_deadline(qs: QuerySet[Report], *, on: dt.date) -> QuerySet[Report]:
    """Adds `is_overdue`, `is_due_soon` (reports.selectors) and `deadline`: the next date the city must meet.

    Before acknowledgement both clocks run, so the earlier of the two (LEAST skips a missing answer date, as for
    compliments); afterwards the answer date while its clock runs; none while paused, forwarded or done.
    """
    qs = report_selectors.reports_with_deadline_flags(qs, on=on)
    return qs.annotate(
        deadline=Case(
            When(status__in=ACKNOWLEDGE_CLOCK_STATUSES, then=Least("acknowledge_due", "answer_due")),
            When(status__in=ANSWER_CLOCK_STATUSES, then=F("answer_due")),
            default=None,
            output_field=DateField(),
        )
    )


def _in_zone(zone: Zone) -> Exists:
    """The report's point lies in `zone`: covers on the zone's subdivided parts (GiST), as routing does.

    covers, not contains: a report on a border belongs to both zones. The geography point is cast to geometry
    because the parts are planar polygons in 4326.
    """
    return Exists(
        ZonePart.objects.filter(zone_id=zone.pk, geom__covers=Cast(OuterRef("point"), GeometryField(srid=WGS84)))
    )


def _queue_rows(qs: QuerySet[Report], *, on: dt.date) -> QuerySet[Report]:
    return (
        _with_deadline(qs, on=on)
        .select_related("category", "department", "zone")
        .only(*QUEUE_FIELDS)
        .order_by(F("deadline").asc(nulls_last=True), "created_at", "id")
    )


def backoffice_queue(*, user: Any, filters: QueueFilters, on: dt.date) -> QuerySet[Report]:
    """The reports `user` may see that match `filters`, the most urgent deadline first, with deadline flags."""
    qs = permissions.visible_reports(user, Report.objects.all())
    if filters.statuses:
        qs = qs.filter(status__in=filters.statuses)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.category is not None:
        qs = qs.filter(Q(category=filters.category) | Q(category__parent=filters.category))
    if filters.zone is not None:
        qs = qs.filter(_in_zone(filters.zone))
    if filters.department is not None:
        qs = qs.filter(department=filters.department)
    qs = _queue_rows(qs, on=on)
    # The flags are annotations (reports_with_deadline_flags), unknown to the type checker's model fields.
    if filters.deadline == "overdue":
        qs = qs.filter(**{"is_overdue": True})
    elif filters.deadline == "due_soon":
        qs = qs.filter(**{"is_due_soon": True, "is_overdue": False})
    return qs


def backoffice_unroutable(*, user: Any, filters: QueueFilters, on: dt.date) -> QuerySet[Report]:
    """Open reports no rule could route: they sit with the coordinator's department without a routing rule
    (routing gave them to the coordinator as "not routable", or a category's default department is the
    coordinator's). A report reassigned to the coordinator's department shows here too: it is the coordinator's
    to give on."""
    if not roles.is_coordinator(user):
        return Report.objects.none()
    qs = backoffice_queue(user=user, filters=filters, on=on)
    return qs.filter(department__is_coordinator=True, routing_rule__isnull=True)


def backoffice_report(*, reference: str) -> Report | None:
    """One report with the relations its page shows; None when the reference is unknown."""
    if not lookup_value_ok(reference):
        return None
    return (
        Report.objects.select_related("category", "category__parent", "department", "merged_into", "created_by")
        .filter(reference=reference)
        .first()
    )


def report_zone_name(report: Report) -> str:
    """The name of the zone a report records, without loading the zone's polygon."""
    if report.zone_id is None:
        return ""
    return Zone.objects.filter(pk=report.zone_id).values_list("name", flat=True).first() or ""


def report_with_flags(report: Report, *, on: dt.date) -> Report:
    """`report` read again with `is_overdue`, `is_due_soon` and `deadline` (one query)."""
    return (
        _with_deadline(Report.objects.filter(pk=report.pk), on=on)
        .only("id", "acknowledge_due", "answer_due", "status")
        .get()
    )


def report_history(report: Report) -> QuerySet[ReportEvent]:
    """Every history event, internal ones included, oldest first, with who did it."""
    return report.events.select_related("actor", "department").order_by("created_at", "id")


def report_emails(report: Report) -> QuerySet[OutgoingEmail]:
    """Every e-mail the service sent (or is sending) about the report, oldest first."""
    return OutgoingEmail.objects.filter(report=report).order_by("created_at", "id")


def report_surveys(report: Report):
    return report.surveys.select_related("referral").order_by("created_at", "id")


def report_merged_reports(report: Report) -> QuerySet[Report]:
    return report.merged_reports.only("id", "reference", "created_at").order_by("created_at", "id")


def report_followers_count(report: Report) -> int:
    return report.followers.count()


def external_bodies() -> QuerySet[Department]:
    """Bodies a report may be forwarded to."""
    return Department.objects.filter(active=True, is_external=True).order_by("name_nl")


def reassignment_departments(*, exclude: Department | None = None) -> QuerySet[Department]:
    """City departments a report may be reassigned to (external bodies take reports over by forwarding)."""
    qs = Department.objects.filter(active=True, is_external=False)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.order_by("name_nl")


def departments_all() -> QuerySet[Department]:
    return Department.objects.filter(active=True).order_by("name_nl")


def zones_for_filter(*, on: dt.date) -> QuerySet[Zone]:
    """Zones a handler filters by: every zone valid today except the territory (the whole city). No polygons."""
    return (
        Zone.objects.valid_on(on)
        .exclude(zone_type=ZoneType.TERRITORY)
        .only("id", "slug", "name", "zone_type")
        .order_by("zone_type", "name")
    )


def categories_for_filter() -> QuerySet[Category]:
    return report_selectors.categories_active()


def handler_departments(user: Any) -> QuerySet[Department]:
    """The departments whose compliments a user may read: a handler's own, every department for the coordinator."""
    if roles.is_coordinator(user):
        return departments_all()
    return Department.objects.filter(pk__in=roles.department_ids_of(user)).order_by("name_nl")


def department_compliments(*, user: Any, department: Department) -> QuerySet[Report]:
    """The compliments of `department` that `user` may see, newest first."""
    return permissions.visible_reports(user, feedback_selectors.department_compliments(department=department))


def ombudsman_cases() -> QuerySet[OmbudsmanReferral]:
    """Every referral to the ombudsdienst, newest first, with its report, survey and department."""
    return feedback_selectors.ombudsman_referrals()
