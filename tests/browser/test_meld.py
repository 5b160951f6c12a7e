"""The report flow /meld/ in Chromium, from a citizen's point of view, against the live server.

Each test walks the page as a reporter would and then checks what the city stored. Visible texts are checked
where they come from data or from the API's (translated) messages; the page's own copy is found by role, label
or test id, so that translating it does not break the tests.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from geo_meldpunt.notifications.models import OutgoingEmail
from geo_meldpunt.reports.models import Category, Follower, Report
from geo_meldpunt.zones.models import Department
from tests.factories import ReportFactory, image_bytes, point_at

# Near the Wapenplein, in the centre: inside the territory.
CENTRE = (51.2299, 2.9191)
# "Noordzee voor de havengeul" (fixtures/oostende/check_points.json): outside the territory.
SEA = (51.242, 2.927)
# Where tests.factories.image_bytes(gps=True) says its photo was taken: 51°13'47" N, 2°55'10" E.
PHOTO_PLACE = (51 + 13 / 60 + 47 / 3600, 2 + 55 / 60 + 10 / 3600)
REFERENCE = re.compile(r"^OST-\d{4}-\d{6}$")
OUTSIDE_NL = "Deze locatie ligt buiten het grondgebied van de stad"
NEEDS_EMAIL_NL = "Voor een klacht hebben we uw e-mailadres nodig"
NEEDS_EMAIL_EN = "A complaint needs an e-mail address"


# --- Helpers -------------------------------------------------------------------------------------------------------


def watch_errors(page) -> list[str]:
    """Script errors on the page; each test ends by asserting there were none."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def open_meld(page) -> None:
    page.goto("/meld/")
    page.wait_for_function("() => window.meldReady === true")


def current_step(page) -> str:
    return page.locator(".meld-step:not([hidden])").get_attribute("data-step")


def wait_for_step(page, step: str) -> None:
    page.locator(f'.meld-step[data-step="{step}"]').wait_for(state="visible")


def choose_kind(page, kind: str) -> None:
    page.get_by_test_id(f"kind-{kind}").check()
    page.get_by_test_id("next-kind").click()
    page.wait_for_function("() => window.meldMap !== undefined")


def click_map(page, lat: float, lon: float) -> None:
    """Click the location map where (lat, lon) is, as a reporter would: the pixel comes from the page's Leaflet map."""
    x, y = page.evaluate(
        """([lat, lon]) => {
            const map = window.meldMap;
            if (!map.getBounds().pad(-0.1).contains([lat, lon])) map.setView([lat, lon], 16, {animate: false});
            const p = map.latLngToContainerPoint([lat, lon]);
            return [p.x, p.y];
        }""",
        [lat, lon],
    )
    page.get_by_test_id("location-map").click(position={"x": x, "y": y})


def wait_for_place(page, outcome: str) -> None:
    page.locator(f'#meld-place[data-place="{outcome}"]').wait_for(state="attached")


def choose_category(page, search: str, name: str) -> None:
    page.get_by_test_id("category-query").fill(search)
    page.get_by_label(name, exact=True).check()


def melding_to_description(page, search: str, name: str, at: tuple[float, float] = CENTRE) -> None:
    """Open /meld/ and take a melding through place and category to the description step."""
    open_meld(page)
    choose_kind(page, "melding")
    click_map(page, *at)
    wait_for_place(page, "inside")
    page.get_by_test_id("next-location").click()
    choose_category(page, search, name)
    page.get_by_test_id("next-category").click()


