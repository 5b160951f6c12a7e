"""The old cards in Chromium: the coordinator uploads the example register in the admin, reads the dry run's
rejected rows and downloads them, imports the good rows, and finds an imported card in the back office with its
original reference. Elements are found by data attributes, names and URLs, not by their texts."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from geo_meldpunt.notifications.models import OutgoingEmail
from geo_meldpunt.reports.models import Channel, Report
from geo_meldpunt.staff.groups import COORDINATOR
from tests.browser.test_backoffice import log_in, watch_errors
from tests.staff.helpers import staff_user

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "legacy"
IMPORT = "/admin/legacy/importedreport/import/"


def upload(page, *, commit: bool) -> None:
    page.set_input_files("input[name='register']", str(FIXTURES / "signal-cards.example.csv"))
    page.set_input_files("input[name='mapping']", str(FIXTURES / "mapping.example.json"))
    if commit:
        page.check("input[name='commit']")
    with page.expect_navigation():
        page.click("#content-main form [type='submit']")


def test_the_coordinator_imports_the_old_cards_from_the_admin(page, live_site, screenshot, assert_accessible):
    log_in(page, live_site, staff_user(COORDINATOR))
    errors = watch_errors(page)

    page.goto("/admin/legacy/importedreport/")
    with page.expect_navigation():
        page.click(f"a[href='{IMPORT}']")
    upload(page, commit=False)

    rows = page.locator("[data-rejects] tbody tr")
    assert rows.count() == 6
    assert "Straatkatten" in rows.nth(0).inner_text()
    with page.expect_download() as download:
        page.click("[data-rejects-download]")
    assert download.value.suggested_filename == "signal-cards.example-rejects.csv"
    rejects = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Adres niet gevonden: “Onbestaandestraat 7”." in rejects
    screenshot(page, "dry-run")
    assert Report.objects.filter(channel=Channel.LEGACY).count() == 0

    upload(page, commit=True)
    screenshot(page, "imported")
    assert Report.objects.filter(channel=Channel.LEGACY).count() == 3
    assert OutgoingEmail.objects.count() == 0
    assert not page.is_checked("input[name='commit']")  # the next upload is a dry run again

    card = Report.objects.get(original_reference="K-2021-0001")
    page.goto(f"/behandeling/meldingen/{card.reference}/")
    assert page.locator("[data-original-reference]").inner_text().startswith("K-2021-0001")
    screenshot(page, "detail")
    assert_accessible(page)
    assert errors == []
