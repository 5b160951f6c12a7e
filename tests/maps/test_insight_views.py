"""The insight pages (/inzicht/): who may see them, that they show figures and never personal data, that every
figure downloads as CSV (streamed), and that a page costs the same number of queries whatever the data."""

from __future__ import annotations

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone

from geo_meldpunt.hotspots.models import Detection
from geo_meldpunt.hotspots.tasks import detect
from geo_meldpunt.reports.models import Kind, Status
from geo_meldpunt.reports.services import report_answer, report_survey_answer
from geo_meldpunt.staff.groups import ADMINISTRATOR, COORDINATOR, FIELD_STAFF, HANDLER, MANAGEMENT, PHONE_DESK, PLANNER
from geo_meldpunt.stats.report_list import COLUMNS
from tests.factories import CategoryFactory, DepartmentFactory, ReportFactory, ZoneFactory
from tests.hotspots.helpers import near, plant_recurring
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db

PERSONAL = {
    "reporter_name": "Mevrouw Geheim",
    "reporter_email": "geheim@example.org",
    "reporter_phone": "0470 12 34 56",
}
DESCRIPTION = "Gevaarlijke put voor het huis van Jan Janssens"
ADDRESS = "Geheimstraat 13, 8400 Oostende"
PAGES = ["/inzicht/", f"/inzicht/jaarverslag/{timezone.localdate().year}/", "/inzicht/export/per-kind.csv"]


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def category(department):
    return CategoryFactory(department=department)


@pytest.fixture
def reports(category):
    made = [ReportFactory(category=category, description=DESCRIPTION, address=ADDRESS, **PERSONAL) for _ in range(3)]
    made.append(ReportFactory(category=category, kind=Kind.KLACHT, description=DESCRIPTION, **PERSONAL))
    coordinator = staff_user(COORDINATOR)
    answered = report_answer(report=made[0], by=coordinator, text="Antwoord aan Mevrouw Geheim")
    report_survey_answer(token=answered.surveys.get().token, score=1, comment="Commentaar van Mevrouw Geheim")
    return made


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.parametrize("role", [PLANNER, MANAGEMENT, COORDINATOR, ADMINISTRATOR])
def test_planners_management_and_the_coordinator_see_the_insight_pages(client, reports, role):
    client.force_login(staff_user(role))
    for url in PAGES:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", [HANDLER, PHONE_DESK, FIELD_STAFF])
def test_other_roles_are_refused(client, reports, role, department):
    client.force_login(staff_user(role, departments=[department] if role == HANDLER else []))
    for url in [*PAGES, "/inzicht/export/meldingen.csv"]:
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_the_login(client):
    for url in [*PAGES, "/inzicht/export/meldingen.csv"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/behandeling/login/?next="), url


def test_the_menu_leads_planners_to_the_insight_pages(client):
    client.force_login(staff_user(PLANNER))
    html = client.get("/inzicht/").content.decode()
    assert 'href="/inzicht/" aria-current="page"' in html


def test_the_dashboard_shows_figures_and_no_personal_data(client, reports):
    client.force_login(staff_user(PLANNER))
    html = client.get("/inzicht/").content.decode()

    for figure in ("trend", "per-kind", "per-category", "per-department", "per-zone", "per-channel"):
        assert f'data-figure="{figure}"' in html
    for figure in ("timeliness-per-department", "timeliness-per-category", "backlog", "satisfaction"):
        assert f'data-figure="{figure}"' in html
    assert html.count("<svg") >= 8 and html.count("<table") >= 10
    for secret in [*PERSONAL.values(), DESCRIPTION, ADDRESS, "Commentaar", "Antwoord aan", reports[0].reference]:
        assert secret not in html


def test_filters_narrow_every_figure(client, reports, category):
    other = CategoryFactory()
    ReportFactory(category=other)
    client.force_login(staff_user(PLANNER))
    everything = csv_rows(client.get("/inzicht/export/per-kind.csv"))
    narrowed = csv_rows(client.get(f"/inzicht/export/per-kind.csv?category={other.slug}&kind=melding"))
    assert everything[-1][:2] == ["Totaal", "5"]
    assert narrowed[1:] == [["Melding", "1", "0", "1"], ["Totaal", "1", "0", "1"]]


def test_a_figure_downloads_as_the_table_the_page_shows(client, reports):
    client.force_login(staff_user(PLANNER))
    response = client.get("/inzicht/export/timeliness-per-department.csv?period=year")

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:4] == ["Dienst", "Ontvangen", "Tijdig ontvangen gemeld", "Tijdig beantwoord"]
    total = rows[-1]
    assert total[0] == "Totaal" and total[1] == "4"
    assert client.get("/inzicht/export/no-such-figure.csv").status_code == 404


def test_the_report_list_streams_every_row_without_personal_data(client, reports, category):
    client.force_login(staff_user(PLANNER))
    response = client.get("/inzicht/export/meldingen.csv?period=all")

    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == list(COLUMNS)
    assert sorted(r[0] for r in rows[1:]) == sorted(r.reference for r in reports)
    for secret in [*PERSONAL.values(), DESCRIPTION, ADDRESS, "Geheim", "Commentaar", "Antwoord"]:
        assert secret not in body
    for report in reports:
        assert report.tracking_token not in body
    answered = next(dict(zip(COLUMNS, r, strict=True)) for r in rows[1:] if r[0] == reports[0].reference)
    assert answered["status"] == Status.AFGESLOTEN
    assert (answered["satisfaction"], answered["referred_to_ombudsman"]) == ("1", "true")
    assert answered["category"] == category.slug
    assert answered["created_at"].endswith(("+01:00", "+02:00"))  # local time, with its offset
    assert len(answered["longitude"].split(".")[1]) <= 4


