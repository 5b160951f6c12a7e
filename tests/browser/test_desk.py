"""The phone desk and counter /balie/ and a colleague's /meld/, in Chromium against the live server.

A desk agent takes a call: finds the address the caller spells with a typo, confirms the pin on the map, files
for a French-speaking caller and reads back the reference and the answer date; or adds the caller as a follower of
an open report close by. A logged-in employee reports on /meld/ as staff, without typing contact details.
Each test then checks what the city stored and what it mails.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from geo_meldpunt.notifications.models import OutgoingEmail, TemplateKey
from geo_meldpunt.reports.models import Category, Follower, Report
from geo_meldpunt.staff.groups import FIELD_STAFF, PHONE_DESK
from geo_meldpunt.staff.services import staff_roles_set
from tests.factories import ReportFactory, point_at, project

REFERENCE = re.compile(r"^OST-\d{4}-\d{6}$")
# fixtures/oostende/addresses.csv: Kapellestraat 1-59 lies here (lon, lat).
KAPELLESTRAAT_1_59 = (2.920000, 51.229000)
# Near the Wapenplein, in the centre: inside the territory (lat, lon).
CENTRE = (51.2299, 2.9191)


def employee(*roles: str, username: str, first_name: str = "", last_name: str = "", email: str = ""):
    """An account with these meldpunt roles and without the admin's is_staff: the role alone must do."""
    user = get_user_model().objects.create_user(
        username=username, first_name=first_name, last_name=last_name, email=email
    )
    staff_roles_set(user=user, roles=roles, departments=())
    return user


