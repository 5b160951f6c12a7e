"""The "meld iets" button and the small map on the city's own web site, in Chromium, from another origin.

The city's page is served by a small HTTP server of the test's own at 127.0.0.1; the app is the live server at
localhost. Those are two sites to the browser, so the frames are third-party, exactly as on www.oostende.be: the
frame must render only when the city's origin is configured, and must leave no cookie behind.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from geo_meldpunt.reports.models import Category, Status
from tests.browser.conftest import axe_violations
from tests.factories import WAPENPLEIN, ReportFactory, point_at, project

CITY_PAGE = """<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>Stad Oostende</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body {{ font-family: sans-serif; margin: 0; }} header {{ background: #003a5d; color: #fff; padding: 1rem 2rem; }}
main {{ display: grid; grid-template-columns: 2fr 1fr; gap: 2rem; padding: 1rem 2rem; }}
@media (max-width: 40rem) {{ main {{ grid-template-columns: 1fr; padding: 1rem; }} }}</style></head>
<body>
<header><p>Stad Oostende</p></header>
<main>
  <article><h1>Meldingen</h1><p>{intro}</p>
    <script src="{app}/embed/meldpunt.js" data-map="1" async></script>
  </article>
  <aside><h2>Hulp nodig?</h2>
    <script src="{app}/embed/meldpunt.js" async></script>
  </aside>
</main>
</body>
</html>
"""


@dataclass
class CitySite:
    """The city's web site: one page at / that embeds the map and, beside it, the button."""

    url: str
    netloc: str


@pytest.fixture
def city_site(live_site) -> Iterator[CitySite]:
    pages: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    for path, lang, intro in [
        ("/", "nl-BE", "Zag u een put in de weg of zwerfvuil? Meld het aan de stad."),
        ("/fr/", "fr-BE", "Un nid-de-poule, des déchets ? Signalez-le à la ville."),
    ]:
        pages[path] = CITY_PAGE.format(lang=lang, intro=intro, app=live_site.url).encode()
    yield CitySite(url=f"http://{host}:{port}", netloc=f"{host}:{port}")
    server.shutdown()
    server.server_close()


def frame_of(page, kind: str):
    """The Playwright frame of the embed frame `kind` ("knop" or "kaart") the script inserted in the city's page."""
    handle = page.locator(f"iframe.meldpunt-embed--{kind}").element_handle()
    frame = handle.content_frame()
    assert frame is not None
    return frame


@pytest.fixture
def open_reports(live_site):
    """Two open reports near the Wapenplein and a solved one: the embed map shows what is being dealt with now."""
    centre = point_at(*WAPENPLEIN)
    pothole = Category.objects.get(slug="wegdek-put")
    ReportFactory(category=pothole, point=project(centre, metres=40, azimuth_deg=0), status=Status.NIEUW)
    ReportFactory(category=pothole, point=project(centre, metres=90, azimuth_deg=200), status=Status.IN_BEHANDELING)
    ReportFactory(category=pothole, point=project(centre, metres=60, azimuth_deg=90), status=Status.AFGESLOTEN)


def test_the_city_page_shows_the_button_and_the_map_and_the_button_opens_the_report_page(
    new_page, live_site, city_site, open_reports, settings, screenshot
):
    settings.MAPS_EMBED_ORIGINS = [city_site.url]
    page = new_page(also_allow=(city_site.netloc,))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(city_site.url + "/")

    kaart = frame_of(page, "kaart")
    kaart.wait_for_selector("#kaart-summary[data-state='ready']")
    assert kaart.locator("#kaart-summary").get_attribute("data-total") == "2"  # open only, from the frame's own app
    assert kaart.locator("html").get_attribute("lang") == "nl"  # the city page's nl-BE
    knop = frame_of(page, "knop")
    button = knop.get_by_test_id("embed-meld")
    button.wait_for()
    assert button.inner_text().startswith("Iets melden")
    assert page.locator("iframe.meldpunt-embed--knop").get_attribute("title") == "Meldpunt Oostende: iets melden"
    screenshot(page, "city-page")
    assert axe_violations(knop) == []
    assert axe_violations(kaart) == []

    # Showing the frames left nothing behind: no cookie for the app (nor any other) in this browser.
    assert page.context.cookies() == []

    with page.context.expect_page() as opened:
        button.click()
    meld = opened.value
    meld.wait_for_url(live_site.url + "/meld/")  # through /embed/naar/meld/, which keeps the language
    assert meld.locator("html").get_attribute("lang") == "nl"
    # The city's page stays where it was: the report flow got a tab of its own.
    assert page.url == city_site.url + "/"
    assert errors == []


def test_a_french_city_page_gets_the_button_and_the_report_page_in_french(new_page, live_site, city_site, settings):
    settings.MAPS_EMBED_ORIGINS = [city_site.url]
    page = new_page(also_allow=(city_site.netloc,))

    page.goto(city_site.url + "/fr/")

    button = frame_of(page, "knop").get_by_test_id("embed-meld")
    button.wait_for()
    assert button.inner_text().startswith("Faire un signalement")
    with page.context.expect_page() as opened:
        button.click()
    meld = opened.value
    meld.wait_for_url(live_site.url + "/meld/")  # through /embed/naar/meld/, which keeps the language
    assert meld.locator("html").get_attribute("lang") == "fr"


def test_a_site_that_is_not_configured_gets_empty_frames(new_page, city_site, settings, csp_violations):
    settings.MAPS_EMBED_ORIGINS = ["https://www.oostende.be"]
    csp_violations.allow("frame-ancestors 'self' https://www.oostende.be")  # the refusal this test is about
    page = new_page(also_allow=(city_site.netloc,))
    refusals: list[str] = []
    page.on("console", lambda message: "frame-ancestors" in message.text and refusals.append(message.text))

    page.goto(city_site.url + "/")

    page.locator("iframe.meldpunt-embed--knop").wait_for(state="attached")
    page.wait_for_function("() => document.querySelectorAll('iframe.meldpunt-embed').length === 2")
    page.wait_for_load_state("load")
    for kind in ("knop", "kaart"):
        frame = frame_of(page, kind)
        frame.wait_for_load_state()
        assert frame.url.startswith("chrome-error://"), f"the {kind} frame rendered: {frame.url}"
        assert frame.get_by_test_id("embed-meld").count() == 0
    assert len(refusals) == 2
    assert all("frame-ancestors 'self' https://www.oostende.be" in text for text in refusals)
    assert page.context.cookies() == []
