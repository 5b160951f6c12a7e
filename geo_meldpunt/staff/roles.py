"""Who is who: the meldpunt roles of a user, the departments a handler works for, and the system actor.

What each role may see and do with reports is reports/permissions.py, which builds on this module; staff stands
below reports and imports nothing of it. The roles are groups (groups.py): coördinator and beheerder (and
superusers) see everything and configure; a behandelaar works for departments (StaffMembership); telefoondesk
and veldwerker enter reports; the ombudsdienst reads the cases referred to it; a planner sees statistics only
(`can_see_statistics`), as does the city's management (directie). A user with several roles gets what each of
them gives. A user's roles and departments are read once and kept on the user object (a request lives one request).
"""

from __future__ import annotations

from typing import Any

from .groups import ADMINISTRATOR, COORDINATOR, FIELD_STAFF, HANDLER, MANAGEMENT, PHONE_DESK, PLANNER, ROLES
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


def can_see_statistics(user: Any) -> bool:
    return bool(roles_of(user) & {PLANNER, MANAGEMENT, COORDINATOR, ADMINISTRATOR})


def can_configure(user: Any) -> bool:
    """Categories, deadlines, routing rules, answer templates."""
    return is_coordinator(user)


def is_employee(user: Any) -> bool:
    """A city employee: any meldpunt role, or staff status. May report on the staff channels (field, phone, ...)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_staff or roles_of(user))


def display_name(user: Any) -> str:
    """How reports and pages name an employee: the full name, else the user name."""
    return user.get_full_name() or user.get_username()
