"""The public pages in Chromium: home, the public map (clusters and reports), tracking, language, small screens.

Reports are made through the services (ReportFactory -> report_create) and committed, so the live server sees
them. They lie within 150 m of the Wapenplein: one view at the city's zoom shows them all as clusters, and one
view at the detail zoom shows them one by one.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from geo_meldpunt.reports.models import Category, ReportEvent, Status
from tests.factories import WAPENPLEIN, ReportFactory, point_at, project

SECRET = {"reporter_name": "Mevrouw Geheim", "reporter_email": "geheim@example.org", "reporter_phone": "0470 12 34 56"}
MOBILE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}

# (category, status, metres from the Wapenplein, azimuth): four public categories, open and solved.
PUBLIC_REPORTS = [
    ("wegdek-put", Status.NIEUW, 40, 0),
    ("wegdek-put", Status.IN_BEHANDELING, 80, 60),
    ("wegdek-put", Status.AFGESLOTEN, 120, 120),
    ("zwerfvuil", Status.ONTVANGEN, 60, 180),
    ("zwerfvuil", Status.BEANTWOORD, 100, 240),
    ("lamp-defect", Status.DOORVERWEZEN, 140, 300),
    ("boom", Status.HEROPEND, 20, 330),
]


@pytest.fixture
def reports(live_site):
    """The public reports above, with a reporter's details, and two that the map must never show."""
    centre = point_at(*WAPENPLEIN)
    made = [
        ReportFactory(
            category=Category.objects.get(slug=slug),
            point=project(centre, metres=metres, azimuth_deg=azimuth),
            status=status,
            **SECRET,
        )
        for slug, status, metres, azimuth in PUBLIC_REPORTS
    ]
    # Not public: a category kept off the map (public order), and a report merged into another one.
    ReportFactory(category=Category.objects.get(slug="openbare-orde"), point=centre, **SECRET)
    ReportFactory(category=Category.objects.get(slug="wegdek-put"), point=centre, status=Status.SAMENGEVOEGD)
    return made


def wait_for_map(page) -> None:
    page.wait_for_selector("#kaart-summary[data-state='ready']")


def set_view(page, zoom: int) -> None:
    page.evaluate(
        "([lat, lon, zoom]) => Meldpunt.publicMap.map.setView([lat, lon], zoom, {animate: false})",
        [WAPENPLEIN[1], WAPENPLEIN[0], zoom],
    )
    wait_for_map(page)


def cluster_counts(page) -> list[int]:
    clusters = page.locator(".leaflet-marker-icon.cluster-icon[data-count]")
    return [int(c) for c in clusters.evaluate_all("els => els.map(e => e.dataset.count)")]


def assert_no_personal_data(page) -> None:
    html = page.content()
    for value in SECRET.values():
        assert value not in html


def assert_no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


# --- Home -----------------------------------------------------------------------------------------------------


def test_home_has_the_call_to_action_the_phone_line_and_the_map(page, reports, screenshot, assert_accessible):
    page.goto("/")

    cta = page.locator("main a.button--primary[href='/meld/']")
    assert cta.is_visible()
    phone = page.locator("main a[href='tel:+3280018400']")
    assert phone.inner_text() == "0800 1 8400"
    wait_for_map(page)
    assert sum(cluster_counts(page)) == len(reports)
    assert_no_personal_data(page)
    screenshot(page, "home")
    assert_accessible(page)


def test_keyboard_reaches_the_skip_link_first_and_then_the_call_to_action(page):
    page.goto("/")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    reached = []
    for _ in range(10):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.getAttribute('href')"))
        if page.evaluate("document.activeElement.classList.contains('button--primary')"):
            break
    assert reached[-1] == "/meld/", reached
    # The focused call to action shows an outline.
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


# --- The public map -------------------------------------------------------------------------------------------


def test_the_map_counts_clusters_at_low_zoom_and_shows_reports_at_the_detail_zoom(
    page, reports, screenshot, assert_accessible
):
    page.goto("/kaart/")
    wait_for_map(page)

    # City view: clusters counted by the server add up to the public reports; no report is shown by itself.
    assert sum(cluster_counts(page)) == len(reports)
    assert page.locator(".leaflet-marker-icon.report-icon").count() == 0
    assert page.locator("#kaart-summary").get_attribute("data-total") == str(len(reports))
    first = page.locator(".leaflet-marker-icon.cluster-icon").first
    assert first.get_attribute("role") == "button"
    assert first.get_attribute("aria-label")
    screenshot(page, "clusters")
    assert_accessible(page)

    # Detail zoom: each report is a labelled marker with a popup; the text list names them too.
    set_view(page, settings.REPORTS_CLUSTERS_DETAIL_ZOOM)
    markers = page.locator(".leaflet-marker-icon.report-icon")
    assert markers.count() == len(reports)
    assert page.locator(".leaflet-marker-icon.cluster-icon").count() == 0
    assert page.locator("#kaart-list li").count() == len(reports)
    target = reports[0]
    marker = page.locator(f".report-icon[data-reference='{target.reference}']")
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    # Popups fade in; axe measures contrast with the opacity of the moment.
    page.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    assert target.reference in popup.inner_text()
    assert target.category.name_nl in popup.inner_text()
    assert page.locator(".leaflet-popup-close-button").get_attribute("aria-label") != "Close popup"
    assert_no_personal_data(page)
    screenshot(page, "reports")
    assert_accessible(page)