def test_the_report_list_follows_the_filters(client, reports):
    other = ReportFactory(category=CategoryFactory())
    client.force_login(staff_user(PLANNER))
    rows = csv_rows(client.get(f"/inzicht/export/meldingen.csv?category={other.category.slug}"))
    assert [r[0] for r in rows[1:]] == [other.reference]


def test_the_yearly_report_has_its_sections_and_no_hotspot_section_without_hotspots(client, reports):
    client.force_login(staff_user(COORDINATOR))
    year = timezone.localdate().year
    assert "data-hotspots-preparing" in client.get(f"/inzicht/jaarverslag/{year}/").content.decode()
    [detection] = Detection.objects.all()
    detect(detection.pk)  # what the worker does
    response = client.get(f"/inzicht/jaarverslag/{year}/")
    html = response.content.decode()

    assert response.context["hotspots"] == []
    assert "data-hotspots" not in html
    for figure in ("per-kind", "per-channel", "per-department", "timeliness-per-department", "satisfaction"):
        assert f'data-figure="{figure}"' in html
    assert f"/inzicht/export/per-kind.csv?period=year&amp;on={year}-01-01" in html
    assert "data-ombudsman" in html
    for secret in [*PERSONAL.values(), DESCRIPTION, reports[0].reference]:
        assert secret not in html
    assert client.get(f"/inzicht/jaarverslag/{year + 1}/").status_code == 404
    assert client.get("/inzicht/jaarverslag/1999/").status_code == 404
    latest = client.get("/inzicht/jaarverslag/")
    assert latest.status_code == 302 and latest["Location"] == f"/inzicht/jaarverslag/{year - 1}/"


def _more_reports(n: int) -> None:
    for _ in range(n):
        department = DepartmentFactory()
        category = CategoryFactory(department=department)
        ZoneFactory()
        ReportFactory(category=category, **PERSONAL)


# Session, user, roles, the three lookups (categories, departments, zones), then one query per figure: counts,
# trend, timeliness, satisfaction and (the dashboard only) the open backlog, in one transaction without JIT
# (SAVEPOINT, SET LOCAL jit = off, RELEASE). The yearly report adds its kept hotspot detection, never a detection:
# the first time the row asked for (SAVEPOINT, SELECT, SAVEPOINT, INSERT, RELEASE, RELEASE), later the row, its
# categories and departments (5).
@pytest.mark.parametrize(
    ("url", "queries"), [("/inzicht/", 14), (f"/inzicht/jaarverslag/{timezone.localdate().year}/", 20)]
)
def test_a_page_costs_the_same_few_queries_whatever_the_data(
    client, reports, url, queries, django_assert_max_num_queries
):
    client.force_login(staff_user(PLANNER))
    with django_assert_max_num_queries(queries):
        assert client.get(url).status_code == 200
    _more_reports(6)
    with django_assert_max_num_queries(queries):
        assert client.get(url).status_code == 200


def test_the_report_list_export_is_one_query(client, reports, django_assert_max_num_queries):
    client.force_login(staff_user(PLANNER))
    _more_reports(4)
    with django_assert_max_num_queries(7):
        response = client.get("/inzicht/export/meldingen.csv?period=all")
        assert len(csv_rows(response)) == 1 + 8


def test_the_dashboard_speaks_the_chosen_language(client, reports, settings):
    client.force_login(staff_user(PLANNER))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get("/inzicht/").content.decode()
    assert "Signalements par type" in html and "Délais respectés par service" in html
    rows = csv_rows(client.get("/inzicht/export/per-kind.csv"))
    assert rows[-1][0] == "Total" and rows[0][0] == "Type"


def test_the_yearly_report_shows_the_years_recurring_hotspots_with_a_small_map(client):
    """Five months of litter at one spot in last year: the year's report lists it with its map and why."""
    year = timezone.localdate().year - 1
    litter = CategoryFactory(name_nl="Zwerfvuil")
    plant_recurring(litter, [(year, month) for month in (2, 4, 5, 7, 9)], per_month=2)
    plant_recurring(litter, [(year - 1, month) for month in (2, 4, 5, 7, 9)], per_month=2, origin=near(2000, 150))
    client.force_login(staff_user(COORDINATOR))

    first = client.get(f"/inzicht/jaarverslag/{year}/").content.decode()
    assert "data-hotspots-preparing" in first and "worden op de achtergrond voorbereid" in first
    assert 'class="hotspot-card"' not in first
    [detection] = Detection.objects.all()
    detect(detection.pk)  # what the worker does (tests/hotspots/test_worker_integration.py runs a real one)
    html = client.get(f"/inzicht/jaarverslag/{year}/").content.decode()

    section = html[html.index("data-hotspots") :]
    assert "Gevonden over het kalenderjaar; berekend op" in section
    assert section.count('class="hotspot-card"') == 1  # the earlier year's spot is not this year's
    assert "Zwerfvuil" in section
    assert "<svg" in section
    assert "10 meldingen" in section  # the why: ten reports of this year
