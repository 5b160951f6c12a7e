"""The embed pages a city's own web site frames (/embed/knop/, /embed/kaart/) and the script that inserts them.

What the city and its visitors rely on: only the configured sites (and the app) may frame these pages, every other
page still refuses any frame, the frames set no cookie (they live on another site than the page around them), and
they speak the language the embedding page asks for.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import checks

from maps.embedding import check_embed_origins
from tests.production import production_environment

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EMBED_PAGES = ["/embed/knop/", "/embed/kaart/"]
CITY = "https://www.oostende.be"
OTHER_CITY_SITE = "https://evenementen.oostende.be"


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "the page has no <html lang>"
    return match.group(1)


def csp_directives(header: str) -> dict[str, str]:
    """The Content-Security-Policy header as {directive: its sources as written}."""
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def meld_link(response) -> str:
    match = re.search(r'<a [^>]*href="([^"]+)"[^>]*data-testid="embed-meld"', response.content.decode())
    assert match, "no 'meld iets' link in the frame"
    return match.group(1).replace("&amp;", "&")


# --- Who may frame what -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EMBED_PAGES)
def test_an_embed_page_may_be_framed_by_exactly_the_configured_sites_and_the_app(client, settings, path):
    settings.MAPS_EMBED_ORIGINS = [CITY, OTHER_CITY_SITE]

    response = client.get(path)

    assert response.status_code == 200
    policy = csp_directives(response["Content-Security-Policy"])
    assert policy["frame-ancestors"] == f"'self' {CITY} {OTHER_CITY_SITE}"
    # The rest of the app's policy still holds inside the frame.
    assert policy["script-src"] == "'self'"
    assert "X-Frame-Options" not in response


@pytest.mark.parametrize("path", EMBED_PAGES)
def test_with_no_site_configured_only_the_app_itself_may_frame_an_embed_page(client, settings, path):
    settings.MAPS_EMBED_ORIGINS = []

    response = client.get(path)

    assert csp_directives(response["Content-Security-Policy"])["frame-ancestors"] == "'self'"
    assert "X-Frame-Options" not in response


@pytest.mark.parametrize("path", ["/", "/meld/", "/kaart/", "/behandeling/login/", "/embed/naar/meld/"])
def test_every_other_page_still_refuses_to_be_framed_even_with_embedding_configured(client, settings, path):
    settings.MAPS_EMBED_ORIGINS = [CITY]

    response = client.get(path)

    assert response["X-Frame-Options"] == "DENY"
    assert csp_directives(response["Content-Security-Policy"])["frame-ancestors"] == "'none'"


def test_the_admin_still_refuses_to_be_framed(admin_client, settings):
    settings.MAPS_EMBED_ORIGINS = [CITY]

    assert admin_client.get("/admin/")["X-Frame-Options"] == "DENY"


# --- No cookie ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*EMBED_PAGES, "/embed/meldpunt.js"])
def test_an_embed_page_sets_no_cookie_for_a_new_visitor(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert not response.has_header("Set-Cookie") and not response.cookies


@pytest.mark.parametrize("path", EMBED_PAGES)
def test_an_embed_page_sets_no_cookie_for_a_logged_in_employee_either(client, django_user_model, path):
    client.force_login(django_user_model.objects.create_user("wijkagent", password="x"))
    client.get("/kaart/")  # a page with a form: the CSRF cookie exists now
    assert settings.CSRF_COOKIE_NAME in client.cookies

    response = client.get(path)

    assert response.status_code == 200
    assert not response.has_header("Set-Cookie") and not response.cookies
    # Nothing in the frame speaks of the person: it is the same for every visitor.
    assert "csrfmiddlewaretoken" not in response.content.decode()


# --- Language -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected", "button"),
    [("fr", "fr", "Faire un signalement"), ("de", "de", "Etwas melden"), ("en", "en", "Report something")],
)
@pytest.mark.parametrize("path", EMBED_PAGES)
def test_an_embed_page_speaks_the_language_the_embedding_page_asks_for(client, path, lang, expected, button):
    response = client.get(path, {"lang": lang}, HTTP_ACCEPT_LANGUAGE="nl")

    assert html_lang(response) == expected
    assert response["Content-Language"] == expected
    assert button in response.content.decode()
    assert meld_link(response) == f"/embed/naar/meld/?lang={expected}"


def test_an_embed_page_is_dutch_by_default_whatever_the_cookie_or_the_browser_says(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = client.get("/embed/knop/", HTTP_ACCEPT_LANGUAGE="en")

    assert html_lang(response) == "nl"
    assert response["Content-Language"] == "nl"
    assert "Iets melden" in response.content.decode()


@pytest.mark.parametrize(("lang", "expected"), [("fr-BE", "fr"), ("xx", "nl"), ("", "nl"), ("<script>", "nl")])
def test_a_regional_or_unknown_language_parameter_falls_back_sensibly(client, lang, expected):
    response = client.get("/embed/kaart/", {"lang": lang})

    assert html_lang(response) == expected


def test_the_map_frame_asks_for_open_reports_with_its_strings_in_the_chosen_language(client):
    response = client.get("/embed/kaart/", {"lang": "fr"})

    html = response.content.decode()
    config = json.loads(re.search(r'<script id="kaart-config" type="application/json">(.*?)</script>', html).group(1))
    assert config["filters"]["status"] == "open"
    assert config["strings"]["list_heading"] == "Signalements dans cette zone"
    assert 'data-testid="embed-full-map"' in html


# --- The link out of the frame --------------------------------------------------------------------------------------


def test_the_button_opens_the_report_page_in_the_embedding_pages_language(client):
    response = client.get("/embed/naar/meld/", {"lang": "fr"})

    assert response.status_code == 302
    assert response["Location"] == "/meld/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert html_lang(client.get("/meld/")) == "fr"


def test_the_full_map_link_opens_the_public_map_of_open_reports(client):
    response = client.get("/embed/naar/kaart/", {"lang": "de"})

    assert response["Location"] == "/kaart/?status=open"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"


def test_the_link_out_leaves_the_language_alone_without_a_parameter_and_goes_nowhere_else(client):
    response = client.get("/embed/naar/meld/")
    assert response["Location"] == "/meld/"
    assert not response.cookies

    assert client.get("/embed/naar/admin/").status_code == 404


# --- The script -----------------------------------------------------------------------------------------------------


def test_the_script_is_javascript_cached_for_an_hour_and_revalidated(client):
    response = client.get("/embed/meldpunt.js")

    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"  # so it must be served as JavaScript to run at all
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=3600"} <= cache_control
    again = client.get("/embed/meldpunt.js", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_the_script_knows_both_frames_and_titles_them_in_every_language(client):
    body = client.get("/embed/meldpunt.js").content.decode()

    config = json.loads(re.search(r"var config = (\{.*?\});\n", body).group(1))
    assert config["paths"] == {"knop": "/embed/knop/", "kaart": "/embed/kaart/"}
    assert config["languages"] == ["nl", "fr", "en", "de"]
    assert config["titles"]["nl"]["knop"] == "Meldpunt Oostende: iets melden"
    assert config["titles"]["fr"]["kaart"] == "Meldpunt Oostende : signalements en cours sur la carte"
    # The only server the script talks to is the one it came from.
    assert "http" not in re.sub(r"/\*.*?\*/", "", body, flags=re.S)


# --- Configuration --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    ["*", "https://www.oostende.be/meldpunt", "'unsafe-inline'", "www.oostende.be", "https://a.be https://b.be"],
)
def test_a_setting_that_is_not_an_origin_is_an_error_at_startup(settings, origin):
    settings.MAPS_EMBED_ORIGINS = [CITY, origin]

    errors = check_embed_origins()

    assert [e.id for e in errors] == ["maps.E001"]
    assert origin in errors[0].msg
    assert any(e.id == "maps.E001" for e in checks.run_checks())


def test_origins_with_ports_and_subdomain_wildcards_are_accepted(settings):
    settings.MAPS_EMBED_ORIGINS = [CITY, "https://*.oostende.be", "http://localhost:8080", "https://WWW.Oostende.be"]

    assert check_embed_origins() == []


@pytest.mark.django_db
def test_with_the_settings_a_city_ships_with_the_configured_origins_reach_the_header(production_static_root):
    """Production settings (DEBUG off, secure cookies) with MELDPUNT_EMBED_ORIGINS as a city writes it.

    The child process uses the test database (its committed reference data), never the development one.
    """
    program = """
import json, django
django.setup()
from django.test import Client
client = Client()
out = {}
for path in ("/embed/kaart/?lang=fr", "/embed/knop/", "/meld/"):
    response = client.get(path, secure=True)
    out[path] = {"status": response.status_code, "headers": dict(response.headers), "cookies": list(response.cookies)}
print(json.dumps(out))
"""
    environment = production_environment(
        MELDPUNT_EMBED_ORIGINS=f" {CITY}/ , https://*.oostende.be ", MELDPUNT_STATIC_ROOT=str(production_static_root)
    )
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout.strip().splitlines()[-1])

    for path in ("/embed/kaart/?lang=fr", "/embed/knop/"):
        page = pages[path]
        assert page["status"] == 200
        policy = csp_directives(page["headers"]["Content-Security-Policy"])
        assert policy["frame-ancestors"] == f"'self' {CITY} https://*.oostende.be"
        assert "X-Frame-Options" not in page["headers"]
        assert page["cookies"] == []
    assert pages["/embed/kaart/?lang=fr"]["headers"]["Content-Language"] == "fr"
    assert pages["/meld/"]["headers"]["X-Frame-Options"] == "DENY"
