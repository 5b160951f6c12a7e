"""The back office in Chromium: a handler of Openbare Werken walks the whole life of each kind of report, and the
reporter sees the outcome. Reports are made through the services (ReportFactory -> report_create) and committed,
so the live server sees them; the handler logs in through the login page once, and otherwise carries the session
cookie of Django's test client (fast). Buttons and forms are found by their data attributes and ids, not by their
texts, so translating the pages breaks no test.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from geo_meldpunt.feedback.models import SatisfactionSurvey
from geo_meldpunt.reports.models import AnswerTemplate, Category, Kind, Report, Status
from geo_meldpunt.reports.services import report_answer, report_survey_answer
from geo_meldpunt.staff.groups import COORDINATOR, HANDLER, OMBUDSMAN
from geo_meldpunt.zones.models import Department
from tests.factories import WAPENPLEIN, ReportFactory, point_at, project
from tests.staff.helpers import staff_user

MOBILE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
PASSWORD = "behandel-wachtwoord"
TEMPLATE_BODY = "Beste melder, de ploeg heeft het probleem hersteld. Bedankt om het te melden."


@pytest.fixture
def works(live_site):
    return Department.objects.get(slug="openbare-werken")


@pytest.fixture
def handler(works):
    user = staff_user(HANDLER, departments=[works], username="els")
    user.first_name, user.last_name = "Els", "Peeters"
    user.set_password(PASSWORD)
    user.save()
    return user


def category(slug: str) -> Category:
    return Category.objects.get(slug=slug)


def new_report(slug: str = "wegdek-put", *, kind: str = Kind.MELDING, metres: float = 0, **kwargs) -> Report:
    values = {
        "category": category(slug),
        "kind": kind,
        "point": project(point_at(*WAPENPLEIN), metres=metres, azimuth_deg=45) if metres else point_at(*WAPENPLEIN),
        "reporter_name": "Jan Melder",
        "reporter_email": "jan.melder@example.org",
        "address": "Wapenplein 1, 8400 Oostende",
    }
    values.update(kwargs)
    return ReportFactory(**values)


def log_in(page, live_server, user) -> None:
    """Give the page the session of `user` (Django's test client logs in; no form to fill)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def open_report(page, report: Report) -> None:
    page.goto(f"/behandeling/meldingen/{report.reference}/")


def status_of(page) -> str:
    return page.locator("#status [data-status]").get_attribute("data-status")


def quick_step(page, to: str) -> None:
    with page.expect_navigation():
        page.click(f".bo-quick button[data-step='{to}']")
    assert status_of(page) == to


def text_step(page, to: str, text: str = "", *, department: str = "") -> None:
    box = page.locator(f"#action-transition{to}")
    box.locator("summary").click()
    if department:
        box.locator("select[name='department']").select_option(department)
    if text:
        page.fill(f"#{to}-note", text)
    with page.expect_navigation():
        box.locator(f"button[type='submit'][data-step='{to}']").click()
    assert status_of(page) == to, page.locator(".bo-alert").all_inner_texts()


def assert_no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


# --- Logging in, the queue, small screens -----------------------------------------------------------------


def test_a_handler_logs_in_and_finds_the_queue_with_its_flags_and_map(
    page, live_site, handler, new_page, screenshot, assert_accessible
):
    errors = watch_errors(page)
    late = new_report(metres=60)
    Report.objects.filter(pk=late.pk).update(acknowledge_due=timezone.localdate() - dt.timedelta(days=2))
    soon = new_report("voetpad-beschadigd", metres=120)
    Report.objects.filter(pk=soon.pk).update(acknowledge_due=timezone.localdate())
    calm = new_report("straatmeubilair", metres=200)
    new_report("zwerfvuil")  # another department's: not in this queue

    page.goto("/behandeling/")
    assert page.url.endswith("/behandeling/login/?next=/behandeling/")
    screenshot(page, "login")
    assert_accessible(page)
    page.fill("#id_username", "els")
    page.fill("#id_password", "fout")
    with page.expect_navigation():
        page.click("form.bo-form button[type='submit']")
    assert page.locator("#login-errors[role='alert']").is_visible()
    assert page.get_attribute("#id_password", "aria-invalid") == "true"
    screenshot(page, "login-refused")
    assert_accessible(page)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.bo-form button[type='submit']")

    assert page.url.endswith("/behandeling/")
    rows = page.locator("tbody tr[data-reference]")
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.reference)") == [
        late.reference,
        soon.reference,
        calm.reference,
    ]
    assert page.locator(f"tr[data-reference='{late.reference}'] [data-flag='overdue']").is_visible()
    assert page.locator(f"tr[data-reference='{soon.reference}'] [data-flag='due-soon']").is_visible()
    assert page.locator("#bo-map .bo-marker").count() == 3
    assert "Jan Melder" not in page.content()
    screenshot(page, "queue")
    assert_accessible(page)

    # Filters: overdue only.
    page.select_option("#id_deadline", "overdue")
    with page.expect_navigation():
        page.click(".bo-filters button[type='submit']")
    assert page.locator("tbody tr[data-reference]").count() == 1

    # The keyboard reaches the filters and the report links; focus is visible.
    page.focus(f"tr[data-reference='{late.reference}'] a")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"

    mobile = new_page(**MOBILE)
    log_in(mobile, live_site, handler)
    mobile.goto("/behandeling/")
    assert_no_horizontal_scroll(mobile)
    screenshot(mobile, "queue-360")
    open_report(mobile, late)
    assert_no_horizontal_scroll(mobile)
    screenshot(mobile, "detail-360")
    assert_accessible(mobile)
    assert errors == []


