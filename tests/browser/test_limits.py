"""The abuse limits as a person meets them in the browser: a report refused for too many requests (429) says so
and when to try again, keeps everything typed, and goes through on retry; a locked-out login says why and for how
long."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from geo_meldpunt.reports.models import Report
from geo_meldpunt.staff.groups import HANDLER
from tests.browser.test_meld import melding_to_description
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.browser


def test_too_many_reports_from_one_connection_say_when_to_try_again_and_keep_the_report(page, settings, screenshot):
    cache.clear()
    settings.API_THROTTLE_RATES = {"public_write_burst": "1/min", "public_write_sustained": "100/hour"}
    Client().post("/api/v1/reports/", {}, content_type="application/json")  # this address's one write this minute
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    melding_to_description(page, "graffiti", "Graffiti of wildplakken")
    description = "Graffiti op de zeedijk, ter hoogte van de trap."
    page.get_by_test_id("description").fill(description)
    page.get_by_test_id("submit").click()

    page.get_by_test_id("send-error").wait_for()
    text = page.get_by_test_id("send-error").inner_text()
    assert "Te veel verzoeken vanaf uw verbinding" in text and "seconden opnieuw" in text
    assert page.get_by_test_id("description").input_value() == description
    assert Report.objects.count() == 0
    screenshot(page, "throttled")

    settings.API_THROTTLE_RATES = {"public_write_burst": "100/min", "public_write_sustained": "100/hour"}
    page.get_by_test_id("retry").click()
    page.get_by_test_id("done").wait_for()
    assert Report.objects.get().description == description
    assert errors == []
    cache.clear()


def test_a_locked_out_login_says_why_and_for_how_long(page, settings, screenshot, assert_accessible):
    user = staff_user(HANDLER, username="handelaar")
    user.set_password("juist-wachtwoord-123")
    user.save()

    page.goto("/behandeling/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Gebruikersnaam").fill("handelaar")
        page.get_by_label("Wachtwoord").fill("fout")
        page.get_by_role("button", name="Aanmelden").click()

    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Te veel pogingen om in te loggen"
    assert "de komende 15 minuten niet inloggen" in page.get_by_role("alert").inner_text()
    screenshot(page, "locked-out")
    assert_accessible(page)
    page.get_by_role("link", name="Terug naar de aanmeldpagina").click()
    page.get_by_label("Gebruikersnaam").fill("handelaar")
    page.get_by_label("Wachtwoord").fill("juist-wachtwoord-123")
    page.get_by_role("button", name="Aanmelden").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Te veel pogingen om in te loggen"