def log_in(page, live_server, user) -> None:
    """Give the page the session of `user` (Django's test client logs in; the login page has its own tests)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def open_desk(page) -> None:
    page.goto("/balie/")
    page.wait_for_function("() => window.deskReady === true")


def find_address(page, typed: str, label: str) -> None:
    """Search as the agent types it, and choose the answer labelled `label`."""
    page.get_by_test_id("address-query").fill(typed)
    page.get_by_test_id("address-query").press("Enter")
    page.get_by_test_id("address-results").get_by_role("button", name=label, exact=True).click()
    wait_for_place(page, "inside")


def wait_for_place(page, outcome: str) -> None:
    page.locator(f'#desk-place[data-place="{outcome}"]').wait_for(state="attached")


def drag_pin(page, dx: int, dy: int) -> None:
    pin = page.locator("#desk-map .leaflet-marker-draggable")
    pin.scroll_into_view_if_needed()
    # Grab it once the map stopped moving (zoom animation to the address, the page's scroll).
    box = pin.bounding_box()
    for _ in range(50):
        page.wait_for_timeout(50)
        again = pin.bounding_box()
        if again == box:
            break
        box = again
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y + dy / 2, steps=5)
    page.mouse.move(x + dx, y + dy, steps=5)
    page.mouse.up()


def font_size_px(locator) -> float:
    return float(locator.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))


# --- A call: typo in the street, pin confirmed on the map, a French-speaking caller -------------------------------


def test_an_agent_files_a_report_for_a_french_speaking_caller_and_reads_back_the_reference(
    page, live_site, screenshot, assert_accessible
):
    errors = watch_errors(page)
    agent = employee(PHONE_DESK, username="agent", first_name="Sofie", last_name="Claeys")
    log_in(page, live_site, agent)
    open_desk(page)
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_test_id("channel-phone").is_checked()  # the desk's usual channel comes first
    screenshot(page, "empty")
    assert_accessible(page)

    # "Kapelestraat", one l short: the local geocoder still finds the Kapellestraat, with the house number.
    find_address(page, "Kapelestraat 12", "Kapellestraat 12, 8400 Oostende")
    assert "Kapellestraat 12, 8400 Oostende" in page.get_by_test_id("location-address").inner_text()
    # The caller says it is a little further along: the agent drags the pin; the address follows the pin.
    drag_pin(page, 0, 40)
    page.wait_for_function(
        "() => document.querySelector('#desk-place').dataset.place === 'inside'"
        " && !document.querySelector('#desk-place-address').textContent.includes('Kapellestraat 12')"
        " && !document.querySelector('#desk-place-address').hidden"
    )
    pin = page.evaluate("() => { const c = window.deskMap.getCenter(); return [c.lat, c.lng]; }")
    assert pin  # the map followed the pin

    page.get_by_test_id("language-fr").check(force=True)
    page.get_by_test_id("kind-melding").check(force=True)
    page.get_by_test_id("category").select_option("wegdek-put")
    page.get_by_test_id("routing-preview").filter(has_text=re.compile(r"\S")).wait_for()
    page.get_by_test_id("description").fill("Nid-de-poule profond devant la maison, signalé par téléphone.")
    page.get_by_test_id("impact-4").check(force=True)
    page.get_by_test_id("reporter-name").fill("Claire Dubois")
    page.get_by_test_id("reporter-email").fill("claire.dubois@example.org")
    page.get_by_test_id("reporter-phone").fill("+32 470 12 34 56")
    # No open report of this category close by: the agent sees that too.
    assert page.get_by_test_id("duplicates").get_attribute("data-count") == "0"
    screenshot(page, "filled")
    assert_accessible(page)
    page.get_by_test_id("submit").click()

    done = page.get_by_test_id("done")
    done.wait_for()
    reference = page.get_by_test_id("done-reference").inner_text().strip()
    assert REFERENCE.match(reference)
    screenshot(page, "filed")
    assert_accessible(page)

    report = Report.objects.select_related("category").get(reference=reference)
    assert (report.channel, report.language, report.created_by) == ("phone", "fr", agent)
    assert (report.kind, report.category.slug, report.impact) == ("melding", "wegdek-put", 4)
    assert (report.reporter_name, report.reporter_email, report.reporter_phone) == (
        "Claire Dubois",
        "claire.dubois@example.org",
        "+32 470 12 34 56",
    )
    # Where the agent dragged the pin: south of the geocoded Kapellestraat, not on it.
    assert report.point.y < KAPELLESTRAAT_1_59[1]
    assert report.point.distance(point_at(*KAPELLESTRAAT_1_59)) > 0.0001
    assert "8400 Oostende" in report.address
    # The reference and the expected answer date, in large type to read out.
    expected = page.get_by_test_id("done-expected")
    assert str(report.expected_answer_date.year) in expected.inner_text()
    assert font_size_px(page.get_by_test_id("done-reference")) >= 40
    assert font_size_px(expected) >= 32
    # The date the way the caller says it, too: in French.
    assert expected.locator('[lang="fr"]').inner_text().strip()
    assert "claire.dubois@example.org" in page.get_by_test_id("done-email").inner_text()

    # The acknowledgement waits in the outbox, in French.
    (ack,) = OutgoingEmail.objects.filter(report=report, template_key=TemplateKey.ACKNOWLEDGEMENT)
    assert (ack.to, ack.language) == ("claire.dubois@example.org", "fr")
    assert ack.subject.startswith("Bien reçu")
    assert reference in ack.subject and "Merci" in ack.body

    # The next call starts from an empty form; the channel stays.
    page.get_by_test_id("next-call").click()
    page.get_by_test_id("address-query").wait_for()
    assert page.get_by_test_id("done").is_hidden()
    assert page.get_by_test_id("address-query").input_value() == ""
    assert page.get_by_test_id("description").input_value() == ""
    assert page.get_by_test_id("reporter-email").input_value() == ""
    assert page.get_by_test_id("category").input_value() == ""
    assert page.get_by_test_id("language-nl").is_checked()
    assert page.locator("#desk-map .leaflet-marker-draggable").count() == 0
    assert page.evaluate("() => document.activeElement.dataset.testid") == "address-query"
    assert errors == []


def test_a_nearby_open_report_gets_the_caller_as_follower(page, live_site, screenshot, assert_accessible):
    errors = watch_errors(page)
    log_in(page, live_site, employee(PHONE_DESK, username="agent"))
    existing = ReportFactory(
        category=Category.objects.get(slug="wegdek-put"),
        point=project(point_at(*KAPELLESTRAAT_1_59), metres=10, azimuth_deg=90),
        address="Kapellestraat 14, 8400 Oostende",
    )
    open_desk(page)
    page.get_by_test_id("channel-desk").check(force=True)  # a visitor at the counter
    page.get_by_test_id("language-fr").check(force=True)
    find_address(page, "kapellestraat 12", "Kapellestraat 12, 8400 Oostende")
    page.get_by_test_id("category").select_option("wegdek-put")

    page.get_by_test_id("duplicate").first.wait_for()
    [candidate] = page.get_by_test_id("duplicate").all()
    assert candidate.get_attribute("data-reference") == existing.reference
    assert re.search(r"\b\d{1,2} m\b", candidate.inner_text())  # the distance
    assert page.locator(".desk-duplicate-icon").count() == 1  # and on the map
    # A caller without e-mail cannot follow: the page says so, and gives the reference to pass on instead.
    candidate.get_by_test_id("follow-open").click()
    needs = candidate.get_by_test_id("follow-error")
    assert "e-mailadres" in needs.inner_text() and existing.reference in needs.inner_text()
    screenshot(page, "duplicate")
    assert_accessible(page)

    candidate.get_by_test_id("follow-email").fill("voisin@example.org")
    candidate.get_by_test_id("follow-submit").click()
    page.get_by_test_id("follow-done").wait_for()
    assert existing.reference in page.get_by_test_id("follow-done-reference").inner_text()
    screenshot(page, "followed")
    assert_accessible(page)

    follower = Follower.objects.get(report=existing)
    assert (follower.email, follower.language) == ("voisin@example.org", "fr")
    assert Report.objects.count() == 1  # no new report
    page.get_by_test_id("follow-next-call").click()
    assert page.get_by_test_id("channel-desk").is_checked()  # the agent is still at the counter
    assert errors == []


def test_bad_input_is_shown_next_to_its_fields_in_dutch_and_nothing_is_filed(page, live_site, screenshot):
    errors = watch_errors(page)
    log_in(page, live_site, employee(PHONE_DESK, username="agent"))
    open_desk(page)

    page.get_by_test_id("submit").click()
    for field in ("location", "category", "description"):
        assert page.locator(f"#err-{field}").is_visible(), field
    assert page.locator("#err-location").inner_text() == "Zoek het adres of klik op de kaart waar het is."
    assert page.evaluate("() => document.activeElement.dataset.testid") == "address-query"

    # What only the API checks comes back field by field, in Dutch, next to its field.
    find_address(page, "Wapenplein", "Wapenplein, 8400 Oostende")
    page.get_by_test_id("category").select_option("zwerfvuil")
    page.get_by_test_id("description").fill("Zakken afval naast de bank.")
    page.get_by_test_id("reporter-email").fill("claire@")
    page.get_by_test_id("reporter-phone").fill("bel me maar")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("error-reporter_email").wait_for()
    assert page.get_by_test_id("error-reporter_email").inner_text() == "Voer een geldig e-mailadres in."
    assert "telefoonnummer" in page.get_by_test_id("error-reporter_phone").inner_text()
    assert page.get_by_test_id("reporter-email").get_attribute("aria-invalid") == "true"
    assert page.get_by_test_id("send-error").is_visible()
    screenshot(page, "field-errors")
    assert not Report.objects.exists()

    # Corrected, it is filed once.
    page.get_by_test_id("reporter-email").fill("claire@example.org")
    page.get_by_test_id("reporter-phone").fill("0470 12 34 56")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("done").wait_for()
    assert Report.objects.count() == 1
    assert errors == []


def test_a_complaint_needs_the_callers_email_and_a_compliment_needs_no_place(page, live_site):
    errors = watch_errors(page)
    log_in(page, live_site, employee(PHONE_DESK, username="agent"))
    open_desk(page)

    page.get_by_test_id("kind-klacht").check(force=True)
    assert page.locator("#desk-email-required").is_visible()
    find_address(page, "Wapenplein", "Wapenplein, 8400 Oostende")
    page.get_by_test_id("category").select_option("zwerfvuil")
    page.get_by_test_id("description").fill("Het afval wordt al drie weken niet opgehaald.")
    page.get_by_test_id("reporter-name").fill("Marc Janssens")
    page.get_by_test_id("reporter-name").press("Enter")  # Enter in a field does not file the report
    assert page.get_by_test_id("done").is_hidden()
    page.get_by_test_id("submit").click()
    assert page.get_by_test_id("error-reporter_email").inner_text() == (
        "Verplicht voor een klacht, zodat de stad erop kan antwoorden."
    )
    assert page.evaluate("() => document.activeElement.dataset.testid") == "reporter-email"
    assert not Report.objects.exists()

    # A compliment: only compliment categories are offered, and it may be about no place at all.
    page.get_by_test_id("kind-compliment").check(force=True)
    options = page.get_by_test_id("category").locator("option").all_inner_texts()
    assert "Compliment voor een medewerker of dienst" in options and "Zwerfvuil" not in options
    page.get_by_test_id("no-location").check()
    page.get_by_test_id("category").select_option("compliment-medewerker")
    page.get_by_test_id("description").fill("Vriendelijk geholpen aan het loket van de burgerzaken.")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("done").wait_for()
    report = Report.objects.get()
    assert (report.kind, report.point, report.channel) == ("compliment", None, "phone")
    assert errors == []


def test_a_resend_after_a_lost_answer_files_the_report_once(page, live_site):
    """The server files the report but its answer never reaches the desk (a dropped connection): the agent sends
    again, and the page's Idempotency-Key makes the server answer with the report already filed."""
    errors = watch_errors(page)
    log_in(page, live_site, employee(PHONE_DESK, username="agent"))
    lost = []

    def lose_first_answer(route):
        if route.request.method == "POST" and not lost:
            route.fetch()  # the request reaches the server, which files the report ...
            lost.append(route.request.headers.get("idempotency-key"))
            route.abort()  # ... and the answer is lost on the way back
        else:
            route.continue_()

    page.route("**/api/v1/reports/", lose_first_answer)
    open_desk(page)
    find_address(page, "Wapenplein", "Wapenplein, 8400 Oostende")
    page.get_by_test_id("category").select_option("zwerfvuil")
    page.get_by_test_id("description").fill("Zakken afval naast de bank.")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("send-error").wait_for()
    assert "geen verbinding" in page.get_by_test_id("send-error").inner_text()
    assert Report.objects.count() == 1  # filed, though the desk does not know yet

    page.get_by_test_id("submit").click()
    page.get_by_test_id("done").wait_for()
    (report,) = Report.objects.all()
    assert page.get_by_test_id("done-reference").inner_text().strip() == report.reference
    assert lost[0] and len(lost[0]) >= 8
    assert errors == []