# --- The whole life of each kind ------------------------------------------------------------------------------


def test_a_melding_from_acknowledgement_to_the_reporters_answer_and_rating(
    page, live_site, handler, new_page, screenshot, assert_accessible
):
    errors = watch_errors(page)
    AnswerTemplate.objects.create(department=None, language="nl", title="Hersteld", body=TEMPLATE_BODY)
    report = new_report(description="Diepe put in het wegdek voor de ingang van het stadhuis.")
    log_in(page, live_site, handler)

    open_report(page, report)
    assert page.locator("[data-personal]").is_visible()  # the handler may see the reporter's details
    assert page.locator("[data-email='acknowledgement']").count() == 1
    screenshot(page, "detail-new")
    assert_accessible(page)

    quick_step(page, Status.ONTVANGEN)
    assert page.locator(".bo-message--success").is_visible()
    quick_step(page, Status.IN_BEHANDELING)
    text_step(page, Status.WACHT_OP_MELDER, "Aan welke kant van het plein ligt de put precies?")
    assert page.locator("[data-email='waiting_for_reporter']").count() == 1
    quick_step(page, Status.IN_BEHANDELING)

    # Answer with a template, adapted.
    box = page.locator("#action-transitionbeantwoord")
    box.locator("summary").click()
    assert box.locator("[data-templates]").is_visible()
    box.locator("[data-template-select]").select_option(label="Hersteld (NL)")
    box.locator("[data-insert-template]").click()
    assert page.input_value("#beantwoord-note") == TEMPLATE_BODY
    assert page.evaluate("document.activeElement.id") == "beantwoord-note"
    page.fill("#beantwoord-note", TEMPLATE_BODY + " De put werd op 3 juni gevuld.")
    screenshot(page, "answer-form")
    assert_accessible(page)
    with page.expect_navigation():
        box.locator("button[type='submit']").click()
    assert status_of(page) == Status.BEANTWOORD
    assert page.locator("[data-email='answer']").count() == 1
    assert page.locator("[data-email='satisfaction_question']").count() == 1
    screenshot(page, "detail-answered")

    # The reporter follows the report and rates the answer.
    reporter = new_page()
    reporter.goto(f"/volg/{report.tracking_token}/")
    assert "De put werd op 3 juni gevuld." in reporter.locator(".answer__text").inner_text()
    survey = SatisfactionSurvey.objects.get(report=report)
    reporter.goto(f"/tevredenheid/{survey.token}/")
    reporter.click("label[for='score-4']")
    with reporter.expect_navigation():
        reporter.click("button[type='submit'].survey-submit")
    screenshot(reporter, "reporter-rated")

    # Back in the back office: closed by the survey, its score on the page, every step in the history.
    page.reload()
    assert status_of(page) == Status.AFGESLOTEN
    assert "4" in page.locator("[data-survey]").inner_text()
    history = page.locator(".bo-history li[data-to]").evaluate_all("items => items.map(i => i.dataset.to)")
    assert history == [
        Status.NIEUW, Status.ONTVANGEN, Status.IN_BEHANDELING, Status.WACHT_OP_MELDER, Status.IN_BEHANDELING,
        Status.BEANTWOORD, Status.AFGESLOTEN,
    ]  # fmt: skip
    assert_accessible(page)
    assert errors == []


