"""Contact data of closed reports is cleared after the retention period (default 365 days), with a record; the
reports and their history stay."""

from __future__ import annotations

import json

import pytest
from django.forms.models import model_to_dict

from geo_meldpunt.feedback.models import SatisfactionSurvey
from geo_meldpunt.notifications.models import OutgoingEmail
from geo_meldpunt.privacy.models import PrivacyRecord
from geo_meldpunt.privacy.services import contact_data_anonymise
from tests.privacy.helpers import closed_report, contact, history

pytestmark = pytest.mark.django_db

NOBODY = ("", "", "")


def test_a_report_closed_more_than_a_year_ago_loses_its_contact_data_and_keeps_its_history(client):
    old = closed_report(days_ago=366)
    recent = closed_report(days_ago=364, email="bert@example.org")
    still_open = closed_report(days_ago=None, email="carla@example.org")
    old_history = history(old)

    record = contact_data_anonymise()

    assert contact(old) == NOBODY
    assert not old.followers.exists()
    assert list(SatisfactionSurvey.objects.filter(report=old).values_list("email", "score", "comment")) == [
        ("", 4, "Snel opgelost, dank u.")
    ]
    assert set(OutgoingEmail.objects.filter(report=old).values_list("to", "body")) == {("", "")}
    assert history(old) == old_history
    # The case itself is still there for the reporter's tracking link and for the figures.
    page = client.get(f"/volg/{old.tracking_token}/")
    assert page.status_code == 200 and old.reference in page.content.decode()
    # Not yet a year, or not closed: untouched.
    assert contact(recent) == ("An Peeters", "bert@example.org", "0470 12 34 56")
    assert contact(still_open) == ("An Peeters", "carla@example.org", "0470 12 34 56")
    assert recent.followers.count() == still_open.followers.count() == 1
    # The record says what was done and when, by the scheduled job; none of the data itself.
    assert (record.action, record.via, record.actor) == (PrivacyRecord.Action.ANONYMISE, "schedule", None)
    assert (record.reports, record.followers, record.surveys) == (1, 1, 1)
    assert record.emails == OutgoingEmail.objects.filter(report=old).count()
    stored = json.dumps(model_to_dict(record), default=str)
    assert "example.org" not in stored and "Peeters" not in stored and "0470" not in stored


def test_the_retention_period_is_a_setting(settings):
    settings.PRIVACY_CONTACT_RETENTION_DAYS = 30
    report = closed_report(days_ago=31)

    contact_data_anonymise()

    assert contact(report) == NOBODY


def test_a_second_run_finds_nothing_more_to_clear():
    closed_report(days_ago=400)
    contact_data_anonymise()

    again = contact_data_anonymise()

    assert (again.reports, again.followers, again.surveys, again.emails) == (0, 0, 0, 0)
    assert PrivacyRecord.objects.count() == 2  # every run is recorded, also one that cleared nothing
