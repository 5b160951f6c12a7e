"""What each role may see and do with reports. Services and interfaces ask here; nothing else decides.

The roles themselves (who has which, which departments a handler works for, the system actor) are
staff/roles.py; this module turns them into rules about reports:
- coördinator, beheerder (and superusers): every report, every step, reassignment;
- behandelaar: the reports of its departments, every step the workflow allows except the coordinator-only ones
  (workflow.COORDINATOR_ONLY);
- telefoondesk, veldwerker: the reports they entered, with their personal data; no steps;
- ombudsdienst: read-only, the cases referred to it (see `_ombudsman_cases`), without personal data;
- planner: no report (statistics only).
Any city employee (a meldpunt role, or staff) may also confirm, on the spot, an open report in a public category
(one anyone sees on the public map) or one their role shows them: `can_confirm`, `confirmable_reports`.
A user with several roles gets what each of them gives.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from geo_meldpunt.staff.groups import OMBUDSMAN
from geo_meldpunt.staff.roles import (
    ALL_REPORTS,
    OWN_ENTRIES,
    SYSTEM,
    department_ids_of,
    is_coordinator,
    is_employee,
    roles_of,
)

from . import workflow
from .models import Report, ReportEvent


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


def confirmable_reports(user: Any, queryset: QuerySet[Report] | None = None) -> QuerySet[Report]:
    """The reports a city employee may confirm on the spot (follow, add a note or photos), as a filter on `queryset`.

    Those in a public category (what the public map shows anyone, without personal data) and those their role
    lets them see (visible_reports): a warden sees only their own entries, which would leave "around me" nearly
    empty, while the public ones are exactly what a citizen could already see on the street and on /kaart/.
    The role's part is a correlated EXISTS, so only the rows that pass the other filters are checked.
    """
    qs = Report.objects.all() if queryset is None else queryset
    if not is_employee(user):
        return qs.none()
    if roles_of(user) & ALL_REPORTS:
        return qs
    own_view = visible_reports(user, Report.objects.filter(pk=OuterRef("pk")))
    return qs.filter(Q(category__is_public=True) | Q(Exists(own_view)))


def can_confirm(user: Any, report: Report) -> bool:
    """The same rule as confirmable_reports, for one report already loaded."""
    return is_employee(user) and (report.category.is_public or can_view(user, report))
