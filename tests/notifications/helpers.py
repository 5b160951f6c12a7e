"""Shared helpers of the notifications and feedback tests: reports through the services, the outbox sent by hand.

Tests run the sending function (outbox.email_send) directly instead of a worker, so they need no broker; the
worker itself is exercised by test_worker_integration.py.
"""

from __future__ import annotations

from django.core import mail

from geo_meldpunt.notifications.models import OutgoingEmail
from geo_meldpunt.notifications.outbox import email_send
from geo_meldpunt.reports.models import Kind, Report
from geo_meldpunt.reports.services import report_create, report_transition
from geo_meldpunt.staff.roles import SYSTEM
from geo_meldpunt.zones.models import ZoneType
from tests.factories import WAPENPLEIN, CategoryFactory, DepartmentFactory, RoutingRuleFactory, point_at


def new_report(*, kind: str = Kind.MELDING, language: str = "nl", department=None, **kwargs) -> Report:
    """A report made by report_create (so its notifications are written), routed to `department`."""
    category = kwargs.pop("category", None) or CategoryFactory()
    department = department or DepartmentFactory()
    RoutingRuleFactory(category=category, zone_type=ZoneType.WIJK, department=department, priority=100)
    values = {
        "kind": kind,
        "category": category,
        "point": point_at(*WAPENPLEIN),
        "description": "Losliggende stoeptegel voor nummer 12.",
        "reporter_email": "melder@example.org",
        "language": language,
    }
    values.update(kwargs)
    return report_create(**values)


def transition(report: Report, to: str, note: str = "", **kwargs) -> Report:
    return report_transition(report=report, to=to, by=SYSTEM, note=note, **kwargs)


def emails(report: Report | None = None, **filters) -> list[OutgoingEmail]:
    qs = OutgoingEmail.objects.filter(**filters)
    if report is not None:
        qs = qs.filter(report=report)
    return list(qs.order_by("id"))


def send_queued() -> list:
    """Send every queued e-mail as the worker would; returns the messages Django's locmem backend received."""
    for email in OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).order_by("id"):
        email_send(email_id=email.pk)
    return list(mail.outbox)
