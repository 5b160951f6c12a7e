"""Who reaches which back-office page, and the pages that say no.

What a role may do with a report is decided by reports.permissions; this module only decides which pages a role has
(the planner has statistics and no queue, the ombudsdienst its cases) and renders the login redirect and the
403 page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from geo_meldpunt.staff import roles
from geo_meldpunt.staff.groups import ADMINISTRATOR, COORDINATOR, FIELD_STAFF, HANDLER, OMBUDSMAN, PHONE_DESK

# Roles with a queue of reports: their department's, every report, or the ones they entered themselves.
QUEUE_ROLES = frozenset({HANDLER, COORDINATOR, ADMINISTRATOR, PHONE_DESK, FIELD_STAFF})
COMPLIMENT_ROLES = frozenset({HANDLER, COORDINATOR, ADMINISTRATOR})
OMBUDSMAN_PAGE_ROLES = frozenset({OMBUDSMAN, COORDINATOR, ADMINISTRATOR})
# The phone desk and counter (/balie/): the roles that take calls and visitors; other employees need is_staff.
DESK_ROLES = frozenset({PHONE_DESK, COORDINATOR, ADMINISTRATOR})


def has_queue(user: Any) -> bool:
    return bool(roles.roles_of(user) & QUEUE_ROLES)


def has_compliments(user: Any) -> bool:
    return bool(roles.roles_of(user) & COMPLIMENT_ROLES)


def has_ombudsman_page(user: Any) -> bool:
    return bool(roles.roles_of(user) & OMBUDSMAN_PAGE_ROLES)


def has_desk(user: Any) -> bool:
    """The phone desk, the coordinator and administrators, and any active employee with the admin's is_staff."""
    return bool(roles.roles_of(user) & DESK_ROLES) or (roles.is_employee(user) and user.is_staff)


def navigation(user: Any) -> dict[str, bool]:
    """Which back-office pages the user's menu offers."""
    return {
        "queue": has_queue(user),
        "desk": has_desk(user),
        "unroutable": roles.is_coordinator(user),
        "compliments": has_compliments(user),
        "ombudsman": has_ombudsman_page(user),
        "statistics": roles.can_see_statistics(user),
        # Categories, deadlines, routing rules and answer templates are configured in the admin.
        "configuration": roles.can_configure(user) and user.is_staff,
    }


def render_page(request: HttpRequest, template: str, context: dict | None = None, *, status: int = 200) -> HttpResponse:
    """Render a back-office page with its menu."""
    return render(request, template, {"nav": navigation(request.user), **(context or {})}, status=status)


def forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    """The 403 page: what was refused, in words, and the way back."""
    return render_page(
        request,
        "maps/backoffice/forbidden.html",
        {"message": message or _("Your role does not give access to this page.")},
        status=403,
    )


def staff_required(check: Callable[[Any], bool] | None = None) -> Callable:
    """Login first (to the login page, then back); then a meldpunt role, and `check(user)` when given."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not roles.roles_of(request.user):
                return forbidden(request, _("Your account has no role in the back office. Ask the meldpunt."))
            if check is not None and not check(request.user):
                return forbidden(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
