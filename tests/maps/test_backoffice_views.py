"""The back office's pages without a browser: who may open what, what each role sees, filters, query counts."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from geo_meldpunt.reports import workflow
from geo_meldpunt.reports.models import Kind, Report, Status
from geo_meldpunt.reports.services import report_survey_answer, report_transition
from geo_meldpunt.staff.groups import COORDINATOR, FIELD_STAFF, HANDLER, OMBUDSMAN, PLANNER
from geo_meldpunt.zones.models import Zone
from maps.views.backoffice.steps import STEPS
from tests.factories import WAPENPLEIN, CategoryFactory, DepartmentFactory, ReportFactory, point_at, project
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db

QUEUE = "/behandeling/"
REPORTER = {
    "reporter_name": "Mevrouw Geheim",
    "reporter_email": "geheim@example.org",
    "reporter_phone": "0470 12 34 56",
}


def detail_url(report: Report) -> str:
    return f"/behandeling/meldingen/{report.reference}/"


def json_script(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no json_script #{element_id} in the page"
    return json.loads(match.group(1))


def queue_references(html: str) -> list[str]:
    return re.findall(r'<tr data-reference="([^"]+)"', html)


def assert_no_personal_data(html: str) -> None:
    for value in REPORTER.values():
        assert value not in html


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def other_department():
    return DepartmentFactory()


@pytest.fixture
def category(department):
    return CategoryFactory(department=department)


@pytest.fixture
def handler(department):
    return staff_user(HANDLER, departments=[department])


@pytest.fixture
def report(category):
    return ReportFactory(category=category, **REPORTER)


@pytest.fixture
def other_report(other_department):
    return ReportFactory(category=CategoryFactory(department=other_department), **REPORTER)


def logged_in(client, user):
    client.force_login(user)
    return client


# --- Logging in --------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client, report):
    for url in (QUEUE, detail_url(report), "/behandeling/ombudsdienst/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/behandeling/login/?next=")


def test_the_login_page_has_labelled_fields_and_logs_a_handler_in_to_the_queue(client, handler):
    handler.set_password("geheim-wachtwoord")
    handler.save()
    html = client.get("/behandeling/login/").content.decode()
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    assert 'autocomplete="current-password"' in html
    assert '<a class="site-name" href="/">Meldpunt Oostende</a>' in html  # not the host name LoginView offers

    refused = client.post("/behandeling/login/", {"username": handler.username, "password": "fout"})
    assert refused.status_code == 200
    assert 'role="alert"' in refused.content.decode()

    response = client.post("/behandeling/login/", {"username": handler.username, "password": "geheim-wachtwoord"})
    assert response.status_code == 302 and response["Location"] == QUEUE
    assert client.get(QUEUE).status_code == 200


def test_logging_out_is_a_post_that_returns_to_the_login_page(client, handler):
    logged_in(client, handler)
    response = client.post("/behandeling/logout/")
    assert response.status_code == 302 and response["Location"] == "/behandeling/login/"
    assert client.get(QUEUE).status_code == 302


def test_a_user_without_a_meldpunt_role_gets_the_403_page(client):
    user = staff_user()
    response = logged_in(client, user).get(QUEUE)
    assert response.status_code == 403
    assert "data-forbidden" in response.content.decode()


# --- Who sees which report -----------------------------------------------------------------------------------


def test_a_handler_sees_its_departments_reports_only(client, handler, report, other_report):
    html = logged_in(client, handler).get(QUEUE).content.decode()

    assert queue_references(html) == [report.reference]
    assert_no_personal_data(html)  # the queue never lists personal data


def test_a_handler_cannot_open_another_departments_report(client, handler, other_report):
    response = logged_in(client, handler).get(detail_url(other_report))

    assert response.status_code == 403
    assert_no_personal_data(response.content.decode())
    assert other_report.description not in response.content.decode()


def test_an_unknown_reference_is_404(client, handler):
    assert logged_in(client, handler).get("/behandeling/meldingen/OST-1999-000001/").status_code == 404


@pytest.mark.parametrize("action", ["", "status/", "notitie/"])
def test_a_nul_in_the_reference_is_404_not_a_crash(client, action):
    session = logged_in(client, staff_user(COORDINATOR))
    url = f"/behandeling/meldingen/OST%00/{action}"
    response = session.post(url, {"version": "1", "text": "x"}) if action else session.get(url)
    assert response.status_code == 404


def test_a_handler_sees_the_reporters_details_and_every_action_of_its_report(client, handler, report):
    html = logged_in(client, handler).get(detail_url(report)).content.decode()

    for value in REPORTER.values():
        assert value in html
    assert "data-personal" in html
    for action in ("status", "herverdelen", "samenvoegen", "notitie"):
        assert f'action="/behandeling/meldingen/{report.reference}/{action}/"' in html
    # Every form carries the version the handler sees.
    assert html.count(f'name="version" value="{report.version}"') >= 5
    # Coordinator-only steps are not offered to a handler.
    assert 'name="to" value="niet_ontvankelijk"' not in html


def test_the_coordinator_sees_every_report_and_the_department_filter(client, report, other_report):
    html = logged_in(client, staff_user(COORDINATOR)).get(QUEUE).content.decode()

    assert set(queue_references(html)) >= {report.reference, other_report.reference}
    assert 'name="department"' in html
    assert (
        'name="to" value="niet_ontvankelijk"'
        in logged_in(client, staff_user(COORDINATOR)).get(detail_url(report)).content.decode()
    )


def test_field_staff_see_what_they_entered_with_its_personal_data_but_cannot_act(client, category):
    warden = staff_user(FIELD_STAFF)
    own = ReportFactory(category=category, created_by=warden, channel="field", **REPORTER)
    someone_elses = ReportFactory(category=category)
    logged_in(client, warden)

    assert queue_references(client.get(QUEUE).content.decode()) == [own.reference]
    html = client.get(detail_url(own)).content.decode()
    assert REPORTER["reporter_email"] in html
    assert "data-readonly" in html and "/status/" not in html
    assert client.get(detail_url(someone_elses)).status_code == 403


def test_the_planner_has_no_queue_and_no_report(client, report):
    planner = staff_user(PLANNER)
    logged_in(client, planner)

    response = client.get(QUEUE)
    assert response.status_code == 302 and response["Location"] == "/inzicht/"
    old_page = client.get("/behandeling/statistieken/")  # the former placeholder: old bookmarks lead on
    assert old_page.status_code == 301 and old_page["Location"] == "/inzicht/"
    html = client.get("/inzicht/").content.decode()
    assert "figure-per-kind" in html and report.reference not in html
    assert client.get(detail_url(report)).status_code == 403
    assert client.get("/behandeling/niet-routeerbaar/").status_code == 403
    assert client.get("/behandeling/ombudsdienst/").status_code == 403


@pytest.fixture
def dissatisfied(category, handler):
    """A report answered, rated 1 by its reporter: referred to the ombudsdienst (and closed by the survey)."""
    report = ReportFactory(category=category, **REPORTER)
    report_transition(report=report, to=Status.BEANTWOORD, by=handler, note="De put is gevuld.")
    survey = report.surveys.get()
    report_survey_answer(token=survey.token, score=1, comment="Niets veranderd.")
    return Report.objects.get(pk=report.pk)


def test_the_ombudsdienst_reads_its_cases_and_their_history_without_personal_data_or_actions(
    client, dissatisfied, report
):
    ombudsman = staff_user(OMBUDSMAN)
    logged_in(client, ombudsman)

    assert client.get(QUEUE)["Location"] == "/behandeling/ombudsdienst/"
    cases = client.get("/behandeling/ombudsdienst/").content.decode()
    assert re.findall(r'<tr data-reference="([^"]+)"', cases) == [dissatisfied.reference]
    assert "Niets veranderd." in cases
    assert_no_personal_data(cases)

    response = client.get(detail_url(dissatisfied))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-event="ombudsman"' in html and 'data-event="answer"' in html
    assert "De put is gevuld." in html
    assert "data-readonly" in html and "data-personal-hidden" in html
    assert_no_personal_data(html)
    # No action form at all: the only POST form is the menu's log-out button.
    assert re.findall(r'<form[^>]*method="post"[^>]*action="([^"]+)"', html) == ["/behandeling/logout/"]
    # A report that was not referred stays closed to the ombudsdienst.
    assert client.get(detail_url(report)).status_code == 403


def test_the_ombudsdienst_cannot_act_even_by_posting(client, dissatisfied):
    logged_in(client, staff_user(OMBUDSMAN))
    response = client.post(
        f"{detail_url(dissatisfied)}status/",
        {"to": Status.HEROPEND, "version": dissatisfied.version, "note": "Opnieuw bekijken."},
    )
    assert response.status_code == 403
    assert Report.objects.get(pk=dissatisfied.pk).status == Status.AFGESLOTEN


# --- The queue -----------------------------------------------------------------------------------------------


def test_the_queue_is_sorted_by_deadline_and_flags_overdue_and_due_soon_in_words(client, handler, category):
    today = timezone.localdate()
    late = ReportFactory(category=category)
    soon = ReportFactory(category=category)
    later = ReportFactory(category=category)
    Report.objects.filter(pk=late.pk).update(acknowledge_due=today - dt.timedelta(days=3))
    Report.objects.filter(pk=soon.pk).update(acknowledge_due=today)
    Report.objects.filter(pk=later.pk).update(acknowledge_due=today + dt.timedelta(days=30))

    html = logged_in(client, handler).get(QUEUE).content.decode()

    assert queue_references(html) == [late.reference, soon.reference, later.reference]
    rows = {m.group(1): m.group(0) for m in re.finditer(r'<tr data-reference="([^"]+)".*?</tr>', html, re.S)}
    assert 'data-flag="overdue"' in rows[late.reference] and 'class="is-overdue"' in rows[late.reference]
    assert 'data-flag="due-soon"' in rows[soon.reference]
    assert "data-flag" not in rows[later.reference]


def test_the_queue_filters_by_status_kind_category_zone_and_deadline(client, handler, category, department):
    today = timezone.localdate()
    child = CategoryFactory(department=department, parent=category)
    centre = point_at(*WAPENPLEIN)
    melding = ReportFactory(category=category, point=centre)
    klacht = ReportFactory(category=child, kind=Kind.KLACHT, point=project(centre, metres=30))
    in_zandvoorde = ReportFactory(category=category, point=point_at(2.962, 51.201))
    answered = ReportFactory(category=category, status=Status.BEANTWOORD)
    Report.objects.filter(pk=klacht.pk).update(answer_due=today - dt.timedelta(days=1))
    logged_in(client, handler)

    def refs(**params) -> set[str]:
        return set(queue_references(client.get(QUEUE, params).content.decode()))

    assert refs() == {melding.reference, klacht.reference, in_zandvoorde.reference}  # open by default
    assert refs(status="all") == {melding.reference, klacht.reference, in_zandvoorde.reference, answered.reference}
    assert refs(status=Status.BEANTWOORD) == {answered.reference}
    assert refs(kind=Kind.KLACHT) == {klacht.reference}
    assert refs(category=child.slug) == {klacht.reference}
    assert refs(category=category.slug) == {melding.reference, klacht.reference, in_zandvoorde.reference}
    centrum = Zone.objects.get(slug="centrum")
    assert refs(zone=centrum.slug) == {melding.reference, klacht.reference}
    assert refs(zone="deelgemeente-zandvoorde") == {in_zandvoorde.reference}
    assert refs(deadline="overdue") == {klacht.reference}
    # A value that is not offered (an old bookmark) is ignored rather than refused.
    assert refs(status="bestaat-niet", zone="nergens") == {melding.reference, klacht.reference, in_zandvoorde.reference}


def test_the_queue_map_has_a_marker_per_row_from_the_pages_own_data(client, handler, report):
    html = logged_in(client, handler).get(QUEUE).content.decode()

    markers = json_script(html, "bo-map-data")["markers"]
    assert [m["reference"] for m in markers] == [report.reference]
    assert markers[0]["url"] == detail_url(report)
    assert json_script(html, "map-config")["layer"] == "none"
    assert "maps/js/basemap.js" in html and "maps/js/backoffice-map.js" in html


def test_the_queue_is_paginated_by_50(client, handler, category):
    for _ in range(55):
        ReportFactory(category=category)
    logged_in(client, handler)

    first = client.get(QUEUE).content.decode()
    second = client.get(QUEUE, {"page": 2}).content.decode()
    assert len(queue_references(first)) == 50
    assert len(queue_references(second)) == 5
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert 'data-count="55"' in first


def _bulk_reports(category, count: int) -> None:
    """`count` reports of `category` with places, statuses and deadlines that vary (copies of one made by the
    service: a queue page's cost must not depend on how its rows came about)."""
    template = ReportFactory(category=category)
    today = timezone.localdate()
    statuses = [Status.NIEUW, Status.ONTVANGEN, Status.IN_BEHANDELING, Status.WACHT_OP_MELDER]
    copies = []
    for n in range(count - 1):
        copy = Report.objects.get(pk=template.pk)
        copy.pk = None
        copy.reference = f"{template.reference}-{n}"
        copy.tracking_token = f"token-{template.pk}-{n}"
        copy.status = statuses[n % len(statuses)]
        copy.answer_due = today + dt.timedelta(days=n - 5)
        copies.append(copy)
    Report.objects.bulk_create(copies)


@pytest.mark.parametrize("user_role", [HANDLER, COORDINATOR])
def test_a_queue_page_costs_the_same_queries_for_10_and_60_reports(
    client, category, department, django_assert_num_queries, user_role
):
    user = staff_user(user_role, departments=[department] if user_role == HANDLER else [])
    _bulk_reports(category, 10)
    logged_in(client, user)
    with CaptureQueriesContext(connection) as ten:
        assert len(queue_references(client.get(QUEUE).content.decode())) == 10

    _bulk_reports(category, 50)
    with django_assert_num_queries(len(ten)):
        assert len(queue_references(client.get(QUEUE).content.decode())) == 50
    # What those queries are: session, user, roles (and departments), the filter's choices, then the page's
    # count and rows: one query each, whatever the number of reports.
    report_queries = [q["sql"] for q in ten.captured_queries if 'FROM "reports_report"' in q["sql"]]
    assert len(report_queries) == 2, report_queries


def test_the_coordinator_has_the_unroutable_reports_and_a_handler_does_not(client, handler, report):
    unroutable_category = CategoryFactory(department=None)
    stray = ReportFactory(category=unroutable_category)
    assert stray.department.is_coordinator and stray.routing_rule is None

    html = logged_in(client, staff_user(COORDINATOR)).get("/behandeling/niet-routeerbaar/").content.decode()
    assert queue_references(html) == [stray.reference]
    assert logged_in(client, handler).get("/behandeling/niet-routeerbaar/").status_code == 403


def test_compliments_are_listed_for_the_department(client, handler, department):
    compliments = CategoryFactory(department=department, kinds=[Kind.COMPLIMENT])
    compliment = ReportFactory(category=compliments, kind=Kind.COMPLIMENT, description="Wat een mooi plein!")
    ReportFactory(category=CategoryFactory(kinds=[Kind.COMPLIMENT]), kind=Kind.COMPLIMENT, description="Elders.")

    html = logged_in(client, handler).get("/behandeling/complimenten/").content.decode()

    assert re.findall(r'<li class="bo-card" data-reference="([^"]+)"', html) == [compliment.reference]
    assert "Wat een mooi plein!" in html and "Elders." not in html


def test_a_compliment_shows_the_staff_member_it_names_in_the_list_and_on_its_page(client, handler, department):
    compliment = ReportFactory(
        category=CategoryFactory(kinds=[Kind.COMPLIMENT]),
        kind=Kind.COMPLIMENT,
        point=None,
        compliment_department=department,
        compliment_staff_member="Mieke van het loket",
    )
    assert compliment.department == department  # named by the reporter, whatever the category's department
    client = logged_in(client, handler)

    listed = client.get("/behandeling/complimenten/").content.decode()
    page = client.get(f"/behandeling/meldingen/{compliment.reference}/").content.decode()

    assert re.search(r"<p data-staff-member>[^<]*Mieke van het loket", listed)
    assert re.search(r"<dd data-staff-member>Mieke van het loket</dd>", page)


# --- A report's page -----------------------------------------------------------------------------------------


def test_the_report_page_lists_every_email_sent_its_history_and_possible_duplicates(client, handler, report, category):
    neighbour = ReportFactory(category=category, point=project(report.point, metres=40))
    # The duplicate rule of the public form (same category, the category's radius) applies here too.
    other_category = ReportFactory(category=CategoryFactory(department=category.department), point=neighbour.point)
    too_far = ReportFactory(category=category, point=project(report.point, metres=category.duplicate_radius_m + 10))
    html = logged_in(client, handler).get(detail_url(report)).content.decode()

    assert 'data-email="acknowledgement"' in html
    assert REPORTER["reporter_email"] in html  # the handler may see whom it went to
    assert 'data-event="created"' in html
    assert f'data-duplicate="{neighbour.reference}"' in html
    assert other_category.reference not in html and too_far.reference not in html
    data = json_script(html, "bo-map-data")
    assert data["center"] == [report.point.y, report.point.x]
    assert [m["reference"] for m in data["markers"]] == [neighbour.reference]


def test_the_forward_form_offers_external_bodies_and_answer_templates_are_offered(client, handler, report, department):
    from geo_meldpunt.reports.models import AnswerTemplate

    AnswerTemplate.objects.create(department=department, title="Hersteld", body="Het probleem is opgelost.")
    AnswerTemplate.objects.create(department=None, title="Algemeen", body="Bedankt voor uw melding.")
    AnswerTemplate.objects.create(department=DepartmentFactory(), title="Andere dienst", body="Niet voor ons.")
    html = logged_in(client, handler).get(detail_url(report)).content.decode()

    assert '<option value="fluvius">' in html  # an external body from the reference data
    templates = json_script(html, "bo-answer-templates")
    assert sorted(templates.values()) == ["Bedankt voor uw melding.", "Het probleem is opgelost."]


def test_every_step_whose_text_the_workflow_requires_asks_for_it():
    for status in workflow.NOTE_REQUIRED:
        assert STEPS[status].note_required, status
    assert all(STEPS[s].department for s in workflow.EXTERNAL_DEPARTMENT_REQUIRED)
    assert Status.SAMENGEVOEGD not in STEPS  # merging has its own form


def test_pages_are_dutch_by_default(client, handler, report):
    html = logged_in(client, handler).get(detail_url(report)).content.decode()
    assert '<html lang="nl">' in html
