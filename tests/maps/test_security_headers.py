"""Headers a visitor's browser acts on: the Content-Security-Policy on every page (with nothing inline that it
would have to allow), and no caching of a reporter's own tracking page and API answer."""

from __future__ import annotations

import re

import pytest

from geo_meldpunt.staff.groups import ADMINISTRATOR
from tests.factories import ReportFactory
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/meld/", "/kaart/", "/embed/knop/", "/embed/kaart/", "/behandeling/login/", "/api/docs/"]
STAFF_PAGES = [
    "/behandeling/",
    "/balie/",
    "/veld/",
    "/inzicht/",
    "/inzicht/kaart/",
    "/inzicht/hotspots/",
    "/admin/",
    "/admin/auth/user/",
    "/admin/reports/report/",
]


def directives(response) -> dict[str, str]:
    parts = (p.strip().split(" ", 1) for p in response["Content-Security-Policy"].split(";") if p.strip())
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


def inline_code(html: str) -> list[str]:
    """What a strict policy refuses: script elements with code (JSON data blocks are not run), style elements,
    style attributes and event-handler attributes."""
    scripts = [
        tag
        for tag, body in re.findall(r"(<script\b[^>]*>)(.*?)</script>", html, re.DOTALL | re.IGNORECASE)
        if "src=" not in tag and 'type="application/json"' not in tag and body.strip()
    ]
    styles = re.findall(r"<style\b", html, re.IGNORECASE)
    attributes = re.findall(r"<[^>]*\s(?:style|on[a-z]+)\s*=\s*[\"'][^>]*>", html, re.IGNORECASE)
    return scripts + styles + attributes


def assert_strict(response) -> None:
    policy = directives(response)
    for directive in ("script-src", "style-src"):
        assert policy[directive] == "'self'", (directive, policy[directive])
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert inline_code(response.content.decode()) == []


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_sends_a_strict_policy_and_has_nothing_inline(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert_strict(response)


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_every_staff_page_sends_a_strict_policy_and_has_nothing_inline(client, path):
    user = staff_user(ADMINISTRATOR, superuser=True)
    client.force_login(user)

    response = client.get(path)

    assert response.status_code == 200, path
    assert_strict(response)


def test_the_tracking_page_has_a_strict_policy_and_is_never_stored(client):
    report = ReportFactory()

    page = client.get(f"/volg/{report.tracking_token}/")
    api = client.get(f"/api/v1/track/{report.tracking_token}/")

    assert page.status_code == api.status_code == 200
    assert_strict(page)
    for response in (page, api):
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control


def test_the_inline_check_finds_what_the_policy_would_refuse():
    """Guards the check above: each kind of inline code is found, data blocks and script files are not."""
    html = (
        '<script src="/static/a.js"></script><script id="c" type="application/json">{"a": 1}</script>'
        '<script>alert(1)</script><style>p{}</style><p style="color: red">x</p><a onclick="go()">y</a>'
    )
    assert len(inline_code(html)) == 4
