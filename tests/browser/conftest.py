"""Browser tests: Playwright drives Debian's Chromium against a live server with the Oostende reference data.

Every request the page makes to a host other than the live server fails the test: pages must serve every asset
themselves (the base map is off in tests). So does every Content-Security-Policy violation (the policy is the one
production sends, settings.CONTENT_SECURITY_POLICY): Chromium's "Refused to ..." console errors and the page's
`securitypolicyviolation` events are collected for every page a test opens. (So `page.wait_for_function` takes a
function, "() => ...": Playwright polls a bare expression with eval, which the policy refuses.) Screenshots of the
main steps land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Page, sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
# Without these flags Chromium phones home (updates, sync, safe browsing) from every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class OutsideRequests:
    def __init__(self, *allowed_netlocs: str) -> None:
        self.allowed_netlocs = set(allowed_netlocs)
        self.seen: list[str] = []

    def handle(self, route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or parts.netloc in self.allowed_netlocs:
            route.continue_()
        else:
            self.seen.append(url)
            route.abort()


# Runs in every frame before the page's own scripts; reports what the CSP blocked, whatever the directive.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"} `
    + `in ${event.documentURI} (${event.sourceFile || "?"}:${event.lineNumber})`);
});
"""


class CspViolations:
    """Content-Security-Policy violations seen in the console of any page a test opened.

    `allow(text)`: a test that checks a refusal on purpose (a site that may not frame the embed pages) names it;
    every other violation fails the test.
    """

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.allowed: list[str] = []

    def handle(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or text.startswith("CSP violation:"):
            self.seen.append(text)

    def allow(self, text: str) -> None:
        self.allowed.append(text)

    def unexpected(self) -> list[str]:
        return [text for text in self.seen if not any(allowed in text for allowed in self.allowed)]


@pytest.fixture
def csp_violations() -> CspViolations:
    return CspViolations()


def _new_page(
    browser, live_server, request, csp: CspViolations, also_allow=(), **context_options
) -> tuple[Page, OutsideRequests]:
    options = {"locale": "nl-BE", "viewport": {"width": 1280, "height": 900}, "base_url": live_server.url}
    options.update(context_options)
    context = browser.new_context(**options)
    outside = OutsideRequests(urlsplit(live_server.url).netloc, *also_allow)
    context.route("**/*", outside.handle)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    context.on("console", csp.handle)
    page = context.new_page()
    page.set_default_timeout(10_000)
    request.addfinalizer(context.close)
    return page, outside


@pytest.fixture
def live_site(reference_data_reloaded, transactional_db, live_server):
    """The live server with the reference data committed (the flush after each test empties it; it is reloaded)."""
    return live_server


@pytest.fixture
def page(browser, live_site, request, csp_violations):
    page, outside = _new_page(browser, live_site, request, csp_violations)
    yield page
    assert outside.seen == [], f"the page asked hosts other than the app itself: {outside.seen}"
    assert csp_violations.unexpected() == [], "the Content-Security-Policy blocked something the page needs"


@pytest.fixture
def new_page(browser, live_site, request, csp_violations):
    """Open another page with its own context options (viewport, locale, geolocation, permissions).

    `also_allow`: further host:port pairs the page may ask, each a local server the test itself runs (the city's
    site around an embedded frame in test_embed.py); every other host still fails the test.
    """
    opened: list[OutsideRequests] = []

    def make(also_allow: tuple[str, ...] = (), **context_options) -> Page:
        page, outside = _new_page(browser, live_site, request, csp_violations, also_allow, **context_options)
        opened.append(outside)
        return page

    yield make
    for outside in opened:
        assert outside.seen == [], f"the page asked hosts other than the app itself: {outside.seen}"
    assert csp_violations.unexpected() == [], "the Content-Security-Policy blocked something the page needs"


@pytest.fixture
def screenshot(request):
    """screenshot(page, "step-name"): saves test-artifacts/screenshots/<test>--<step>.png and returns its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)

    def take(page: Page, step: str) -> Path:
        path = ARTIFACTS / f"{test_name}--{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# Beyond WCAG's own tags: landmarks that share a role and a name leave a screen reader user two "Map" regions to
# choose from (axe files the rule under best practices).
AXE_EXTRA_RULES = ("landmark-unique",)
# Rules whose "needs review" counts as a failure: axe gives up on a link in text when it cannot measure colours
# (an image beside it, a map tile under it), and a link told apart by colour alone must not slip through that way.
AXE_INCOMPLETE_FAILS = ("link-in-text-block",)


def axe_violations(page: Page) -> list[dict]:
    """WCAG 2.0/2.1 level A and AA violations on the page as it is now, from axe-core run inside Chromium, with
    AXE_EXTRA_RULES, and the results of AXE_INCOMPLETE_FAILS that axe could not decide."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern (a <script> tag would be refused).
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async (extra) => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            rules: Object.fromEntries(extra.map((id) => [id, {enabled: true}])),
        })""",
        list(AXE_EXTRA_RULES),
    )
    undecided = [v for v in result["incomplete"] if v["id"] in AXE_INCOMPLETE_FAILS]
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in [*result["violations"], *undecided]
    ]


@pytest.fixture
def assert_accessible():
    def check(page: Page) -> None:
        violations = axe_violations(page)
        assert violations == [], "axe-core found WCAG A/AA violations:\n" + json.dumps(violations, indent=2)

    return check
