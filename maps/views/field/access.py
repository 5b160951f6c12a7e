"""Who may use the field page: any city employee (staff.roles.is_employee). The page sends others to the back
office's login (and back to /veld/ after it); its JSON answers 401 or 403 with a message instead."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from geo_meldpunt.staff.roles import is_employee

from ..backoffice.access import forbidden


def not_staff_message() -> str:
    return _("Only city staff can report from the field. Ask the meldpunt for a role.")


def field_page_access(view: Callable) -> Callable:
    """Login first (the back office's login page, then back here); then a city employee, else the 403 page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_employee(request.user):
            return forbidden(request, not_staff_message())
        return view(request, *args, **kwargs)

    return wrapped


def field_json_access(view: Callable) -> Callable:
    """The same rule for the page's JSON: 401 when logged out (the page offers to log in again), 403 otherwise."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse(
                {
                    "detail": _("You are no longer logged in. Log in again to send and to see reports."),
                    "code": "not_authenticated",
                },
                status=401,
            )
        if not is_employee(request.user):
            return JsonResponse({"detail": not_staff_message(), "code": "forbidden"}, status=403)
        return view(request, *args, **kwargs)

    return wrapped
