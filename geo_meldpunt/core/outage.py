"""A database outage answers 503 with Retry-After, not 500: the request may be repeated, nothing was half-written.

PostgreSQL restarting, failing over or unreachable makes psycopg raise OperationalError (cannot connect, the
connection was terminated) or InterfaceError (a connection already closed). Every write runs in one transaction,
so a request that fails this way before its commit stored nothing: the client may try again (with the same
`Idempotency-Key`, a repeat cannot file a report twice), and `Retry-After` says when.

Two ways in, one answer:
- `DatabaseOutageMiddleware.process_exception` for errors raised by a view (DRF hands them on unhandled);
- `server_error`, the project's handler500, for errors raised outside a view (the session or the user loaded by
  middleware): Django calls it while the exception is being handled, so `sys.exc_info()` still names it.

Recovery needs nothing from here: Django marks a connection that raised such an error unusable and closes it at
the end of the request, and CONN_HEALTH_CHECKS tests a persistent connection before reusing it, so the first
request after PostgreSQL is back opens a fresh connection.

The answer touches no database: the page is rendered without a request context (no user, no session) from a
template of its own.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

DATABASE_ERRORS = (OperationalError, InterfaceError)

logger = logging.getLogger(__name__)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def outage_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON (`detail`) for the API, a short page for people."""
    retry_after = settings.CORE_DATABASE_OUTAGE_RETRY_AFTER_S
    if _wants_json(request):
        message = _("The service is briefly unavailable. Try again in a moment.")
        response: HttpResponse = JsonResponse({"detail": message}, status=503)
    else:
        page = render_to_string(
            "core/503.html",
            {"site_name": settings.MELDPUNT_SITE_NAME, "phone": settings.MELDPUNT_PHONE, "retry_after": retry_after},
        )
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(retry_after)
    # Never kept by a cache: the next try must reach the service.
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.warning("Database unavailable, answered 503: %s %s: %s", request.method, request.path, exception)
        return outage_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage met outside a view is a 503 as well; anything else is Django's 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return outage_response(request)
    return defaults.server_error(request)
