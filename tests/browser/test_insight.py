"""The insight pages in Chromium: a planner reads the dashboard, narrows it with the filters, downloads a figure
as CSV; the coordinator opens the yearly report and prints it to PDF. Screenshots of each, axe-core clean.

Reports are made through the services now, then some are moved back a month or a year with an update of
created_at (the figures are what is tested here, not how a report got its date: tests/stats do that).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from geo_meldpunt.reports.models import Category, Kind, Report
from geo_meldpunt.reports.services import report_answer, report_survey_answer
from geo_meldpunt.staff.groups import COORDINATOR, PLANNER
from tests.factories import WAPENPLEIN, ReportFactory, point_at, project
from tests.staff.helpers import staff_user

from .test_backoffice import log_in

SECRET = "Mevrouw Vertrouwelijk"


@pytest.fixture
def reports(live_site):
    coordinator_user = staff_user(COORDINATOR)
    made = []
    for n, (slug, kind) in enumerate(
        [
            ("wegdek-put", Kind.MELDING),
            ("wegdek-put", Kind.MELDING),
            ("zwerfvuil", Kind.MELDING),
            ("sluikstort", Kind.MELDING),
            ("lamp-defect", Kind.MELDING),
            ("boom", Kind.SUGGESTIE),
            ("zwerfvuil", Kind.KLACHT),
        ]
    ):
        made.append(
            ReportFactory(
                category=Category.objects.get(slug=slug),
                kind=kind,
                point=project(point_at(*WAPENPLEIN), metres=150 * n, azimuth_deg=40 * n),
                reporter_name=SECRET,
                reporter_email="vertrouwelijk@example.org",
                description="Vlak voor de deur van " + SECRET,
            )
        )
    answered = report_answer(report=made[0], by=coordinator_user, text="Hersteld.")
    report_survey_answer(token=answered.surveys.get().token, score=4)
    answered = report_answer(report=made[2], by=coordinator_user, text="Opgeruimd.")
    report_survey_answer(token=answered.surveys.get().token, score=1)
    # Two of them a month earlier: the previous period has something to show.
    month_ago = timezone.now() - dt.timedelta(days=31)
    Report.objects.filter(pk__in=[made[5].pk, made[6].pk]).update(created_at=month_ago)
    return made


def test_a_planner_reads_filters_and_downloads_the_dashboard(page, live_site, reports, screenshot, assert_accessible):
    log_in(page, live_site, staff_user(PLANNER))
    page.goto("/behandeling/")  # a planner has no queue: the back office leads to the insight pages
    assert page.url.endswith("/inzicht/")

    assert page.locator("[data-headline='1'] .headline__value").inner_text() == "5"
    kinds = page.locator("#figure-per-kind table")
    assert kinds.locator("tfoot td").first.inner_text() == "5"
    assert (
        page.locator("#figure-per-kind svg rect.chart__current").count() == 3
    )  # melding; last month klacht, suggestie
    assert page.locator("#figure-satisfaction tbody tr").nth(0).locator("td").first.inner_text() == "1"
    html = page.content()
    assert SECRET not in html and reports[0].reference not in html
    screenshot(page, "dashboard")
    assert_accessible(page)

    # Filters combine: waste (the parent category) reported as a melding.
    page.select_option("#id_category", "netheid")
    page.select_option("#id_kind", "melding")
    page.locator(".insight-filters button[type=submit]").click()
    page.wait_for_url("**/inzicht/?*category=netheid*")
    assert page.locator("[data-headline='1'] .headline__value").inner_text() == "2"
    # Only the children of "netheid" that had meldingen: one each, so their order is not the point.
    assert sorted(page.locator("#figure-per-category tbody th").all_inner_texts()) == ["Sluikstort", "Zwerfvuil"]
    screenshot(page, "dashboard-filtered")

    with page.expect_download() as download_info:
        page.locator("#figure-per-category .figure__export a").click()
    content = download_info.value.path().read_text(encoding="utf-8")
    assert content.splitlines()[-1].startswith("Totaal,2,")

    with page.expect_download() as download_info:
        page.locator("a[href^='/inzicht/export/meldingen.csv']").click()
    listing = download_info.value.path().read_text(encoding="utf-8")
    assert len(listing.splitlines()) == 1 + 2 and SECRET not in listing


def test_the_dashboard_on_a_phone(new_page, live_site, reports, screenshot, assert_accessible):
    page = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    log_in(page, live_site, staff_user(PLANNER))
    page.goto("/inzicht/?period=year")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "dashboard-phone")
    assert_accessible(page)


def test_the_coordinator_prints_the_yearly_report(page, live_site, reports, screenshot, assert_accessible):
    log_in(page, live_site, staff_user(COORDINATOR))
    year = timezone.localdate().year
    page.goto(f"/inzicht/jaarverslag/{year}/")

    assert page.locator("h1").inner_text().endswith(str(year))
    assert page.locator("#figure-per-kind tfoot td").first.inner_text() == "7"
    assert page.locator("[data-hotspots]").count() == 0
    assert SECRET not in page.content()
    screenshot(page, "yearly")
    assert_accessible(page)

    page.emulate_media(media="print")
    assert not page.locator(".bo-nav").is_visible() and not page.locator(".site-header").is_visible()
    assert not page.locator(".figure__export a").first.is_visible()
    screenshot(page, "yearly-print")
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 4  # a part per page
