"""The roles as Django groups: their names and the admin permissions each one gets.

No model imports here: the data migration that creates the groups uses this module with historical models.
What a role may see and do with reports is decided in roles.py, not by these admin permissions.
"""

from __future__ import annotations

from typing import Any

HANDLER = "behandelaar"  # a department's handler: its department's reports (StaffMembership says which)
COORDINATOR = "coördinator"  # the meldpunt coordinator: every report, unroutable ones, reassignment, configuration
PHONE_DESK = "telefoondesk"  # enters reports for callers; sees what it entered
FIELD_STAFF = "veldwerker"  # community wardens and inspectors reporting from the street; sees what it entered
PLANNER = "planner"  # statistics only: no report, no personal data
MANAGEMENT = "directie"  # the city's management: the insight pages and the yearly report, no report itself
OMBUDSMAN = "ombudsdienst"  # read-only: the cases referred to it and their history
ADMINISTRATOR = "beheerder"  # everything the coordinator may, plus users and reference data

ROLES = (HANDLER, COORDINATOR, PHONE_DESK, FIELD_STAFF, PLANNER, OMBUDSMAN, ADMINISTRATOR, MANAGEMENT)

# Admin-site permissions ("app_label.codename", or "app_label.*" for all of an app's). The back office and the
# API check roles.py instead; these only open the admin for configuration.
_CONFIGURATION = (
    "reports.view_category", "reports.add_category", "reports.change_category",
    "reports.view_answertemplate", "reports.add_answertemplate", "reports.change_answertemplate",
    "reports.delete_answertemplate",
    "zones.view_department", "zones.add_department", "zones.change_department",
    "zones.view_routingrule", "zones.add_routingrule", "zones.change_routingrule", "zones.delete_routingrule",
    "zones.view_zone",
)  # fmt: skip
# A reporter's request about their data (export, erasure) is the coordinator's: the admin's "Data protection" page.
_PRIVACY = ("privacy.view_privacyrecord", "privacy.handle_reporter_request")
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    COORDINATOR: (*_CONFIGURATION, "reports.view_report", "reports.view_follower", *_PRIVACY),
    # Client applications and their API keys (Open311): the administrator's alone, keys open the city's API.
    ADMINISTRATOR: (
        "reports.*", "zones.*", "staff.*", "clients.*", "auth.view_user", "auth.add_user", "auth.change_user",
        *_PRIVACY,
    ),
}  # fmt: skip


def groups_sync(*, group_model: Any, permission_model: Any) -> None:
    """Create the role groups and give them their admin permissions; idempotent, never removes anything.

    Takes the models so the data migration can pass its historical ones. Permissions that do not exist yet
    (an app not migrated) are skipped.
    """
    for role in ROLES:
        group, _created = group_model.objects.get_or_create(name=role)
        wanted = ROLE_PERMISSIONS.get(role, ())
        if not wanted:
            continue
        permissions = []
        for entry in wanted:
            app_label, codename = entry.split(".", 1)
            qs = permission_model.objects.filter(content_type__app_label=app_label)
            permissions.extend(qs if codename == "*" else qs.filter(codename=codename))
        group.permissions.add(*permissions)