def test_a_cluster_zooms_in_when_chosen_with_the_keyboard(page, reports):
    page.goto("/kaart/")
    wait_for_map(page)
    zoom = page.evaluate("Meldpunt.publicMap.map.getZoom()")

    page.locator(".leaflet-marker-icon.cluster-icon").first.focus()
    page.keyboard.press("Enter")

    page.wait_for_function(f"() => Meldpunt.publicMap.map.getZoom() > {zoom}")
    wait_for_map(page)
    assert sum(cluster_counts(page)) + page.locator(".leaflet-marker-icon.report-icon").count() > 0


def test_the_filters_change_what_the_map_shows(page, reports, screenshot):
    page.goto("/kaart/")
    wait_for_map(page)

    page.select_option("#filter-category", "wegdek-put")
    wait_for_map(page)
    assert sum(cluster_counts(page)) == sum(1 for r in reports if r.category.slug == "wegdek-put")
    assert "category=wegdek-put" in page.url

    page.select_option("#filter-status", "open")
    wait_for_map(page)
    assert sum(cluster_counts(page)) == 2

    # A parent category covers its children.
    page.select_option("#filter-category", "netheid")
    page.select_option("#filter-status", "all")
    wait_for_map(page)
    assert sum(cluster_counts(page)) == 2
    screenshot(page, "filtered")

    # The filters in the address are restored on reload.
    page.goto("/kaart/?category=wegdek-put&status=solved")
    wait_for_map(page)
    assert page.locator("#filter-category").input_value() == "wegdek-put"
    assert sum(cluster_counts(page)) == 1


# --- Tracking -------------------------------------------------------------------------------------------------


def test_the_tracking_page_shows_status_department_and_history(page, live_site, screenshot, assert_accessible):
    report = ReportFactory(category=Category.objects.get(slug="lamp-defect"), address="Wapenplein 1", **SECRET)
    ReportEvent.objects.create(
        report=report,
        event_type=ReportEvent.Type.STATUS,
        from_status=Status.NIEUW,
        to_status=Status.IN_BEHANDELING,
        department=report.department,
    )
    report.__class__.objects.filter(pk=report.pk).update(status=Status.IN_BEHANDELING)

    page.goto(f"/volg/{report.tracking_token}/")

    assert page.locator("h1").inner_text().endswith(report.reference)
    assert page.locator("[data-status]").get_attribute("data-status") == Status.IN_BEHANDELING
    assert report.department.name_nl in page.locator("[data-department]").inner_text()
    assert page.locator(".history li").count() == 2
    assert page.locator("#track-map .report-icon--place").count() == 1
    assert_no_personal_data(page)
    screenshot(page, "tracking")
    assert_accessible(page)


def test_an_unknown_tracking_link_gets_a_friendly_page(page, screenshot, assert_accessible):
    response = page.goto("/volg/onbekend-token/")

    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("main a[href='tel:+3280018400']").count() == 1
    screenshot(page, "unknown")
    assert_accessible(page)


# --- Language ---------------------------------------------------------------------------------------------------


def test_the_language_choice_changes_the_page_and_is_kept(new_page, screenshot, assert_accessible):
    # A browser that prefers English still gets Dutch until the visitor chooses.
    page = new_page(locale="en-GB")
    page.goto("/kaart/")
    assert page.locator("html").get_attribute("lang") == "nl"

    with page.expect_navigation():
        page.locator(".language-switcher button[value='en']").click()
    assert page.url.endswith("/kaart/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".language-switcher button[value='en']").get_attribute("aria-current") == "true"

    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"

    page.locator(".language-switcher button[value='fr']").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == "fr"
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies[settings.LANGUAGE_COOKIE_NAME] == "fr"
    page.goto("/volg/onbekend/")
    assert page.locator("html").get_attribute("lang") == "fr"
    screenshot(page, "french")
    assert_accessible(page)


# --- Small screens ------------------------------------------------------------------------------------------------


def test_every_page_fits_a_360_px_screen(new_page, reports, screenshot, assert_accessible):
    page = new_page(**MOBILE)
    for name, path in [
        ("home", "/"),
        ("kaart", "/kaart/"),
        ("tracking", f"/volg/{reports[0].tracking_token}/"),
        ("unknown", "/volg/onbekend/"),
    ]:
        page.goto(path)
        if page.locator("#kaart-summary").count():
            wait_for_map(page)
        assert_no_horizontal_scroll(page)
        screenshot(page, f"mobile-{name}")
    assert_accessible(page)

    # The map's own controls are touch-sized.
    page.goto("/kaart/")
    wait_for_map(page)
    box = page.locator(".leaflet-control-zoom-in").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    assert_accessible(page)
