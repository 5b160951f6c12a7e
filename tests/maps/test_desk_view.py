"""The phone desk and counter /balie/ without a browser: who may open it, what it renders, and filing through the
API as the page does (session and CSRF token), with field-by-field errors in Dutch for bad input."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from geo_meldpunt.reports.models import Report
from geo_meldpunt.staff.groups import COORDINATOR, HANDLER, PHONE_DESK, PLANNER
from geo_meldpunt.staff.services import staff_roles_set
from tests.factories import WAPENPLEIN, DepartmentFactory

pytestmark = pytest.mark.django_db

URL = "/balie/"


def json_script(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no json_script #{element_id} in the page"
    return json.loads(match.group(1))


def employee(*roles: str, is_staff: bool = False, username: str = "werknemer"):
    """An account with these roles and, unlike tests.staff.helpers.staff_user, is_staff only when asked."""
    user = get_user_model().objects.create_user(username=username, password="geheim-wachtwoord", is_staff=is_staff)
    staff_roles_set(user=user, roles=roles, departments=[DepartmentFactory()] if HANDLER in roles else ())
    return user


def logged_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


# --- Who may open the desk -------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page_and_back(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == "/behandeling/login/?next=/balie/"


def test_after_logging_in_the_agent_lands_on_the_desk(client):
    employee(PHONE_DESK, username="agent")

    response = client.post(
        "/behandeling/login/?next=/balie/", {"username": "agent", "password": "geheim-wachtwoord", "next": "/balie/"}
    )

    assert response.status_code == 302 and response["Location"] == "/balie/"
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("roles", [(PLANNER,), (HANDLER,), ()])
def test_an_account_without_a_desk_role_is_refused_with_a_403(roles):
    response = logged_in(employee(*roles)).get(URL)

    assert response.status_code == 403
    assert "Alleen de telefoondesk en de coördinator van het meldpunt" in response.content.decode()


@pytest.mark.parametrize(
    ("roles", "is_staff"), [((PHONE_DESK,), False), ((COORDINATOR,), False), ((), True), ((PLANNER,), True)]
)
def test_the_phone_desk_the_coordinator_and_staff_accounts_get_the_desk(roles, is_staff):
    response = logged_in(employee(*roles, is_staff=is_staff)).get(URL)

    assert response.status_code == 200


def test_the_desk_renders_its_choices_config_and_strings_in_dutch():
    html = logged_in(employee(PHONE_DESK)).get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="nl">' in html
    for channel in ("phone", "desk", "post", "email"):
        assert f'name="channel" id="channel-{channel}" value="{channel}"' in html
    assert 'value="web"' not in html and 'value="staff"' not in html
    for language, name in (("nl", "Nederlands"), ("fr", "Français"), ("de", "Deutsch"), ("en", "English")):
        assert f'value="{language}"' in html
        assert name in html
    assert html.count('name="impact"') == 5
    config = json_script(html, "desk-config")
    assert config["urls"]["reports"] == "/api/v1/reports/"
    assert config["urls"]["geocode"] == "/api/v1/geocode/"
    assert config["languages"]["fr"] == "Frans"
    assert config["csrf_token"]
    strings = json_script(html, "desk-strings")
    assert "e-mailadres" in strings["follow_needs_email"]
    assert set(strings["duplicates_found"]) == {"one", "other"}


# --- Filing as the page does: the API with the session and the page's CSRF token -------------------------------


def desk_post(client: Client, data: dict, **headers):
    html = client.get(URL).content.decode()
    token = json_script(html, "desk-config")["csrf_token"]
    return client.post("/api/v1/reports/", data, content_type="application/json", HTTP_X_CSRFTOKEN=token, **headers)


def caller_report(**overrides) -> dict:
    lon, lat = WAPENPLEIN
    values = {
        "kind": "melding",
        "category": "wegdek-put",
        "lat": lat,
        "lon": lon,
        "address": "Wapenplein, 8400 Oostende",
        "description": "Put in de rijweg, gemeld door een bewoner aan de telefoon.",
        "impact": 3,
        "channel": "phone",
        "language": "fr",
        "reporter_name": "Claire Dubois",
        "reporter_email": "claire.dubois@example.org",
        "reporter_phone": "+32 470 12 34 56",
    }
    values.update(overrides)
    return values


def test_a_report_filed_from_the_desk_is_the_agents_for_the_caller():
    agent = employee(PHONE_DESK, username="agent")

    response = desk_post(logged_in(agent), caller_report())

    assert response.status_code == 201, response.content
    report = Report.objects.get(reference=response.json()["reference"])
    assert (report.channel, report.language, report.created_by) == ("phone", "fr", agent)
    assert (report.reporter_name, report.reporter_email, report.impact) == (
        "Claire Dubois",
        "claire.dubois@example.org",
        3,
    )
    assert response.json()["expected_answer_date"]


def test_bad_input_from_the_desk_gets_dutch_messages_per_field_and_files_nothing():
    client = logged_in(employee(PHONE_DESK))

    response = desk_post(
        client,
        caller_report(category="", description="", reporter_email="claire@", reporter_phone="bel me", impact=9),
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    assert response.status_code == 400
    errors = response.json()
    assert set(errors) >= {"category", "description", "reporter_email", "reporter_phone", "impact"}
    assert "Voer een geldig e-mailadres in." in errors["reporter_email"]
    assert errors["reporter_phone"] == ["Geef een telefoonnummer op met enkel cijfers (spaties, + en / mogen)."]
    assert not Report.objects.exists()


def test_without_the_pages_csrf_token_nothing_is_filed():
    client = logged_in(employee(PHONE_DESK))

    response = client.post("/api/v1/reports/", caller_report(), content_type="application/json")

    assert response.status_code == 403
    assert not Report.objects.exists()


def test_the_back_office_menu_leads_to_the_desk_only_for_those_who_may_use_it():
    desk_link = 'href="/balie/"'

    assert desk_link in logged_in(employee(PHONE_DESK, username="agent")).get("/behandeling/").content.decode()
    assert (
        desk_link
        not in logged_in(employee(PLANNER, username="planner")).get("/behandeling/statistieken/").content.decode()
    )
