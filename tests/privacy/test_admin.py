"""The coordinator handles a reporter's request in the admin: what is held, an export as JSON, an erasure that
needs a confirmation; each recorded. Roles without the permission cannot."""

from __future__ import annotations

import json

import pytest

from geo_meldpunt.privacy.models import PrivacyRecord
from geo_meldpunt.staff.groups import COORDINATOR, HANDLER
from tests.privacy.helpers import closed_report, contact, history
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db

PAGE = "/admin/privacy/privacyrecord/verzoek/"
AN = "an.peeters@example.org"


@pytest.fixture
def coordinator(client):
    user = staff_user(COORDINATOR, username="coordinator")
    client.force_login(user)
    return user


def test_the_coordinator_sees_what_is_held_without_a_record(client, coordinator):
    closed_report(days_ago=5, email=AN)

    response = client.post(PAGE, {"email": AN, "action": "show"})

    assert response.status_code == 200
    assert response.context["held"]["reports"] == 1
    assert not PrivacyRecord.objects.exists()
    assert (
        'href="/admin/privacy/privacyrecord/verzoek/"' in client.get("/admin/privacy/privacyrecord/").content.decode()
    )


def test_the_coordinator_downloads_an_export(client, coordinator):
    report = closed_report(days_ago=5, email=AN)

    response = client.post(PAGE, {"email": AN, "reason": "V-7", "action": "export"})

    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["reports"][0]["reference"] == report.reference
    record = PrivacyRecord.objects.get()
    assert (record.action, record.via, record.actor, record.reason) == ("export", "admin", coordinator, "V-7")


def test_an_erasure_needs_the_confirmation_then_clears_and_records(client, coordinator):
    report = closed_report(days_ago=5, email=AN)
    before = history(report)

    unconfirmed = client.post(PAGE, {"email": AN, "action": "erase"})
    assert unconfirmed.status_code == 200 and "confirm" in unconfirmed.context["form"].errors
    assert contact(report) == ("An Peeters", AN, "0470 12 34 56")

    confirmed = client.post(PAGE, {"email": AN, "action": "erase", "confirm": "on"})

    assert confirmed.status_code == 302
    assert contact(report) == ("", "", "")
    assert history(report) == before
    assert PrivacyRecord.objects.get().action == "erase"


def test_a_handler_cannot_handle_a_request(client):
    client.force_login(staff_user(HANDLER))
    closed_report(days_ago=5, email=AN)

    response = client.post(PAGE, {"email": AN, "action": "erase", "confirm": "on"})

    assert response.status_code in (302, 403)  # the admin sends a non-member to its login, or refuses
    assert not PrivacyRecord.objects.exists()
