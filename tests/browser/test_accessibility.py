"""Every page with a map passes axe-core (WCAG 2.1 A/AA, and unique landmarks) twice: as the other browser tests
run it (no base map), and as a city ships it (the default base layer on, DEBUG off).

The base map brings what the plain background hides: Leaflet's attribution control, with its links, and the tiles.
The tile server is answered here, in the browser, with a small PNG: no request leaves the machine, and the
conftest's check that the page asked no other host stays meaningful (a tile of another host would still fail it).
"""

from __future__ import annotations

import importlib
import io
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from geo_meldpunt.reports.models import Category
from geo_meldpunt.staff.groups import HANDLER
from geo_meldpunt.zones.models import Department
from tests.browser.conftest import axe_violations
from tests.factories import WAPENPLEIN, ReportFactory, point_at
from tests.staff.helpers import staff_user

# The settings a city gets when it sets nothing: the base module, not the test settings (which turn the map off).
SHIPPED = importlib.import_module("geo_meldpunt.settings.base")
CONFIGURATIONS = ("no_base_map", "as_shipped")


def tile_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (225, 232, 225)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(params=CONFIGURATIONS)
def configuration(request, settings):
    """The page settings of one configuration; for "as_shipped", the shipped base layer and DEBUG off."""
    if request.param == "as_shipped":
        settings.MAPS_BASE_LAYER = SHIPPED.MAPS_BASE_LAYER
        settings.MAPS_BASE_LAYERS = SHIPPED.MAPS_BASE_LAYERS
        settings.DEBUG = False
        assert settings.MAPS_BASE_LAYER != "none", "a city's default must have a base map for this test to mean much"
    return request.param


@pytest.fixture
def city_page(new_page, configuration):
    """A page whose tile requests (the configured tile server only) are answered locally, counted in `tiles`."""
    page = new_page()
    page.tiles = []  # type: ignore[attr-defined]
    if configuration == "as_shipped":
        layer = settings.MAPS_BASE_LAYERS[settings.MAPS_BASE_LAYER]
        tile_host = urlsplit(layer["url"]).netloc
        png = tile_png()

        def answer(route) -> None:
            page.tiles.append(route.request.url)  # type: ignore[attr-defined]
            route.fulfill(status=200, content_type="image/png", body=png)

        # Registered after the conftest's catch-all, so it is asked first; any other outside host still fails.
        page.context.route(lambda url: urlsplit(url).netloc == tile_host, answer)
    return page


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def map_ready(page, selector: str) -> None:
    """The map is drawn; with a base map, its tiles have loaded (axe measures what is on screen)."""
    page.locator(f"{selector}.leaflet-container").wait_for()
    page.wait_for_function(
        """(selector) => {
            const map = document.querySelector(selector);
            const tiles = map.querySelectorAll('.leaflet-tile');
            return Array.from(tiles).every((tile) => tile.classList.contains('leaflet-tile-loaded'));
        }""",
        arg=selector,
    )


def test_every_page_with_a_map_passes_axe_with_and_without_the_base_map(
    city_page, configuration, live_site, screenshot
):
    page = city_page
    works = Department.objects.get(slug="openbare-werken")
    report = ReportFactory(category=Category.objects.get(slug="wegdek-put"), point=point_at(*WAPENPLEIN))
    handler = staff_user(HANDLER, departments=[works], username="els")
    violations: dict[str, list[dict]] = {}

    def check(name: str, path: str, map_selector: str, prepare=None) -> None:
        page.goto(path)
        if prepare:
            prepare()
        map_ready(page, map_selector)
        screenshot(page, f"{configuration}-{name}")
        found = axe_violations(page)
        if found:
            violations[name] = found

    def pin_on_the_map() -> None:
        page.wait_for_function("() => window.meldReady === true")
        page.get_by_test_id("kind-melding").check()
        page.get_by_test_id("next-kind").click()
        page.wait_for_function("() => window.meldMap !== undefined")
        page.get_by_test_id("pin-centre").click()
        page.locator('#meld-place[data-place="inside"]').wait_for(state="attached")

    check("home", "/", "#kaart-map")
    check("meld", "/meld/", "#meld-map", pin_on_the_map)
    check("kaart", "/kaart/", "#kaart-map")
    check("volg", f"/volg/{report.tracking_token}/", "#track-map")
    check("embed-kaart", "/embed/kaart/", "#kaart-map")  # the small map the city's own site shows in a frame
    log_in(page, live_site, handler)
    check("backoffice-queue", "/behandeling/", "#bo-map")
    check("backoffice-report", f"/behandeling/meldingen/{report.reference}/", "#bo-map")

    assert violations == {}, violations
    if configuration == "as_shipped":
        assert page.tiles, "the base map asked for no tile: the shipped configuration was not what was tested"
        assert page.locator(".leaflet-control-attribution a").count() > 0
