"""The browser harness itself: a page loads from the live server in Dutch, and axe-core runs on it."""

from tests.browser.conftest import axe_violations


def test_home_loads_in_dutch_with_only_local_requests(page, screenshot, assert_accessible):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert "0800 1 8400" in page.content()
    screenshot(page, "home")
    assert_accessible(page)


def test_axe_reports_a_real_violation(page):
    """Guards the accessibility checks themselves: an image without alt text must be reported."""
    page.goto("/")
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\">')"
    )
    assert "image-alt" in {v["id"] for v in axe_violations(page)}
