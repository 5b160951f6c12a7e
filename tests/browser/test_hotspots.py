"""/inzicht/hotspots/ in Chromium: a planner reads the recurring hotspots (small maps, why, figures, the reports
behind each), opens one, records a structural action and sees it with its before/after. axe-core finds nothing
on either page. Elements are found by data attributes and ids, not by their texts."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from geo_meldpunt.hotspots.models import Action, Detection, Hotspot
from geo_meldpunt.hotspots.periods import months_back
from geo_meldpunt.hotspots.services import hotspots_snapshot_take
from geo_meldpunt.hotspots.tasks import detect
from geo_meldpunt.reports.models import Category
from geo_meldpunt.staff.groups import PLANNER
from tests.browser.conftest import axe_violations
from tests.hotspots.helpers import at, near, plant
from tests.staff.helpers import staff_user


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def plant_hotspot(slug: str, *, metres: float, azimuth: float, months: int, per_month: int = 1, impact=None) -> None:
    category = Category.objects.get(slug=slug)
    today = timezone.localdate()
    place = near(metres, azimuth)
    for m in range(1, months + 1):
        day = months_back(today.replace(day=10), m)
        for k in range(per_month):
            plant(
                category,
                at(day.year, day.month, 5 + k),
                near(3 + 6 * ((m + k) % 4), (m * 67 + k * 29) % 360, place),
                reporter_email=f"melder{m}-{k}@example.org",
                impact=impact,
            )


@pytest.fixture
def hotspots(live_site):
    plant_hotspot("sluikstort", metres=350, azimuth=170, months=8, per_month=2, impact=4)
    plant_hotspot("lamp-defect", metres=900, azimuth=150, months=6, impact=2)
    # Noise: a burst of graffiti in one month.
    graffiti = Category.objects.get(slug="graffiti")
    for day in range(1, 9):
        plant(graffiti, at(2026, 9, day), near(day * 2, 90, near(600, 200)))
    hotspots_snapshot_take(today=timezone.localdate())
    return Hotspot.objects.order_by("-observations__reports")


def test_a_planner_reads_the_hotspots_and_records_an_action(page, live_site, hotspots, screenshot):
    log_in(page, live_site, staff_user(PLANNER))

    page.goto("/inzicht/hotspots/")
    cards = page.locator("[data-hotspot-rank]")
    assert cards.count() == 2
    assert page.locator("#hotspot-count").get_attribute("data-count") == "2"
    first = cards.nth(0)
    assert "16 meldingen ‘Sluikstort’ in 8 verschillende maanden" in first.locator("[data-why]").inner_text()
    assert first.locator("svg.hotspot-map circle").count() == 1 + 16
    page.locator(".hotspot-reports summary").first.click()
    assert page.locator(".hotspot-reports").first.locator("tbody tr").count() == 16
    assert axe_violations(page) == []
    screenshot(page, "hotspots")

    first.locator("a[href^='/inzicht/hotspots/']").click()
    page.wait_for_url("**/inzicht/hotspots/*/")
    assert page.locator("#bo-map .leaflet-marker-icon").count() == 1 + 16
    page.fill("#id_description", "Camera geplaatst en vuilbak verplaatst")
    page.locator(".hotspot-action-form button[type=submit]").click()
    page.wait_for_selector("[data-action-verdict]")
    assert page.locator("[data-action-verdict]").get_attribute("data-action-verdict") == "too_early"
    assert Action.objects.get().description == "Camera geplaatst en vuilbak verplaatst"
    assert axe_violations(page) == []
    screenshot(page, "hotspot-detail")


def test_the_hotspots_page_filters_by_category(page, live_site, hotspots, screenshot):
    """Another category is detected in the background: the page says so at once, and shows it once computed."""
    log_in(page, live_site, staff_user(PLANNER))
    page.goto("/inzicht/hotspots/")
    assert page.locator("#hotspot-source").get_attribute("data-source") == "snapshot"

    page.select_option("#id_category", str(Category.objects.get(slug="lamp-defect").pk))
    page.locator(".insight-filters button[type=submit]").click()
    page.wait_for_url("**category=*")
    assert page.locator("#hotspot-source").get_attribute("data-state") == "preparing"
    assert page.locator("[data-hotspot-rank]").count() == 0
    assert axe_violations(page) == []
    screenshot(page, "preparing")

    detect(Detection.objects.get().pk)  # what the worker does (tests/hotspots/test_worker_integration.py)
    page.reload()
    assert page.locator("#hotspot-source").get_attribute("data-state") == "ready"
    assert page.locator("[data-hotspot-rank]").count() == 1
    assert (
        "Lamp" in page.locator("[data-hotspot-rank] h2").inner_text()
        or "lamp" in page.locator("[data-hotspot-rank] h2").inner_text()
    )
    screenshot(page, "category")
