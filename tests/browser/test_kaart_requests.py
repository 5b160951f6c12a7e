"""The public map's requests in Chromium: a late answer never overwrites a newer view; the list is paged, not counted.

Reports: three at the Wapenplein (in the zoom-17 view) and five in Mariakerke, about 3 km away (only in the
city-wide view), so a zoom-11 answer and a zoom-17 answer say visibly different things.
"""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import Error as PlaywrightError

from geo_meldpunt.reports.models import Category
from tests.factories import WAPENPLEIN, ReportFactory, point_at, project

MARIAKERKE = (2.8790, 51.2070)


@pytest.fixture
def reports(live_site):
    category = Category.objects.get(slug="wegdek-put")
    centre, west = point_at(*WAPENPLEIN), point_at(*MARIAKERKE)
    near = [ReportFactory(category=category, point=project(centre, metres=20 * i, azimuth_deg=90)) for i in range(3)]
    far = [ReportFactory(category=category, point=project(west, metres=30 * i, azimuth_deg=0)) for i in range(5)]
    return near, far


def set_view(page, zoom: int) -> None:
    page.evaluate(
        "([lat, lon, zoom]) => Meldpunt.publicMap.map.setView([lat, lon], zoom, {animate: false})",
        [WAPENPLEIN[1], WAPENPLEIN[0], zoom],
    )


def wait_for_map(page) -> None:
    page.wait_for_selector("#kaart-summary[data-state='ready']")


def test_a_late_cluster_answer_does_not_overwrite_the_detail_view(page, reports, screenshot):
    near, far = reports
    page.goto("/kaart/")
    wait_for_map(page)

    # Hold the clusters' answer: the server has answered, the page does not have it yet.
    held = []

    def hold(route):
        held.append((route, route.fetch()))

    page.route("**/api/v1/reports/clusters/**", hold)
    set_view(page, 11)
    page.wait_for_function("() => document.querySelector('#kaart-summary').dataset.state === 'loading'")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the zoom-11 view never asked for clusters"

    # Every moment the map says it is ready, what it shows: a stale answer shown even briefly is caught.
    page.evaluate(
        """() => {
            window.readyViews = [];
            const summary = document.getElementById("kaart-summary");
            new MutationObserver(() => {
                if (summary.dataset.state !== "ready") return;
                window.readyViews.push({
                    text: summary.textContent,
                    clusters: document.querySelectorAll(".leaflet-marker-icon.cluster-icon").length,
                });
            }).observe(summary, {attributes: true, attributeFilter: ["data-state"]});
        }"""
    )
    # The user zooms in before the answer arrives; the answer then arrives while the new view waits its turn.
    set_view(page, 17)
    route, response = held[0]
    # The page may have given up on the request already (it aborts it): then there is nothing to deliver.
    with contextlib.suppress(PlaywrightError):
        route.fulfill(response=response)
    wait_for_map(page)
    page.wait_for_timeout(400)  # a stale answer, drawn late, would show by now
    wait_for_map(page)

    summary = page.locator("#kaart-summary")
    expected = f"{len(near)} meldingen in dit gebied."
    assert page.evaluate("window.readyViews") == [{"text": expected, "clusters": 0}]
    assert page.locator(".leaflet-marker-icon.cluster-icon").count() == 0
    assert page.locator(".leaflet-marker-icon.report-icon").count() == len(near)
    assert summary.get_attribute("data-total") == str(len(near))
    assert summary.inner_text() == expected
    assert sorted(page.locator("#kaart-list .report-list__reference").all_inner_texts()) == sorted(
        f" ({r.reference})" for r in near
    )
    screenshot(page, "zoom-17-after-late-answer")


def test_the_detail_view_says_when_there_are_more_reports_than_it_shows(page, reports, screenshot):
    near, _far = reports
    page.goto("/kaart/")
    wait_for_map(page)
    set_view(page, 17)
    wait_for_map(page)
    assert page.locator("#kaart-summary").get_attribute("data-more") is None

    # A page smaller than what is in view (the map asks 500 at a time; 2 here): the list has a next page.
    page.evaluate("Meldpunt.publicMap.config.page_size = 2; Meldpunt.publicMap.load()")
    wait_for_map(page)

    summary = page.locator("#kaart-summary")
    assert summary.get_attribute("data-more") == "true"
    assert summary.inner_text() == (
        "Meer dan 2 meldingen in dit gebied. De kaart toont de 2 meest recente. Zoom in om de andere te zien."
    )
    assert page.locator(".leaflet-marker-icon.report-icon").count() == 2
    newest = sorted(near, key=lambda r: (r.created_at, r.pk), reverse=True)[:2]
    shown = page.locator(".leaflet-marker-icon.report-icon").evaluate_all("els => els.map(e => e.dataset.reference)")
    assert sorted(shown) == sorted(r.reference for r in newest)
    screenshot(page, "more-than-shown")
