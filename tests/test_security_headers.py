"""The Content-Security-Policy headers are those django-csp's own middleware writes, for every kind of answer, and
follow a change of the settings (geo_meldpunt/core/security_headers.py builds the settings' policy once)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings

from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


def library_middleware() -> list[str]:
    return [
        "csp.middleware.CSPMiddleware" if m == "geo_meldpunt.core.security_headers.CSPMiddleware" else m
        for m in settings.MIDDLEWARE
    ]


def answers(client, urls) -> list[tuple[int, dict]]:
    return [
        (response.status_code, {h: response.get(h) for h in HEADERS}) for response in (client.get(url) for url in urls)
    ]


def test_every_kind_of_answer_gets_the_header_django_csp_writes(client):
    report = ReportFactory()
    urls = [
        "/api/v1/categories/",  # the API
        f"/api/v1/track/{report.tracking_token}/",  # the short way past DRF
        "/meld/",  # a page
        "/embed/knop/",  # frame-ancestors replaced by the view
        "/kaart/",
        "/admin/login/",
        "/bestaat-niet/",  # 404
    ]
    ours = answers(client, urls)
    with override_settings(MIDDLEWARE=library_middleware()):
        theirs = answers(client, urls)
    assert ours == theirs
    assert all(headers["Content-Security-Policy"] for _status, headers in ours)
    assert "frame-ancestors 'none'" in ours[0][1]["Content-Security-Policy"]
    assert ours[3][1]["Content-Security-Policy"] != ours[2][1]["Content-Security-Policy"]  # the embed's own


def test_a_changed_policy_setting_is_written_at_once(client):
    before = client.get("/api/v1/categories/")["Content-Security-Policy"]
    policy = {"DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=policy):
        changed = client.get("/api/v1/categories/")
        with override_settings(MIDDLEWARE=library_middleware()):
            library = client.get("/api/v1/categories/")
    assert changed["Content-Security-Policy"] != before
    assert "img-src 'self';" in changed["Content-Security-Policy"] + ";"
    assert [changed.get(h) for h in HEADERS] == [library.get(h) for h in HEADERS]
    assert client.get("/api/v1/categories/")["Content-Security-Policy"] == before
