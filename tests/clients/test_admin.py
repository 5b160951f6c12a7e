"""The admin makes API keys (shown once, stored hashed), and revokes them; a revoked key stops working."""

import re

import pytest

from geo_meldpunt.clients.models import ApiKey, ClientApplication
from geo_meldpunt.clients.services import api_key_create, key_digest
from geo_meldpunt.reports.models import Report
from geo_meldpunt.staff.groups import ADMINISTRATOR, COORDINATOR
from geo_meldpunt.staff.services import roles_sync
from tests.factories import CategoryFactory
from tests.open311.conftest import BASE, form
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(staff_user(superuser=True))
    return client


def test_a_key_made_in_the_admin_is_shown_once_works_and_is_revoked(admin_client, client):
    application = ClientApplication.objects.create(name="Wijkplatform")
    category = CategoryFactory()

    page = admin_client.post(
        "/admin/clients/apikey/add/",
        {"application": application.pk, "label": "productie", "rate_limit_per_hour": 100},
        follow=True,
    )

    match = re.search(r"De nieuwe API-sleutel is ([A-Za-z0-9_-]{30,})\. Kopieer hem nu", page.content.decode())
    assert match, page.content.decode()[:2000]
    raw = match[1]
    key = ApiKey.objects.get()
    assert key.key_hash == key_digest(raw) and raw not in (key.prefix, key.key_hash) and raw.startswith(key.prefix)
    assert key.rate_limit_per_hour == 100
    assert raw not in admin_client.get(f"/admin/clients/apikey/{key.pk}/change/").content.decode()
    assert client.post(f"{BASE}/requests.json", form(category, raw)).status_code == 201

    admin_client.post("/admin/clients/apikey/", {"action": "revoke", "_selected_action": [key.pk]}, follow=True)

    key.refresh_from_db()
    assert key.revoked_at is not None
    assert client.post(f"{BASE}/requests.json", form(category, raw)).status_code == 403
    assert admin_client.get(f"/admin/clients/apikey/{key.pk}/delete/").status_code == 403


def test_the_administrator_manages_api_keys_and_the_coordinator_does_not(client):
    roles_sync()
    client.force_login(staff_user(ADMINISTRATOR))
    assert client.get("/admin/clients/apikey/add/").status_code == 200
    assert client.get("/admin/clients/clientapplication/").status_code == 200
    client.force_login(staff_user(COORDINATOR))
    assert client.get("/admin/clients/apikey/").status_code == 403


def test_a_report_shows_the_application_that_filed_it(admin_client, client):
    application = ClientApplication.objects.create(name="Wijkplatform")
    category = CategoryFactory()
    _key, raw = api_key_create(application=application)
    reference = client.post(f"{BASE}/requests.json", form(category, raw)).json()[0]["service_request_id"]
    report = Report.objects.get(reference=reference)

    page = admin_client.get(f"/admin/reports/report/{report.pk}/change/").content.decode()
    assert "Wijkplatform" in page
    assert 'name="client_application"' not in page  # shown, not editable
    listed = admin_client.get("/admin/reports/report/", {"client_application__id__exact": application.pk})
    assert reference in listed.content.decode()