# --- A colleague on /meld/ ---------------------------------------------------------------------------------------


def test_a_logged_in_employee_reports_on_meld_as_staff_without_contact_fields(
    page, live_site, screenshot, assert_accessible
):
    errors = watch_errors(page)
    warden = employee(
        FIELD_STAFF, username="wijkwerker", first_name="Jan", last_name="Vermeulen", email="jan.vermeulen@oostende.be"
    )
    log_in(page, live_site, warden)
    page.goto("/meld/")
    page.wait_for_function("() => window.meldReady === true")
    page.get_by_test_id("kind-melding").check()
    page.get_by_test_id("next-kind").click()
    page.wait_for_function("() => window.meldMap !== undefined")
    x, y = page.evaluate(
        """([lat, lon]) => {
            window.meldMap.setView([lat, lon], 17, {animate: false});
            const p = window.meldMap.latLngToContainerPoint([lat, lon]);
            return [p.x, p.y];
        }""",
        list(CENTRE),
    )
    page.get_by_test_id("location-map").click(position={"x": x, "y": y})
    page.locator('#meld-place[data-place="inside"]').wait_for(state="attached")
    page.get_by_test_id("next-location").click()
    page.get_by_test_id("category-query").fill("zwerf")
    page.get_by_label("Zwerfvuil", exact=True).check()
    page.get_by_test_id("next-category").click()
    page.locator('.meld-step[data-step="details"]').wait_for(state="visible")

    note = page.get_by_test_id("staff-reporter")
    assert "Jan Vermeulen" in note.inner_text()
    assert page.get_by_test_id("reporter-name").is_hidden()
    assert page.get_by_test_id("reporter-email").is_hidden()
    assert page.get_by_test_id("reporter-phone").is_hidden()
    page.get_by_test_id("description").fill("Zwerfvuil naast de bank op het plein.")
    screenshot(page, "meld-staff-details")
    assert_accessible(page)
    page.get_by_test_id("submit").click()
    page.get_by_test_id("done").wait_for()
    reference = page.get_by_test_id("done-reference").inner_text().strip()
    screenshot(page, "meld-staff-done")

    report = Report.objects.get(reference=reference)
    assert (report.channel, report.created_by) == ("staff", warden)
    assert (report.reporter_name, report.reporter_email) == ("Jan Vermeulen", "jan.vermeulen@oostende.be")
    assert not OutgoingEmail.objects.filter(report=report).exists()  # no acknowledgement to a colleague
    assert page.locator("#meld-done-email").is_hidden()
    assert errors == []


def test_an_anonymous_citizen_still_types_contact_details_on_meld(page):
    page.goto("/meld/")
    page.wait_for_function("() => window.meldReady === true")
    assert page.get_by_test_id("staff-reporter").count() == 0
    assert page.evaluate("() => JSON.parse(document.getElementById('meld-config').textContent).staff") is None
