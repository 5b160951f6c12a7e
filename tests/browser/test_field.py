"""The field page /veld/ in Chromium as a community warden uses it: a 360 px phone with touch, its position from
the (emulated) GPS, sometimes without a connection. Each test walks the page as the warden would and then checks
what the city stored. The warden carries the session of Django's test client (no login form to fill).
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from geo_meldpunt.notifications.models import OutgoingEmail
from geo_meldpunt.reports.models import Category, Channel, Follower, Report, ReportEvent
from geo_meldpunt.staff.groups import FIELD_STAFF
from tests.factories import WAPENPLEIN, ReportFactory, image_bytes, point_at, project
from tests.staff.helpers import staff_user

REFERENCE = re.compile(r"OST-\d{4}-\d{6}")
# The Wapenplein, in the centre: inside the territory. (lat, lon) as the browser's geolocation gives it.
HERE = (WAPENPLEIN[1], WAPENPLEIN[0])
# "Noordzee voor de havengeul" (fixtures/oostende/check_points.json): outside the territory.
SEA = (51.242, 2.927)
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def warden(live_site):
    user = staff_user(FIELD_STAFF, username="wacht-an")
    user.first_name, user.last_name, user.email = "An", "Wauters", "an.wauters@oostende.be"
    user.is_staff = False  # a warden by role only, not an admin user
    user.save()
    return user


def phone(new_page, live_site, user, *, at=HERE, accuracy=15):
    """A phone with the warden logged in, its position at `at` and the page allowed to read it."""
    page = new_page(
        **PHONE,
        geolocation={"latitude": at[0], "longitude": at[1], "accuracy": accuracy},
        permissions=["geolocation"],
    )
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_site.url}])
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def open_field(page, *, place: str = "inside") -> None:
    page.goto("/veld/")
    page.wait_for_function("() => window.fieldReady === true")
    page.locator(f'#field-place[data-place="{place}"]').wait_for(state="attached")


def photo(name: str = "put.jpg") -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": image_bytes(size=(320, 240))}


def fill_report(page, *, category: str = "", note: str = "", impact: int | None = None, photos: int = 0) -> None:
    if category:
        page.get_by_test_id("category").select_option(category)
    for number in range(photos):
        page.get_by_test_id("photo").set_input_files(files=[photo(f"foto-{number}.jpg")])
    if impact:
        page.locator(f"label[for='impact-{impact}']").tap()
    if note:
        page.get_by_test_id("note").fill(note)


def queue_states(page) -> list[str]:
    return page.locator("#field-queue-list > li").evaluate_all("items => items.map(i => i.dataset.state)")


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


# --- A report from the street -------------------------------------------------------------------------------


def test_a_warden_on_a_phone_reports_with_a_photo_and_gets_no_acknowledgement_mail(
    new_page, live_site, warden, screenshot, assert_accessible
):
    for slug in ("graffiti", "graffiti", "wegdek-put"):  # what this warden reported before
        ReportFactory(category=Category.objects.get(slug=slug), created_by=warden, channel=Channel.FIELD)
    page = phone(new_page, live_site, warden)
    open_field(page)
    assert page.locator("html").get_attribute("lang") == "nl"
    # Their most used categories come first, one tap each.
    chips = page.locator(".field-chips label")
    assert chips.all_inner_texts() == ["Graffiti of wildplakken", "Put in het wegdek"]
    assert min(box["height"] for box in (chip.bounding_box() for chip in chips.all())) >= 48
    # The accuracy circle of the phone's position is drawn, and its size said in words.
    assert page.locator("path.field-accuracy-circle").count() == 1
    assert "15 m" in page.get_by_test_id("accuracy").inner_text()
    assert no_horizontal_scroll(page)
    screenshot(page, "field-360")
    assert_accessible(page)

    chips.filter(has_text="Put in het wegdek").tap()
    fill_report(page, note="Put van 20 cm diep naast het zebrapad.", impact=4, photos=1)
    assert page.get_by_test_id("photo-list").locator("img").count() == 1
    send = page.get_by_test_id("send")
    assert send.bounding_box()["height"] >= 60 and send.bounding_box()["width"] >= 300
    send.tap()

    status = page.get_by_test_id("send-status")
    status.filter(has_text=REFERENCE).wait_for()
    reference = REFERENCE.search(status.inner_text()).group(0)
    report = Report.objects.get(reference=reference)
    assert report.channel == Channel.FIELD
    assert (report.created_by, report.reporter_name, report.reporter_email) == (
        warden,
        "An Wauters",
        "an.wauters@oostende.be",
    )
    assert (report.category.slug, report.impact, report.kind) == ("wegdek-put", 4, "melding")
    assert report.description == "Put van 20 cm diep naast het zebrapad."
    assert (report.point.y, report.point.x) == pytest.approx(HERE, abs=1e-5)
    assert report.photos.count() == 1
    assert not OutgoingEmail.objects.filter(report=report).exists()
    # The queue is empty again; the report is under "Mine" with its status.
    assert queue_states(page) == ["sent"]
    page.get_by_test_id("mine-list").locator(f"[data-reference='{reference}'][data-status='nieuw']").wait_for()
    # The form is ready for the next report.
    assert page.get_by_test_id("note").input_value() == ""
    assert page.get_by_test_id("photo-list").locator("img").count() == 0
    screenshot(page, "field-360-sent")
    # Chromium would offer to install it: manifest, icons and service worker are in order.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    cdp = page.context.new_cdp_session(page)
    errors = [e["errorId"] for e in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]]
    assert [e for e in errors if e != "in-incognito"] == []  # Playwright's contexts are incognito ones
    assert page.errors == []


# --- Without a connection ---------------------------------------------------------------------------------------

READ_QUEUE = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open("meldpunt-veld");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
        const request = open.result.transaction("queue").objectStore("queue").getAll();
        request.onsuccess = () => {
            window.replay = request.result.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
            resolve(request.result.length);
        };
        request.onerror = () => reject(request.error);
    };
})"""
REPLAY_QUEUE = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open("meldpunt-veld");
    open.onsuccess = () => {
        const transaction = open.result.transaction("queue", "readwrite");
        window.replay.forEach((item) => transaction.objectStore("queue").put(item));
        transaction.oncomplete = () => resolve(window.replay.length);
        transaction.onerror = () => reject(transaction.error);
    };
})"""


def test_offline_reports_wait_on_the_phone_and_are_sent_exactly_once(
    new_page, live_site, warden, screenshot, assert_accessible
):
    page = phone(new_page, live_site, warden)
    open_field(page)
    # The service worker has taken the page: it can open without a connection from now on.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    page.get_by_test_id("connection").wait_for()
    fill_report(page, category="graffiti", note="Tags op de gevel van de bibliotheek.", photos=2)
    page.get_by_test_id("send").tap()
    page.locator("#field-queue-list > li[data-state='waiting']").wait_for()
    fill_report(page, category="sluikstort", impact=3)
    page.get_by_test_id("send").tap()
    page.wait_for_function("() => document.querySelectorAll('#field-queue-list > li[data-state=waiting]').length === 2")

    # Offline, the page opens again from the phone, and both reports still wait there, the photos with them.
    page.reload()
    page.wait_for_function("() => window.fieldReady === true")
    assert queue_states(page) == ["waiting", "waiting"]
    assert page.evaluate(READ_QUEUE) == 2
    assert page.evaluate("() => window.replay.map(item => item.photos.length)") == [2, 0]
    assert page.evaluate("() => window.replay.every(item => item.photos.every(p => p.blob instanceof Blob))")
    assert Report.objects.count() == 0
    page.get_by_test_id("around-summary").filter(has_text=re.compile(r"\S")).wait_for()  # "needs a connection"
    assert no_horizontal_scroll(page)
    screenshot(page, "offline-waiting-360")
    assert_accessible(page)

    # The connection comes back: both are sent, once each.
    page.context.set_offline(False)
    page.wait_for_function("() => document.querySelectorAll('#field-queue-list > li[data-state=sent]').length === 2")
    reports = list(Report.objects.order_by("id"))
    assert [(r.category.slug, r.channel, r.created_by_id) for r in reports] == [
        ("graffiti", "field", warden.pk),
        ("sluikstort", "field", warden.pk),
    ]
    assert [r.photos.count() for r in reports] == [2, 0]
    assert reports[0].description == "Tags op de gevel van de bibliotheek."
    assert reports[1].impact == 3

    # A forced resend of the same stored reports (the queue replayed, then "send now") makes nothing new: the
    # server knows their idempotency keys and answers with the reports already made.
    assert page.evaluate(REPLAY_QUEUE) == 2
    page.get_by_test_id("send-now").tap()
    page.wait_for_function("() => document.querySelectorAll('#field-queue-list > li[data-state=sent]').length === 4")
    sent = page.locator("#field-queue-list > li[data-state=sent]")
    assert sent.evaluate_all("items => items.map(i => i.dataset.outcome)") == ["again", "again", "received", "received"]
    assert reports[1].reference in page.get_by_test_id("send-status").inner_text()
    assert Report.objects.count() == 2
    assert page.evaluate(READ_QUEUE) == 0
    assert page.errors == []


# --- Around me -------------------------------------------------------------------------------------------------


def test_around_me_finds_a_nearby_open_report_and_the_warden_confirms_it(
    new_page, live_site, warden, screenshot, assert_accessible
):
    here = point_at(*WAPENPLEIN)
    graffiti = Category.objects.get(slug="graffiti")
    near = ReportFactory(category=graffiti, point=project(here, metres=120, azimuth_deg=90), address="Kapellestraat 1")
    far = ReportFactory(category=graffiti, point=project(here, metres=900, azimuth_deg=90))
    solved = ReportFactory(category=graffiti, point=project(here, metres=40, azimuth_deg=180), status="afgesloten")
    page = phone(new_page, live_site, warden)
    open_field(page)

    items = page.get_by_test_id("around-list").get_by_test_id("around-item")
    items.first.wait_for()
    assert items.evaluate_all("items => items.map(i => i.dataset.reference)") == [near.reference]
    assert far.reference not in page.get_by_test_id("around").inner_text()
    assert solved.reference not in page.get_by_test_id("around").inner_text()
    item = items.first
    assert "120 m" in item.inner_text()
    assert "Kapellestraat 1" in item.inner_text()

    item.get_by_test_id("follow").tap()
    item.locator(".field-item__following").wait_for()
    assert Follower.objects.filter(report=near, email="an.wauters@oostende.be").exists()

    item.get_by_test_id("add").tap()
    item.get_by_test_id("add-note").fill("Nog steeds aanwezig, nu ook op de deur.")
    item.get_by_test_id("add-photo").set_input_files(files=[photo("deur.jpg")])
    item.get_by_test_id("add-submit").tap()
    item.get_by_test_id("around-result").filter(has_text=near.reference).wait_for()
    assert near.photos.count() == 1
    note = ReportEvent.objects.filter(report=near, event_type=ReportEvent.Type.NOTE).get()
    assert (note.actor, note.public) == (warden, False)
    assert "Nog steeds aanwezig, nu ook op de deur." in note.note
    assert Report.objects.count() == 3  # confirmed, not filed again
    assert no_horizontal_scroll(page)
    screenshot(page, "around-me-360")
    assert_accessible(page)
    assert page.errors == []


# --- Outside the city ------------------------------------------------------------------------------------------


def test_outside_the_territory_the_page_refuses_with_a_clear_message(new_page, live_site, warden, screenshot):
    page = phone(new_page, live_site, warden, at=SEA)
    open_field(page, place="outside")
    error = page.get_by_test_id("place-error")
    assert "buiten het grondgebied van de stad" in error.inner_text()
    fill_report(page, category="zwerfvuil")
    page.get_by_test_id("send").tap()
    assert page.evaluate("() => document.activeElement.dataset.testid") == "place-error"
    assert page.get_by_test_id("queue").is_hidden()
    assert Report.objects.count() == 0
    screenshot(page, "outside-360")
    assert page.errors == []


def test_a_report_the_server_refuses_stays_on_the_phone_with_the_reason_until_removed(
    new_page, live_site, warden, screenshot, assert_accessible
):
    page = phone(new_page, live_site, warden)
    open_field(page)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    # Offline the place cannot be checked: a warden on the pier reports a spot that lies in the sea.
    page.context.set_offline(True)
    page.context.set_geolocation({"latitude": SEA[0], "longitude": SEA[1], "accuracy": 10})
    page.get_by_test_id("locate").tap()
    page.locator('#field-place[data-place="unknown"]').wait_for(state="attached")
    fill_report(page, category="drijfvuil", note="Drijvend afval aan de pier.")
    page.get_by_test_id("send").tap()
    page.locator("#field-queue-list > li[data-state='waiting']").wait_for()

    page.context.set_offline(False)
    refused = page.locator("#field-queue-list > li[data-state='refused']")
    # Sent on `online`; when Chromium fires that before the network answers, the first try fails as offline and
    # the 30-second retry sends it (what a warden would see too).
    refused.wait_for(timeout=40_000)
    assert "buiten het grondgebied van de stad" in refused.inner_text()
    assert "niet aanvaard" in page.get_by_test_id("send-status").inner_text()
    page.get_by_test_id("place-error").wait_for()  # back online, the place is checked at once: in the sea
    assert page.evaluate(READ_QUEUE) == 1  # kept: nothing a warden sent is dropped
    assert Report.objects.count() == 0
    screenshot(page, "refused-360")
    assert_accessible(page)

    page.once("dialog", lambda dialog: dialog.accept())
    refused.get_by_test_id("remove").tap()
    page.get_by_test_id("queue").wait_for(state="hidden")
    assert page.evaluate(READ_QUEUE) == 0
    assert page.errors == []


def test_when_the_answer_is_lost_on_the_way_back_the_resend_makes_no_second_report(new_page, live_site, warden):
    page = phone(new_page, live_site, warden)
    open_field(page)
    keys: list[str] = []

    def answer_lost(route):
        """The first send reaches the server, which files the report; its answer never reaches the phone."""
        if route.request.method != "POST":
            return route.fallback()
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) == 1:
            route.fetch()
            return route.abort("connectionreset")
        return route.fallback()

    page.route("**/api/v1/reports/", answer_lost)
    fill_report(page, category="lamp-defect", note="Lamp brandt niet.", photos=1)
    page.get_by_test_id("send").tap()
    page.get_by_test_id("connection").wait_for()  # the page concludes the connection dropped
    assert queue_states(page) == ["waiting"]
    assert Report.objects.count() == 1  # the city has it; the phone does not know

    page.get_by_test_id("send-now").tap()
    page.locator("#field-queue-list > li[data-state='sent'][data-outcome='again']").wait_for()
    report = Report.objects.get()
    assert report.reference in page.get_by_test_id("send-status").inner_text()
    assert report.photos.count() == 1
    assert len(keys) == 2 and keys[0] == keys[1]
    assert page.errors == []


def test_logging_out_forgets_the_kept_page_but_not_the_waiting_reports(new_page, live_site, warden):
    page = phone(new_page, live_site, warden)
    open_field(page)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function(
        "() => caches.keys().then(async n => n.length === 1 && await caches.match('/veld/') !== undefined)"
    )
    page.context.set_offline(True)
    fill_report(page, category="graffiti")
    page.get_by_test_id("send").tap()
    page.locator("#field-queue-list > li[data-state='waiting']").wait_for()
    page.context.set_offline(False)
    page.route("**/api/v1/reports/", lambda route: route.abort("internetdisconnected"))  # still no way through

    with page.expect_navigation():
        page.get_by_role("button", name="Afmelden").tap()

    assert "/behandeling/login/" in page.url
    assert page.evaluate("caches.match('/veld/').then(kept => kept === undefined)")
    assert page.evaluate(READ_QUEUE) == 1