def pin_position(page) -> tuple[float, float]:
    """Where the pin is, as the page keeps it (its draft)."""
    draft = page.evaluate("() => JSON.parse(localStorage.getItem('meldpunt.meld.draft.v1'))")
    return (draft["lat"], draft["lon"])


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def press_until(page, key: str, condition: str, limit: int = 40) -> None:
    """Press `key` until the JS `condition` holds for document.activeElement (`el`): keyboard only."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"() => {{ const el = document.activeElement; return Boolean({condition}); }}"):
            return
    raise AssertionError(f"{key} never reached an element where {condition}")


def focus_on(test_id: str) -> str:
    return f"el && el.dataset.testid === '{test_id}'"


def stored_report(reference: str) -> Report:
    return Report.objects.select_related("category", "department").prefetch_related("photos").get(reference=reference)


# --- A whole melding -----------------------------------------------------------------------------------------------


def test_a_melding_with_pin_category_photo_and_impact_is_received(page, screenshot, assert_accessible):
    errors = watch_errors(page)
    open_meld(page)
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator('[data-step-indicator="kind"]').get_attribute("aria-current") == "step"
    screenshot(page, "step-kind")
    assert_accessible(page)

    choose_kind(page, "melding")
    assert page.locator('[data-step-indicator="location"]').get_attribute("aria-current") == "step"
    assert page.evaluate("() => document.activeElement.matches('#step-location .meld-step__title')")
    click_map(page, *CENTRE)
    wait_for_place(page, "inside")
    assert page.get_by_test_id("error-location").is_hidden()
    screenshot(page, "step-location")
    assert_accessible(page)
    page.get_by_test_id("next-location").click()

    choose_category(page, "put", "Put in het wegdek")
    # Categories that do not take a melding are not offered (compliments, service complaints).
    assert page.get_by_label("Compliment voor een medewerker of dienst").count() == 0
    page.get_by_test_id("routing-preview").filter(has_text=re.compile(r"\S")).wait_for()
    screenshot(page, "step-category")
    assert_accessible(page)
    page.get_by_test_id("next-category").click()

    wait_for_step(page, "details")  # no open report nearby: no duplicates step
    assert page.locator('[data-step-indicator="duplicates"]').is_hidden()
    page.get_by_test_id("description").fill("Diepe put in het wegdek vlak voor de ingang van het stadhuis.")
    page.get_by_test_id("photos").set_input_files(
        files=[{"name": "put.jpg", "mimeType": "image/jpeg", "buffer": image_bytes(gps=True, size=(320, 240))}]
    )
    # The photo carries its place: the page proposes it, and the pin moves there.
    page.get_by_test_id("photo-location-use").click()
    wait_for_place(page, "inside")
    assert pin_position(page) == pytest.approx(PHOTO_PLACE, abs=1e-5)
    page.get_by_test_id("impact-4").check()
    page.get_by_test_id("reporter-name").fill("An Peeters")
    page.get_by_test_id("reporter-email").fill("an.peeters@example.org")
    screenshot(page, "step-details")
    assert_accessible(page)
    page.get_by_test_id("submit").click()

    done = page.get_by_test_id("done")
    done.wait_for()
    reference = page.get_by_test_id("done-reference").inner_text()
    assert REFERENCE.match(reference)
    screenshot(page, "step-done")
    assert_accessible(page)

    report = stored_report(reference)
    assert (report.kind, report.category.slug, report.impact, report.language) == ("melding", "wegdek-put", 4, "nl")
    assert report.reporter_email == "an.peeters@example.org"
    assert "8400 Oostende" in report.address  # the pin's address, from reverse geocoding
    assert (report.point.y, report.point.x) == pytest.approx(PHOTO_PLACE, abs=1e-5)
    assert report.department.name_nl in page.get_by_test_id("done-department").inner_text()
    tracking = page.get_by_test_id("done-tracking").get_attribute("href")
    assert tracking.endswith(f"/volg/{report.tracking_token}/")
    assert page.get_by_test_id("done-expected").inner_text().strip()
    # The stored photo is a re-encoded copy without any EXIF (no GPS, no camera serial).
    [photo] = report.photos.all()
    with photo.image.open("rb") as stored:
        data = stored.read()
    assert len(Image.open(io.BytesIO(data)).getexif()) == 0
    assert b"Exif" not in data
    # The draft is gone once the report is received.
    assert page.evaluate("() => localStorage.getItem('meldpunt.meld.draft.v1')") is None
    assert errors == []


# --- Refusals at once, next to their field -------------------------------------------------------------------------


def test_a_point_in_the_sea_is_refused_at_once_at_the_location(page, screenshot, assert_accessible):
    errors = watch_errors(page)
    open_meld(page)
    choose_kind(page, "melding")

    click_map(page, *SEA)

    message = page.get_by_test_id("error-location")
    message.wait_for()
    assert message.inner_text().startswith(OUTSIDE_NL)
    assert "err-location" in page.get_by_test_id("location-map").get_attribute("aria-describedby")
    page.get_by_test_id("next-location").click()
    assert current_step(page) == "location"
    screenshot(page, "step-location-outside")
    assert_accessible(page)

    # Moving the pin into the city clears the refusal.
    click_map(page, *CENTRE)
    wait_for_place(page, "inside")
    assert message.is_hidden()
    assert errors == []


def test_a_klacht_without_email_is_refused_at_the_email_field(page, screenshot, assert_accessible):
    errors = watch_errors(page)
    open_meld(page)
    choose_kind(page, "klacht")
    click_map(page, *CENTRE)
    wait_for_place(page, "inside")
    page.get_by_test_id("next-location").click()
    choose_category(page, "zwerf", "Zwerfvuil")
    page.get_by_test_id("next-category").click()
    page.get_by_test_id("description").fill("Al drie weken ligt er afval naast de glasbol en niemand ruimt het op.")

    page.get_by_test_id("submit").click()

    message = page.get_by_test_id("error-reporter_email")
    message.wait_for()
    assert message.inner_text().startswith(NEEDS_EMAIL_NL)
    email = page.get_by_test_id("reporter-email")
    assert email.get_attribute("aria-invalid") == "true"
    assert "err-reporter_email" in email.get_attribute("aria-describedby")
    assert page.evaluate("() => document.activeElement.dataset.testid") == "reporter-email"
    assert Report.objects.count() == 0
    screenshot(page, "step-details-error")
    assert_accessible(page)

    email.fill("boos@example.org")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("done").wait_for()
    assert Report.objects.get().kind == "klacht"
    assert errors == []


# --- Duplicates ----------------------------------------------------------------------------------------------------


def test_a_nearby_open_report_is_followed_instead_of_filed_again(page, screenshot, assert_accessible):
    errors = watch_errors(page)
    existing = ReportFactory(category=Category.objects.get(slug="zwerfvuil"), point=point_at(CENTRE[1], CENTRE[0]))
    open_meld(page)
    choose_kind(page, "melding")
    click_map(page, CENTRE[0] + 0.0001, CENTRE[1])  # about 11 m north of it
    wait_for_place(page, "inside")
    page.get_by_test_id("next-location").click()
    choose_category(page, "zwerf", "Zwerfvuil")
    page.get_by_test_id("next-category").click()

    wait_for_step(page, "duplicates")
    assert page.locator('[data-step-indicator="duplicates"]').get_attribute("aria-current") == "step"
    [candidate] = page.get_by_test_id("duplicate").all()
    assert candidate.get_attribute("data-reference") == existing.reference
    assert "Zwerfvuil" in candidate.inner_text()
    assert re.search(r"\b\d{1,2} m\b", candidate.inner_text())  # the distance
    assert page.locator(".meld-duplicate-icon").count() == 1  # and on the map
    screenshot(page, "step-duplicates")
    assert_accessible(page)

    candidate.get_by_test_id("follow-open").click()
    candidate.get_by_role("textbox").fill("buur@example.org")
    candidate.get_by_role("textbox").press("Enter")

    page.get_by_test_id("follow-done").wait_for()
    assert existing.reference in page.get_by_test_id("follow-done").inner_text()
    screenshot(page, "step-duplicates-followed")
    assert_accessible(page)
    assert Follower.objects.filter(report=existing, email="buur@example.org").exists()
    assert Report.objects.count() == 1
    assert errors == []


# --- Language ------------------------------------------------------------------------------------------------------


def test_in_english_the_report_is_stored_in_english_and_errors_come_in_english(page):
    errors = watch_errors(page)
    open_meld(page)
    page.get_by_role("button", name=re.compile("English")).click()  # the site's language switcher
    page.wait_for_function("() => window.meldReady === true && document.documentElement.lang === 'en'")

    choose_kind(page, "klacht")
    click_map(page, *SEA)
    page.get_by_test_id("error-location").wait_for()
    assert page.get_by_test_id("error-location").inner_text().startswith("This location lies outside the city")
    click_map(page, *CENTRE)
    wait_for_place(page, "inside")
    page.get_by_test_id("next-location").click()
    choose_category(page, "litter", "Litter")
    page.get_by_test_id("next-category").click()
    page.get_by_test_id("description").fill("Rubbish bags torn open by gulls all along the street.")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("error-reporter_email").wait_for()
    assert page.get_by_test_id("error-reporter_email").inner_text().startswith(NEEDS_EMAIL_EN)

    page.get_by_test_id("reporter-email").fill("visitor@example.org")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("done").wait_for()
    assert Report.objects.get().language == "en"
    assert errors == []


# --- Mobile --------------------------------------------------------------------------------------------------------


def test_on_a_phone_use_my_location_sets_the_pin_and_shows_its_accuracy(new_page, screenshot, assert_accessible):
    page = new_page(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 51.2297, "longitude": 2.9196, "accuracy": 12},
        permissions=["geolocation"],
    )
    errors = watch_errors(page)
    open_meld(page)
    assert no_horizontal_scroll(page)
    screenshot(page, "mobile-step-kind")
    page.get_by_test_id("kind-melding").tap()
    page.get_by_test_id("next-kind").tap()

    page.get_by_test_id("geolocate").tap()
    wait_for_place(page, "inside")
    assert pin_position(page) == pytest.approx((51.2297, 2.9196), abs=1e-6)
    assert re.search(r"\b12 m\b", page.get_by_test_id("location-accuracy").inner_text())
    assert no_horizontal_scroll(page)
    screenshot(page, "mobile-step-location")
    assert_accessible(page)

    page.get_by_test_id("next-location").tap()
    choose_category(page, "lamp", "Straatlamp brandt niet of knippert")
    assert no_horizontal_scroll(page)
    screenshot(page, "mobile-step-category")
    page.get_by_test_id("next-category").tap()
    page.get_by_test_id("description").fill("De lamp voor huisnummer 12 knippert de hele nacht.")
    assert no_horizontal_scroll(page)
    screenshot(page, "mobile-step-details")
    page.get_by_test_id("submit").tap()
    page.get_by_test_id("done").wait_for()
    assert no_horizontal_scroll(page)
    screenshot(page, "mobile-step-done")
    assert errors == []


# --- Failures keep everything --------------------------------------------------------------------------------------


def test_a_failed_submission_is_kept_and_retried_once_the_server_answers(page, screenshot):
    errors = watch_errors(page)
    posts: list[str] = []

    def flaky(route):
        if route.request.method != "POST":
            return route.fallback()
        posts.append(route.request.url)
        if len(posts) == 1:
            return route.abort("internetdisconnected")
        if len(posts) == 2:
            return route.fulfill(status=503, content_type="text/html", body="<h1>Service Unavailable</h1>")
        return route.fallback()

    page.route("**/api/v1/reports/", flaky)
    melding_to_description(page, "graffiti", "Graffiti of wildplakken")
    description = "Grote graffiti op de gevel van de bibliotheek, sinds het weekend."
    page.get_by_test_id("description").fill(description)
    page.get_by_test_id("photos").set_input_files(
        files=[{"name": "gevel.png", "mimeType": "image/png", "buffer": image_bytes(fmt="PNG")}]
    )
    page.get_by_test_id("reporter-email").fill("melder@example.org")

    page.get_by_test_id("submit").click()  # the connection drops
    page.get_by_test_id("send-error").wait_for()
    assert page.evaluate("() => document.activeElement.dataset.testid") == "retry"
    assert page.get_by_test_id("description").input_value() == description
    screenshot(page, "step-details-send-failed")

    page.reload()  # the reporter reloads the page: the draft comes back, the photo cannot
    page.wait_for_function("() => window.meldReady === true")
    page.get_by_test_id("draft-notice").wait_for()
    assert page.locator("#meld-draft-photos").is_visible()
    assert current_step(page) == "details"
    assert page.get_by_test_id("description").input_value() == description
    assert page.get_by_test_id("reporter-email").input_value() == "melder@example.org"

    page.get_by_test_id("submit").click()  # the server has a problem
    page.get_by_test_id("send-error").wait_for()
    assert Report.objects.count() == 0
    page.get_by_test_id("retry").click()  # and is back

    page.get_by_test_id("done").wait_for()
    assert len(posts) == 3
    report = Report.objects.get()
    assert (report.description, report.category.slug, report.reporter_email) == (
        description,
        "graffiti",
        "melder@example.org",
    )
    assert errors == []


# --- Keyboard only -------------------------------------------------------------------------------------------------


def test_a_keyboard_only_reporter_goes_from_start_to_confirmation(page, screenshot):
    errors = watch_errors(page)
    open_meld(page)
    keyboard = page.keyboard

    press_until(page, "Tab", "el && el.name === 'kind'")
    keyboard.press("Space")  # the first kind, melding
    press_until(page, "Tab", focus_on("next-kind"))
    keyboard.press("Enter")
    page.wait_for_function("() => window.meldMap !== undefined")

    press_until(page, "Tab", focus_on("address-query"))
    keyboard.type("Wapenplein 1")
    keyboard.press("Enter")
    page.locator("#meld-search-results button").first.wait_for()
    press_until(page, "Tab", "el && el.classList.contains('meld-result')")
    screenshot(page, "keyboard-step-location-results")
    keyboard.press("Enter")
    wait_for_place(page, "inside")
    assert page.evaluate("() => document.activeElement.dataset.testid") == "next-location"
    keyboard.press("Enter")

    press_until(page, "Tab", focus_on("category-query"))
    keyboard.type("zwerfvuil")
    press_until(page, "Tab", "el && el.name === 'category'")
    keyboard.press("Space")
    press_until(page, "Tab", focus_on("next-category"))
    keyboard.press("Enter")

    press_until(page, "Tab", focus_on("description"))
    keyboard.type("Zakken afval naast de vuilbak.")
    press_until(page, "Tab", "el && el.name === 'impact'")
    keyboard.press("ArrowRight")  # 2
    keyboard.press("ArrowRight")  # 3
    press_until(page, "Tab", focus_on("reporter-email"))
    keyboard.type("toetsenbord@example.org")
    screenshot(page, "keyboard-step-details")
    press_until(page, "Tab", focus_on("submit"))
    keyboard.press("Enter")

    page.get_by_test_id("done").wait_for()
    assert page.evaluate("() => document.activeElement.id") == "meld-done-title"
    report = Report.objects.get()
    assert (report.category.slug, report.impact, report.reporter_email) == ("zwerfvuil", 3, "toetsenbord@example.org")
    assert report.point is not None and report.address.startswith("Wapenplein")
    assert errors == []


# --- Without a place -----------------------------------------------------------------------------------------------


def test_a_compliment_may_skip_the_place(page):
    errors = watch_errors(page)
    open_meld(page)
    choose_kind(page, "compliment")

    page.get_by_test_id("no-location").check()
    page.get_by_test_id("next-location").click()
    # Only categories that take a compliment.
    assert page.get_by_label("Zwerfvuil", exact=True).count() == 0
    choose_category(page, "medewerker", "Compliment voor een medewerker of dienst")
    page.get_by_test_id("next-category").click()
    page.get_by_test_id("description").fill("Heel vriendelijk geholpen aan het loket burgerzaken.")
    page.get_by_test_id("submit").click()

    page.get_by_test_id("done").wait_for()
    report = Report.objects.get()
    assert (report.kind, report.point, report.category.slug) == ("compliment", None, "compliment-medewerker")
    # No service named: the meldpunt coordinator finds the right one.
    assert report.department.is_coordinator and report.status == "nieuw"
    assert errors == []


def test_a_compliment_names_the_service_and_the_staff_member_and_goes_there_at_once(
    page, screenshot, assert_accessible
):
    errors = watch_errors(page)
    groen = Department.objects.get(slug="groendienst")
    open_meld(page)
    assert page.get_by_test_id("compliment-fields").is_hidden()  # not for the other kinds
    choose_kind(page, "compliment")
    page.get_by_test_id("no-location").check()
    page.get_by_test_id("next-location").click()
    choose_category(page, "medewerker", "Compliment voor een medewerker of dienst")
    page.get_by_test_id("next-category").click()

    wait_for_step(page, "details")
    service = page.get_by_label("Stadsdienst")
    assert service.is_visible()
    service.locator("option[value='groendienst']").wait_for(state="attached")  # the services come from the API
    # The city's own services; not the outside bodies such as the grid operator.
    offered = service.locator("option").all_inner_texts()
    assert groen.name_nl in offered and "Fluvius" not in " ".join(offered)
    # Praise is not asked how much it bothers anyone.
    assert page.locator(".meld-impact").is_hidden()
    assert page.locator("#meld-description-hint").inner_text() == "Wat gebeurde er, en wat maakte het goed?"
    service.select_option("groendienst")
    page.get_by_test_id("compliment-staff-member").fill("Jef, de tuinman in het Leopoldpark")
    page.get_by_test_id("description").fill("Jef heeft mijn kind geholpen toen het gevallen was. Super!")
    page.get_by_test_id("reporter-email").fill("dankbaar@example.org")
    screenshot(page, "compliment-details")
    assert_accessible(page)
    page.get_by_test_id("submit").click()

    page.get_by_test_id("done").wait_for()
    assert page.get_by_test_id("done-department").inner_text() == groen.name_nl
    screenshot(page, "compliment-done")
    report = Report.objects.get()
    assert (report.department, report.status) == (groen, "doorgegeven")
    assert report.compliment_staff_member == "Jef, de tuinman in het Leopoldpark"
    forward = OutgoingEmail.objects.get(report=report, template_key="compliment_forward")
    assert forward.to == groen.email and "Jef, de tuinman in het Leopoldpark" in forward.body
    assert errors == []


def test_a_melding_never_sends_the_compliment_fields_chosen_before_changing_kind(page):
    errors = watch_errors(page)
    open_meld(page)
    choose_kind(page, "compliment")
    page.get_by_test_id("no-location").check()
    page.get_by_test_id("next-location").click()
    choose_category(page, "medewerker", "Compliment voor een medewerker of dienst")
    page.get_by_test_id("next-category").click()
    page.get_by_test_id("compliment-department").select_option("groendienst")

    # The reporter changes their mind: it is a melding after all.
    for _ in range(3):
        page.locator(".meld-step:not([hidden]) [data-prev]").click()
    choose_kind(page, "melding")
    click_map(page, *CENTRE)
    wait_for_place(page, "inside")
    page.get_by_test_id("next-location").click()
    choose_category(page, "zwerf", "Zwerfvuil")
    page.get_by_test_id("next-category").click()
    wait_for_step(page, "details")
    assert page.get_by_test_id("compliment-fields").is_hidden()
    assert page.locator(".meld-impact").is_visible()
    page.get_by_test_id("description").fill("Zakken afval naast de vuilbak.")
    page.get_by_test_id("submit").click()

    page.get_by_test_id("done").wait_for()
    report = Report.objects.get()
    assert (report.kind, report.department.slug) == ("melding", report.category.department.slug)
    assert errors == []


# --- Only questions the API answers --------------------------------------------------------------------------


def test_a_pin_before_the_category_and_a_pin_in_the_sea_cause_no_error_and_no_refused_request(page):
    errors = watch_errors(page)
    console_errors: list[str] = []
    refused: list[str] = []
    previews: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.on(
        "response",
        lambda response: refused.append(f"{response.status} {response.url}") if response.status >= 400 else None,
    )
    page.on("request", lambda request: previews.append(request.url) if "/routing/preview/" in request.url else None)
    open_meld(page)
    choose_kind(page, "melding")

    click_map(page, *CENTRE)  # no category yet
    wait_for_place(page, "inside")
    click_map(page, *SEA)
    page.get_by_test_id("error-location").wait_for()
    assert page.get_by_test_id("error-location").inner_text().startswith(OUTSIDE_NL)
    click_map(page, *CENTRE)
    wait_for_place(page, "inside")
    assert previews == []  # nothing to preview without a category

    page.get_by_test_id("next-location").click()
    choose_category(page, "put", "Put in het wegdek")
    page.get_by_test_id("routing-preview").filter(has_text=re.compile(r"\S")).wait_for()
    assert len(previews) >= 1 and all("category=wegdek-put" in url for url in previews)

    assert refused == [] and console_errors == [] and errors == []
