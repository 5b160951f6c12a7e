"""What each role may see and do with reports. Services and interfaces ask here; nothing else decides.

- coördinator, beheerder (and superusers): every report, every step, reassignment, configuration;
- behandelaar: the reports of its departments (StaffMembership), every step the workflow allows except the
  coordinator-only ones (workflow.COORDINATOR_ONLY);
- telefoondesk, veldwerker: the reports they entered, with their personal data; no steps;
- ombudsdienst: read-only, the cases referred to it (see `_ombudsman_cases`), without personal data: the
  dissatisfied reporter contacts the ombudsdienst, which gets their details from them;
- planner: statistics only (`can_see_statistics`), no report.

A user with several roles gets what each of them gives. A user's roles and departments are read once and
kept on the user object (a request's user lives one request).
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from geo_meldpunt.reports import workflow
from geo_meldpunt.reports.models import Report, ReportEvent

from .groups import ADMINISTRATOR, COORDINATOR, FIELD_STAFF, HANDLER, OMBUDSMAN, PHONE_DESK, PLANNER, ROLES
from .models import StaffMembership

ALL_REPORTS = frozenset({COORDINATOR, ADMINISTRATOR})
OWN_ENTRIES = frozenset({PHONE_DESK, FIELD_STAFF})


class SystemActor:
    """The meldpunt itself, for scheduled jobs (closing answered reports after the survey period, ...).

    Passed explicitly as `by=SYSTEM`; never None, so an anonymous request cannot stand for it. It may take the
    steps the workflow table allows on any report, except the coordinator-only ones; history records no actor.
    """

    is_authenticated = False
    is_active = False
    pk = None

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


def roles_of(user: Any) -> frozenset[str]:
    """The meldpunt roles of an active, logged-in user; a superuser counts as administrator."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_meldpunt_roles", None)
    if cached is None:
        names = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        if user.is_superuser:
            names.add(ADMINISTRATOR)
        cached = frozenset(names)
        user._meldpunt_roles = cached
    return cached


def department_ids_of(user: Any) -> frozenset[int]:
    """The departments a handler works for; empty for a user without the handler role."""
    if HANDLER not in roles_of(user):
        return frozenset()
    cached = getattr(user, "_meldpunt_department_ids", None)
    if cached is None:
        cached = frozenset(
            StaffMembership.departments.through.objects.filter(staffmembership__user=user).values_list(
                "department_id", flat=True
            )
        )
        user._meldpunt_department_ids = cached
    return cached


def forget(user: Any) -> None:
    """Drop what roles_of/department_ids_of kept on the user object (after changing its groups)."""
    for attribute in ("_meldpunt_roles", "_meldpunt_department_ids"):
        if hasattr(user, attribute):
            delattr(user, attribute)


def is_coordinator(user: Any) -> bool:
    return bool(roles_of(user) & ALL_REPORTS)


def _ombudsman_cases() -> Q:
    """The reports referred to the ombudsdienst: the one place to change when the survey stores it otherwise.

    Today: a history event of type "ombudsman", which the satisfaction survey appends for a dissatisfied
    reporter who is referred on.
    """
    return Q(Exists(ReportEvent.objects.filter(report=OuterRef("pk"), event_type=ReportEvent.Type.OMBUDSMAN)))


def visible_reports(user: Any, queryset: QuerySet[Report] | None = None) -> QuerySet[Report]:
    """The reports `user` may see, as a filter on `queryset` (all reports by default)."""
    qs = Report.objects.all() if queryset is None else queryset
    roles = roles_of(user)
    if roles & ALL_REPORTS:
        return qs
    conditions = []
    departments = department_ids_of(user)
    if departments:
        conditions.append(Q(department_id__in=departments))
    if roles & OWN_ENTRIES:
        conditions.append(Q(created_by=user))
    if OMBUDSMAN in roles:
        conditions.append(_ombudsman_cases())
    if not conditions:
        return qs.none()
    return qs.filter(reduce(or_, conditions))


def can_view(user: Any, report: Report) -> bool:
    """The same rule as visible_reports, for one report already loaded."""
    roles = roles_of(user)
    if roles & ALL_REPORTS or report.department_id in department_ids_of(user):
        return True
    if roles & OWN_ENTRIES and report.created_by_id is not None and report.created_by_id == user.pk:
        return True
    return OMBUDSMAN in roles and visible_reports(user, Report.objects.filter(pk=report.pk)).exists()


def can_act(user: Any, report: Report) -> bool:
    """May handle the report (take steps, add notes): the coordinator, a handler of its department, the system."""
    return user is SYSTEM or is_coordinator(user) or report.department_id in department_ids_of(user)


def can_transition(user: Any, report: Report, to: str) -> bool:
    """The workflow allows the step from the report's status, and the user's role allows it on this report."""
    if not workflow.is_allowed(report.kind, report.status, to) or not can_act(user, report):
        return False
    return is_coordinator(user) or not workflow.is_coordinator_only(report.status, to)


def allowed_transitions(user: Any, report: Report) -> list[str]:
    """The statuses `user` may move the report to now (for the back office's buttons), in table order."""
    return [to for to in workflow.next_statuses(report.kind, report.status) if can_transition(user, report, to)]


def can_reassign(user: Any, report: Report) -> bool:
    """The coordinator, or a handler of the report's current department (it hands the report on)."""
    return user is not SYSTEM and can_act(user, report)


def can_see_personal_data(user: Any, report: Report) -> bool:
    """The reporter's name, e-mail and phone: the coordinator, a handler of its department, and the phone
    desk or field staff member who entered it. Not planners, not the ombudsdienst, not other departments."""
    if user is not SYSTEM and can_act(user, report):
        return True
    return bool(roles_of(user) & OWN_ENTRIES and report.created_by_id is not None and report.created_by_id == user.pk)


def can_see_statistics(user: Any) -> bool:
    return bool(roles_of(user) & {PLANNER, COORDINATOR, ADMINISTRATOR})


def can_configure(user: Any) -> bool:
    """Categories, deadlines, routing rules, answer templates."""
    return is_coordinator(user)
