"""The same import from the admin: a coordinator uploads the register and its mapping, sees the dry run with the
rejected rows and their reasons, then imports; other roles do not see the page."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from geo_meldpunt.notifications.models import OutgoingEmail
from geo_meldpunt.reports.models import Channel, Report
from geo_meldpunt.staff.groups import COORDINATOR, HANDLER
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "legacy"
URL = "/admin/legacy/importedreport/import/"


def files(**extra):
    return {
        "register": SimpleUploadedFile("kaarten.csv", (FIXTURES / "signal-cards.example.csv").read_bytes()),
        "mapping": SimpleUploadedFile("mapping.json", (FIXTURES / "mapping.example.json").read_bytes()),
        **extra,
    }


@pytest.fixture
def coordinator_client(client):
    client.force_login(staff_user(COORDINATOR))
    return client


def test_a_dry_run_from_the_admin_shows_the_rejects_and_writes_nothing(coordinator_client):
    html = coordinator_client.post(URL, files()).content.decode()

    assert "Zou importeren: 3" in html
    assert "Onbekende categorie: “Straatkatten”." in html
    assert 'download="kaarten-rejects.csv"' in html
    encoded = html.split("data:text/csv;charset=utf-8;base64,")[1].split('"')[0]
    assert "Adres niet gevonden: “Onbestaandestraat 7”." in base64.b64decode(encoded).decode("utf-8-sig")
    assert "/tmp/" not in html  # the temporary folder is nobody's business
    assert Report.objects.filter(channel=Channel.LEGACY).count() == 0


def test_importing_from_the_admin_writes_the_good_rows_and_lists_them(coordinator_client):
    html = coordinator_client.post(URL, files(commit="on")).content.decode()

    assert "Geïmporteerd: 3" in html
    imported = Report.objects.filter(channel=Channel.LEGACY)
    assert imported.count() == 3
    assert "kaarten.csv" in imported.get(original_reference="K-2021-0002").events.get(public=False).note
    assert OutgoingEmail.objects.count() == 0
    listing = coordinator_client.get(reverse("admin:legacy_importedreport_changelist")).content.decode()
    assert "K-2021-0001" in listing and "K-2022-0004" not in listing
    assert f'href="{URL}"' in listing  # the list's button opens the upload


def test_a_mapping_with_mistakes_is_shown_on_the_page(coordinator_client):
    broken = SimpleUploadedFile("mapping.json", b'{"columns": {"original_reference": "Kaartnr"}}')

    html = coordinator_client.post(URL, files(mapping=broken)).content.decode()

    assert "data-import-error" in html and "category" in html
    assert Report.objects.filter(channel=Channel.LEGACY).count() == 0


def test_a_handler_may_not_import(client):
    client.force_login(staff_user(HANDLER))

    assert client.get(URL).status_code == 403
    assert client.post(URL, files(commit="on")).status_code == 403
    assert Report.objects.filter(channel=Channel.LEGACY).count() == 0
