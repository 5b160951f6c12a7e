"""A reporter's request, handled by the coordinator with a management command: an export of their data (JSON) and
the erasure of it, each recorded (who, what, when) without the data; the history is never edited."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict

from geo_meldpunt.notifications.models import OutgoingEmail
from geo_meldpunt.privacy.models import PrivacyRecord
from geo_meldpunt.reports.models import Follower
from geo_meldpunt.staff.groups import COORDINATOR
from tests.factories import ReportFactory
from tests.privacy.helpers import closed_report, contact, history
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db

AN = "an.peeters@example.org"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_an_export_holds_the_reporters_reports_follows_surveys_and_emails_and_is_recorded():
    coordinator = staff_user(COORDINATOR, username="coordinator")
    own = closed_report(days_ago=10, email=AN)
    followed = ReportFactory(reporter_email="iemand@example.org")
    Follower.objects.create(report=followed, email=AN)
    other = closed_report(days_ago=10, email="bert@example.org")

    data = json.loads(
        run("reporter_export", "--email", "An.Peeters@Example.org", "--by", "coordinator", "--reason", "V-12")
    )

    assert [r["reference"] for r in data["reports"]] == [own.reference]
    exported = data["reports"][0]
    assert (exported["reporter_name"], exported["reporter_phone"]) == ("An Peeters", "0470 12 34 56")
    assert exported["description"] == own.description
    assert any(event["event"] == "created" for event in exported["history"])
    assert [f["reference"] for f in data["following"]] == [followed.reference]
    assert [(s["reference"], s["score"], s["comment"]) for s in data["surveys"]] == [
        (own.reference, 4, "Snel opgelost, dank u.")
    ]
    assert {m["subject"] for m in data["emails"]} >= {f"Uw melding {own.reference}"}
    assert other.reference not in json.dumps(data)
    record = PrivacyRecord.objects.get()
    assert (record.action, record.via, record.actor, record.reason) == ("export", "command", coordinator, "V-12")
    assert record.references == sorted([own.reference, followed.reference])
    assert "example.org" not in json.dumps(model_to_dict(record), default=str)


def test_an_erasure_is_a_dry_run_until_committed():
    report = closed_report(days_ago=10, email=AN)

    output = run("reporter_erase", "--email", AN)

    assert "reports: 1" in output and "--commit" in output
    assert contact(report) == ("An Peeters", AN, "0470 12 34 56")
    assert not PrivacyRecord.objects.exists()


def test_an_erasure_clears_that_reporters_data_everywhere_and_nobody_elses():
    staff_user(COORDINATOR, username="coordinator")
    own = closed_report(days_ago=10, email=AN)
    still_open = closed_report(days_ago=None, email=AN)
    followed = closed_report(days_ago=None, email="bert@example.org")
    Follower.objects.create(report=followed, email=AN)
    queued = OutgoingEmail.objects.create(
        report=still_open, template_key="waiting_for_reporter", to=AN, language="nl", subject="s", body="Beste An"
    )
    histories = {r.pk: history(r) for r in (own, still_open, followed)}

    output = run("reporter_erase", "--email", AN.upper(), "--commit", "--by", "coordinator", "--reason", "V-13")

    assert "reports 2" in output
    assert contact(own) == contact(still_open) == ("", "", "")
    assert contact(followed) == ("An Peeters", "bert@example.org", "0470 12 34 56")  # Bert's own data stays
    assert list(followed.followers.values_list("email", flat=True)) == ["buur@example.org"]
    assert not OutgoingEmail.objects.filter(to__iexact=AN).exists()
    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.FAILED  # cancelled: never sent to an erased address
    assert {r.pk: history(r) for r in (own, still_open, followed)} == histories
    record = PrivacyRecord.objects.get()
    assert (record.action, record.actor.username, record.reason) == ("erase", "coordinator", "V-13")
    assert record.references == sorted([own.reference, still_open.reference, followed.reference])
    assert (record.reports, record.followers) == (2, 1)
    assert "example.org" not in json.dumps(model_to_dict(record), default=str)


def test_a_request_without_an_email_address_is_refused():
    with pytest.raises(CommandError, match="not an e-mail address"):
        run("reporter_erase", "--email", "An Peeters", "--commit")