def test_a_klacht_and_a_suggestie_are_answered_and_a_compliment_is_passed_on_and_closed(
    page, live_site, handler, screenshot, assert_accessible
):
    errors = watch_errors(page)
    klacht = new_report(kind=Kind.KLACHT, description="Niemand herstelt de put, al drie weken.")
    suggestie = new_report("idee-publieke-ruimte", kind=Kind.SUGGESTIE, point=None, description="Meer banken.")
    compliment = new_report(
        "compliment-openbaar-domein", kind=Kind.COMPLIMENT, point=None, description="Het plein is prachtig."
    )
    log_in(page, live_site, handler)

    open_report(page, klacht)
    quick_step(page, Status.ONTVANGEN)
    text_step(page, Status.BEANTWOORD, "Excuses voor de wachttijd: de put is intussen hersteld.")
    screenshot(page, "klacht-answered")

    open_report(page, suggestie)
    text_step(page, Status.BEANTWOORD, "Bedankt: we nemen uw idee mee in de heraanleg van het plein.")
    assert page.locator("[data-email='answer']").count() == 1

    page.goto("/behandeling/complimenten/")
    assert page.locator(f".bo-card[data-reference='{compliment.reference}']").is_visible()
    assert_accessible(page)
    page.click(f".bo-card[data-reference='{compliment.reference}'] a")
    assert page.locator("#action-merge").count() == 0  # a compliment is not merged
    # Public works got it by e-mail as it came in (passed on at once); the handler closes it once read.
    assert status_of(page) == Status.DOORGEGEVEN
    assert page.locator("[data-email='compliment_forward']").count() == 1
    quick_step(page, Status.AFGESLOTEN)
    screenshot(page, "compliment-closed")
    assert_accessible(page)
    assert errors == []


