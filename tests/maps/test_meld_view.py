"""The report page /meld/: it renders the steps, its settings and the script's texts, in Dutch unless chosen."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from geo_meldpunt.staff.groups import PLANNER
from geo_meldpunt.staff.services import staff_roles_set

pytestmark = pytest.mark.django_db

URL = "/meld/"


def json_script(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no json_script #{element_id} in the page"
    return json.loads(match.group(1))


def test_the_page_renders_every_step_with_its_config_and_strings(client):
    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    for step in ("kind", "location", "category", "duplicates", "details"):
        assert f'data-step="{step}"' in html
    for kind in ("melding", "klacht", "suggestie", "compliment"):
        assert f'value="{kind}"' in html
    assert html.count('name="impact"') == 5

    config = json_script(html, "meld-config")
    assert config["language"] == "nl"
    assert config["urls"]["reports"] == "/api/v1/reports/"
    assert config["urls"]["follow"] == "/api/v1/reports/REFERENCE/follow/"
    assert config["urls"]["geocode"] == "/api/v1/geocode/"
    assert config["kinds_needing_location"] == ["melding", "klacht"]
    assert config["kinds_needing_email"] == ["klacht"]
    assert config["description_max_length"] == settings.REPORTS_DESCRIPTION_MAX_LENGTH
    assert config["csrf_token"]

    strings = json_script(html, "meld-strings")
    assert strings["retry"] and strings["draft_photos_lost"] and strings["accuracy"]
    assert set(strings["categories_count"]) == {"one", "other"}
    # The map's own config (basemap.js) is there as well.
    assert json_script(html, "map-config")["center"] == list(settings.MAPS_CENTER)


def test_dutch_by_default_even_when_the_browser_prefers_english(client):
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="nl">' in html
    assert json_script(html, "meld-config")["language"] == "nl"


def test_the_chosen_language_is_the_pages_and_the_reports(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(URL).content.decode()

    assert '<html lang="en">' in html
    assert json_script(html, "meld-config")["language"] == "en"
    assert "This is not about one place in the city" in html


def test_a_logged_in_employee_reports_as_staff_and_a_citizen_does_not(client):
    assert json_script(client.get(URL).content.decode(), "meld-config")["staff"] is None
    user = get_user_model().objects.create_user(
        username="planner", first_name="Lies", last_name="Maes", email="lies.maes@oostende.be"
    )
    staff_roles_set(user=user, roles=(PLANNER,), departments=())  # any role will do; no is_staff needed
    client.force_login(user)

    html = client.get(URL).content.decode()

    assert json_script(html, "meld-config")["staff"] == {"name": "Lies Maes", "email": "lies.maes@oostende.be"}
    assert "U meldt als Lies Maes (medewerker)" in html
