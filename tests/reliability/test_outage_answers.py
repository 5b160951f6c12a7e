"""The answer to a database outage itself: 503, Retry-After, JSON for the API, a translated page for people.

test_database_outage.py proves it end to end against a real PostgreSQL stopped under load (errors raised in
views); these check the way in for errors raised outside a view (handler500) and the answer's languages.
"""

from __future__ import annotations

import json

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory
from django.utils import translation

from geo_meldpunt.core.outage import DatabaseOutageMiddleware, server_error


def _answer_while_handling(error: Exception, path: str, **headers):
    request = RequestFactory().get(path, **headers)
    try:
        raise error
    except Exception:
        # Django calls handler500 while the exception is being handled, as here.
        return server_error(request)


@pytest.mark.parametrize("error", [OperationalError("server closed the connection"), InterfaceError("closed")])
def test_an_outage_outside_a_view_is_a_503_page_with_retry_after(error):
    with translation.override("nl"):
        response = _answer_while_handling(error, "/kaart/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Even niet beschikbaar" in page and '<html lang="nl">' in page


def test_the_api_gets_json_in_the_asked_language():
    with translation.override("en"):
        response = _answer_while_handling(OperationalError("no server"), "/api/v1/reports/")
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"detail": "The service is briefly unavailable. Try again in a moment."}
    with translation.override("fr"):
        french = _answer_while_handling(OperationalError("no server"), "/api/v1/reports/")
    assert "indisponible" in json.loads(french.content)["detail"]


def test_a_view_that_meets_an_outage_gets_the_same_answer():
    middleware = DatabaseOutageMiddleware(lambda request: None)
    request = RequestFactory().post("/api/v1/reports/")
    response = middleware.process_exception(request, OperationalError("terminating connection"))
    assert response is not None and response.status_code == 503 and int(response["Retry-After"]) > 0
    # Anything else is not an outage: left to Django (a 500, logged).
    assert middleware.process_exception(request, ValueError("bug")) is None


def test_any_other_error_stays_a_500():
    response = _answer_while_handling(ValueError("a bug"), "/kaart/")
    assert response.status_code == 500
    assert "Retry-After" not in response