def test_merge_reassign_and_a_colleagues_change_from_the_report_page(
    page, live_site, handler, new_page, screenshot, assert_accessible
):
    errors = watch_errors(page)
    first = new_report(description="Put in de stoep.", reporter_email="eerste@example.org")
    duplicate = new_report(metres=15, description="Gat in het voetpad, zelfde plek.")
    elsewhere = new_report("voetpad-beschadigd", metres=300, description="Eigenlijk een boomwortel.")
    log_in(page, live_site, handler)

    # Merge the duplicate into the first report, chosen among the possible duplicates.
    open_report(page, duplicate)
    assert page.locator(f"[data-duplicate='{first.reference}']").is_visible()
    page.locator("#action-merge summary").click()
    page.select_option("#merge-into", first.reference)
    screenshot(page, "merge-form")
    with page.expect_navigation():
        page.click("#action-merge button[type='submit']")
    assert status_of(page) == Status.SAMENGEVOEGD
    assert page.locator("[data-merged-into] a").inner_text() == first.reference

    # Reassign a report that belongs to the green service: it leaves this handler's queue.
    open_report(page, elsewhere)
    page.locator("#action-reassign summary").click()
    page.select_option("#reassign-department", "groendienst")
    page.fill("#reassign-reason", "Het voetpad is opgeduwd door een boomwortel: voor de groendienst.")
    with page.expect_navigation():
        page.click("#action-reassign button[type='submit']")
    assert page.url.endswith("/behandeling/")
    assert page.locator(".bo-message--success").is_visible()
    assert page.locator(f"tr[data-reference='{elsewhere.reference}']").count() == 0
    assert Report.objects.get(pk=elsewhere.pk).department.slug == "groendienst"

    # Two handlers at once: a colleague answers while Els is typing; her text is kept and she is told why.
    colleague = staff_user(HANDLER, departments=[first.department], username="piet")
    open_report(page, first)
    page.locator("#action-transitionwacht_op_melder summary").click()
    page.fill("#wacht_op_melder-note", "Heeft u een foto van de put?")
    other = new_page()
    log_in(other, live_site, colleague)
    open_report(other, first)
    quick_step(other, Status.ONTVANGEN)
    with page.expect_navigation():
        page.click("#action-transitionwacht_op_melder button[type='submit']")
    assert page.locator("[data-conflict]").is_visible()
    assert status_of(page) == Status.ONTVANGEN  # the fresh state
    assert page.input_value("#wacht_op_melder-note") == "Heeft u een foto van de put?"
    screenshot(page, "conflict")
    assert_accessible(page)
    with page.expect_navigation():  # sent again, now on the current version
        page.click("#action-transitionwacht_op_melder button[type='submit']")
    assert status_of(page) == Status.WACHT_OP_MELDER
    assert errors == []


# --- The coordinator and the ombudsdienst -----------------------------------------------------------------


def test_the_coordinator_routes_an_unroutable_report_and_the_ombudsdienst_reads_a_case(
    page, live_site, handler, new_page, screenshot, assert_accessible
):
    errors = watch_errors(page)
    stray_category = Category.objects.create(
        slug="zonder-dienst", name_nl="Zonder dienst", name_en="No department", kinds=[Kind.MELDING], department=None
    )
    stray = new_report(stray_category.slug, description="Iets waar geen regel voor bestaat.")
    unhappy = new_report(description="De put is niet goed hersteld.")
    report_answer(report=unhappy, by=handler, text="De put is gevuld.")
    report_survey_answer(
        token=SatisfactionSurvey.objects.get(report=unhappy).token, score=1, comment="Slecht hersteld."
    )

    log_in(page, live_site, staff_user(COORDINATOR, username="coordinator"))
    page.goto("/behandeling/niet-routeerbaar/")
    assert page.locator("tbody tr[data-reference]").evaluate_all("rs => rs.map(r => r.dataset.reference)") == [
        stray.reference
    ]
    screenshot(page, "unroutable")
    assert_accessible(page)
    page.click(f"tr[data-reference='{stray.reference}'] a")
    page.locator("#action-reassign summary").click()
    page.select_option("#reassign-department", "openbare-werken")
    page.fill("#reassign-reason", "Schade aan de openbare weg.")
    with page.expect_navigation():
        page.click("#action-reassign button[type='submit']")
    assert page.locator("[data-department]").get_attribute("data-department") == "openbare-werken"

    ombudsman = new_page(**MOBILE)
    log_in(ombudsman, live_site, staff_user(OMBUDSMAN, username="ombudsdienst"))
    ombudsman.goto("/behandeling/")
    assert ombudsman.url.endswith("/behandeling/ombudsdienst/")
    assert_no_horizontal_scroll(ombudsman)
    screenshot(ombudsman, "ombudsman-cases-360")
    assert_accessible(ombudsman)
    ombudsman.click(f"tr[data-reference='{unhappy.reference}'] a")
    assert ombudsman.locator("[data-readonly]").is_visible()
    assert ombudsman.locator("form[action*='/meldingen/']").count() == 0
    assert "jan.melder@example.org" not in ombudsman.content()
    assert ombudsman.locator(".bo-history li[data-event='ombudsman']").count() == 1
    screenshot(ombudsman, "ombudsman-case-360")
    assert_accessible(ombudsman)
    assert errors == []
