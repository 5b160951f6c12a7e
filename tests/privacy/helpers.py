"""Reports with a reporter's contact data, followers, a survey and e-mails, closed some days ago."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from geo_meldpunt.feedback.models import SatisfactionSurvey
from geo_meldpunt.notifications.models import OutgoingEmail, TemplateKey
from geo_meldpunt.reports.models import Follower, Report, ReportEvent, Status
from tests.factories import ReportFactory


def closed_report(*, days_ago: int | None, email: str = "an.peeters@example.org", **kwargs) -> Report:
    """A report of An Peeters (name, e-mail, phone) with a follower, a survey and a sent e-mail; closed `days_ago`
    days ago (None: still open)."""
    status = Status.AFGESLOTEN if days_ago is not None else Status.IN_BEHANDELING
    report = ReportFactory(reporter_name="An Peeters", reporter_email=email, reporter_phone="0470 12 34 56", **kwargs)
    closed_at = timezone.now() - timedelta(days=days_ago) if days_ago is not None else None
    Report.objects.filter(pk=report.pk).update(status=status, closed_at=closed_at)
    Follower.objects.create(report=report, email="buur@example.org")
    ReportEvent.objects.create(report=report, event_type=ReportEvent.Type.FOLLOWED, note="Someone else reported this.")
    SatisfactionSurvey.objects.create(
        report=report, email=email, expires_at=timezone.now(), score=4, comment="Snel opgelost, dank u."
    )
    OutgoingEmail.objects.create(
        report=report,
        template_key=TemplateKey.ACKNOWLEDGEMENT,
        to=email,
        language="nl",
        subject=f"Uw melding {report.reference}",
        body="Beste An Peeters, ...",
        status=OutgoingEmail.Status.SENT,
    )
    report.refresh_from_db()
    return report


def history(report: Report) -> list[tuple]:
    """Every history row of the report, every column: to show that nothing in it changed."""
    return list(ReportEvent.objects.filter(report=report).order_by("id").values_list())


def contact(report: Report) -> tuple[str, str, str]:
    report.refresh_from_db()
    return (report.reporter_name, report.reporter_email, report.reporter_phone)
