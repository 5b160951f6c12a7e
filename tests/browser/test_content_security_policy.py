"""The Content-Security-Policy in a real browser: it refuses what it should, and the pages that are not the
project's own templates (the API docs, the admin) still work under it. Every other browser test checks its own
pages for violations through the `page` and `new_page` fixtures (conftest.py)."""

from __future__ import annotations

from tests.staff.helpers import staff_user


def test_the_policy_refuses_an_inline_script_and_the_tests_see_it(page, csp_violations):
    """Guards the violation checks themselves: an inline script added to a page does not run, and is reported."""
    page.goto("/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "document.body.dataset.inlineRan = 'yes'";
            document.body.append(script);
        }"""
    )
    page.wait_for_timeout(200)

    assert page.evaluate("document.body.dataset.inlineRan") is None
    assert any("script-src" in text for text in csp_violations.seen), csp_violations.seen
    csp_violations.allow("script-src")  # the refusal this test is about


def test_the_api_docs_render_under_the_policy(page):
    page.goto("/api/docs/")

    page.locator(".swagger-ui .opblock").first.wait_for()
    assert page.locator(".swagger-ui .opblock").count() > 5


def test_the_admin_works_under_the_policy(page, live_site):
    user = staff_user(superuser=True, username="beheer")
    user.set_password("geheim-wachtwoord")
    user.save()

    page.goto("/admin/login/")
    page.fill("#id_username", "beheer")
    page.fill("#id_password", "geheim-wachtwoord")
    page.click("input[type=submit]")
    page.goto("/admin/auth/user/")
    page.locator("#result_list").wait_for()
    page.goto(f"/admin/auth/user/{user.pk}/change/")
    page.locator("#id_user_permissions_from").wait_for()  # the filter widget is built by the admin's scripts
