"""/inzicht/kaart/ in Chromium: a planner sees the heat layer and the squares coloured by class, the legend and the
table of the highest squares, changes a filter and sees the map follow; the page passes axe-core."""

from __future__ import annotations

import pytest

from geo_meldpunt.reports.models import Category, Kind
from geo_meldpunt.staff.groups import HANDLER, PLANNER
from tests.browser.conftest import axe_violations
from tests.browser.test_accessibility import city_page, configuration, map_ready  # noqa: F401 - fixtures
from tests.browser.test_backoffice import log_in, watch_errors
from tests.factories import ReportFactory, point_at
from tests.staff.helpers import staff_user

# Points around Wapenplein (lon, lat): a busy square, a quieter one 400 m east, a single report 600 m south.
BUSY = (2.9196, 51.2297)
QUIET = (2.9253, 51.2297)
SINGLE = (2.9196, 51.2243)


@pytest.fixture
def planted(live_site):
    pothole = Category.objects.get(slug="wegdek-put")
    litter = Category.objects.get(slug="zwerfvuil")
    for n in range(6):
        ReportFactory(category=pothole, point=point_at(BUSY[0] + n * 0.0001, BUSY[1]), impact=2)
    for _ in range(3):
        ReportFactory(category=litter, point=point_at(*QUIET), impact=5)
    ReportFactory(category=litter, kind=Kind.KLACHT, point=point_at(*SINGLE))
    return {"pothole": pothole, "litter": litter}


def loaded(page, after: int = 0, *, has: tuple[str, ...] = (), lacks: tuple[str, ...] = ()) -> int:
    """Wait until the page has drawn an answer newer than `after` whose query has every text of `has` and none of
    `lacks` (a move of the map may also load: waiting for the query asked keeps the test on the right answer)."""
    page.wait_for_function(
        """([after, has, lacks]) => {
            const map = document.getElementById('heat-map');
            const query = map.dataset.query || '';
            return Number(map.dataset.loaded || 0) > after
                && has.every((text) => query.includes(text)) && !lacks.some((text) => query.includes(text));
        }""",
        arg=[after, list(has), list(lacks)],
    )
    return int(page.get_attribute("#heat-map", "data-loaded") or 0)


def heat_pixels(page) -> int:
    """How many pixels of the heat layer's canvas are painted."""
    return page.evaluate(
        """() => {
            const canvas = document.querySelector('canvas.heat-layer');
            if (!canvas) return 0;
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
            return painted;
        }"""
    )


def test_a_planner_reads_the_heatmap_as_heat_and_as_classes_and_filters_it(
    page, live_site, planted, screenshot, assert_accessible
):
    errors = watch_errors(page)
    log_in(page, live_site, staff_user(PLANNER))

    page.goto("/inzicht/kaart/")
    seen = loaded(page)

    # Heat layer first: painted, with the legend's classes and the table.
    assert page.get_by_role("heading", name="Heatmap van de meldingen").is_visible()
    assert "10 meldingen in 3 vakken" in page.locator("#heat-summary").inner_text()
    assert heat_pixels(page) > 500
    legend = page.locator("#heat-legend-classes li")
    assert legend.count() >= 2
    assert page.locator("#heat-legend-measure").inner_text() == "Meldingen per vak"
    assert page.locator("#heat-legend-note").is_visible()
    rows = page.locator("#heat-table-body tr")
    assert rows.count() == 3
    first = rows.nth(0).locator("td")
    assert [first.nth(i).inner_text() for i in (1, 2)] == ["6", "6"]
    assert first.nth(3).inner_text() == "2,0"  # mean felt impact, in Dutch notation
    screenshot(page, "heat")

    # The same figures as squares coloured by class.
    page.get_by_label("Vakken gekleurd per klasse").check()
    page.wait_for_function("() => document.getElementById('heat-map').dataset.view === 'cells'")
    squares = page.locator("#heat-map .leaflet-overlay-pane path")
    assert squares.count() == 3
    fills = {squares.nth(i).get_attribute("fill") for i in range(3)}
    assert len(fills) == 3  # 1, 3 and 6 reports fall in three classes
    assert not page.locator("#heat-legend-note").is_visible()
    assert "view=cells" in page.url
    screenshot(page, "classes")
    assert_accessible(page)

    # A filter: only litter. Two squares left, the busy one is gone; the tiles' address carries the filter.
    page.locator("#heat-category").select_option("zwerfvuil")
    seen = loaded(page, seen, has=("category=zwerfvuil",))
    assert squares.count() == 2
    assert "4 meldingen in 2 vakken" in page.locator("#heat-summary").inner_text()
    assert rows.count() == 2
    assert "category=zwerfvuil" in page.locator("#heat-tiles-url").inner_text()

    # Weigh by felt impact: the quiet square (3 x 5) now comes first.
    page.get_by_label("Beleving (som van de scores van de melders)").check()
    seen = loaded(page, seen, has=("category=zwerfvuil", "weight=impact"))
    assert [rows.nth(0).locator("td").nth(i).inner_text() for i in (1, 2)] == ["15", "3"]
    assert page.locator("#heat-legend-measure").inner_text() == "Beleving per vak (som van de scores)"
    screenshot(page, "filtered")

    # A period that ends before it starts: the API's Dutch message, at the field.
    page.locator("#heat-from").fill("2026-05")
    page.locator("#heat-to").fill("2026-04")
    page.locator(".heat-filters__apply").click()
    page.locator('[data-error-for="to"]').wait_for()
    assert page.locator('[data-error-for="to"]').inner_text() == "De laatste maand valt vóór de eerste."
    assert page.get_attribute("#heat-to", "aria-invalid") == "true"
    screenshot(page, "error")
    assert errors == []


def test_a_handler_is_refused_the_heatmap(page, live_site):
    log_in(page, live_site, staff_user(HANDLER, username="els"))

    response = page.goto("/inzicht/kaart/")

    assert response is not None and response.status == 403
    assert page.locator("#heat-map").count() == 0


def test_the_heatmap_passes_axe_with_and_without_the_base_map(city_page, configuration, live_site, planted, screenshot):  # noqa: F811
    page = city_page
    log_in(page, live_site, staff_user(PLANNER))

    page.goto("/inzicht/kaart/")
    loaded(page)
    map_ready(page, "#heat-map")
    screenshot(page, configuration)

    assert axe_violations(page) == []
    if configuration == "as_shipped":
        assert page.tiles, "the base map asked for no tile: the shipped configuration was not what was tested"


def test_a_late_answer_never_overwrites_a_newer_view(page, live_site, planted):
    """The answer for litter only is held back 1.5 s (and not cancelled); the answer for every category, asked
    after it, arrives first. The page keeps showing every category: the late answer is dropped."""
    page.add_init_script(
        """(() => {
            const original = window.fetch;
            window.fetch = (url, options) => String(url).includes('category=zwerfvuil')
                ? new Promise((resolve) => setTimeout(resolve, 1500))
                    .then(() => original(url, Object.assign({}, options, {signal: undefined})))
                : original(url, options);
        })()"""
    )
    log_in(page, live_site, staff_user(PLANNER))
    page.goto("/inzicht/kaart/")
    seen = loaded(page)

    page.locator("#heat-category").select_option("zwerfvuil")
    page.locator("#heat-category").select_option("")
    loaded(page, seen, lacks=("category=",))
    page.wait_for_timeout(2500)  # the held-back answer has arrived by now

    assert "10 meldingen in 3 vakken" in page.locator("#heat-summary").inner_text()
    assert page.locator("#heat-table-body tr").count() == 3
