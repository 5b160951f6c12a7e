"""The daily digests: each department hears what is overdue, the coordinator hears the breaches; once a day."""

import datetime as dt

import pytest
from django.utils import timezone

from geo_meldpunt.notifications.digests import digests_queue
from geo_meldpunt.notifications.models import DigestRun, OutgoingEmail, TemplateKey
from geo_meldpunt.notifications.tasks import send_department_digests
from geo_meldpunt.reports import sla
from geo_meldpunt.reports.models import Report
from geo_meldpunt.zones.routing import coordinator
from tests.factories import DepartmentFactory
from tests.notifications.helpers import new_report

pytestmark = pytest.mark.django_db


def working_day() -> dt.date:
    today = timezone.localdate()
    return today if sla.is_working_day(today) else sla.add_working_days(today, 1)


def test_departments_get_their_overdue_reports_and_the_coordinator_the_breaches():
    today = working_day()
    roads = DepartmentFactory(email="wegen@example.org", name_nl="Wegendienst")
    late = new_report(department=roads)
    soon = new_report(department=roads)
    Report.objects.filter(pk=late.pk).update(answer_due=today - dt.timedelta(days=1))
    Report.objects.filter(pk=soon.pk).update(answer_due=today + dt.timedelta(days=1))
    OutgoingEmail.objects.all().delete()  # the acknowledgements

    queued = digests_queue(on=today)

    digest = next(e for e in queued if e.to == "wegen@example.org")
    assert digest.template_key == TemplateKey.DEPARTMENT_DIGEST and digest.language == "nl"
    assert "Wegendienst" in digest.subject
    overdue_part, _sep, near_part = digest.body.partition("Bijna over de termijn")
    assert late.reference in overdue_part and "1 dag te laat" in overdue_part
    assert soon.reference in near_part
    assert f"/admin/reports/report/{late.pk}/change/" in digest.body

    breaches = next(e for e in queued if e.template_key == TemplateKey.COORDINATOR_BREACHES)
    assert breaches.to == coordinator().email
    assert late.reference in breaches.body and soon.reference not in breaches.body
    assert DigestRun.objects.get(on=today).breaches == 1

    # A second run the same day (beat restarted) queues nothing new.
    assert send_department_digests.apply(kwargs={"on": today.isoformat()}).get() == len(queued)
    assert OutgoingEmail.objects.count() == len(queued)


def test_a_quiet_day_sends_no_digest_to_a_department_without_anything_due():
    quiet = DepartmentFactory(email="stil@example.org")
    new_report(department=quiet)  # due in weeks
    queued = digests_queue(on=working_day())
    assert all(e.to != "stil@example.org" for e in queued)


def test_no_digest_at_the_weekend_and_monday_reports_the_weekends_breaches():
    roads = DepartmentFactory(email="wegen@example.org")
    friday = dt.date(2026, 5, 8)
    late = new_report(department=roads)
    Report.objects.filter(pk=late.pk).update(answer_due=dt.date(2026, 5, 9))  # a Saturday
    digests_queue(on=friday)
    assert digests_queue(on=dt.date(2026, 5, 10)) == []  # Sunday
    monday = digests_queue(on=dt.date(2026, 5, 11))
    breaches = next(e for e in monday if e.template_key == TemplateKey.COORDINATOR_BREACHES)
    assert late.reference in breaches.body
