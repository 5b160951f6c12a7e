"""Reporters' personal data: cleared after the retention period, exported or erased on request. Each writes a
PrivacyRecord (who, what, when; never the data).

What counts as a reporter's personal data here: the contact fields of a report (reporter_name, reporter_email,
reporter_phone), the follower rows (an e-mail address each), the address a satisfaction survey went to, and the
addresses and bodies of the e-mails in the outbox (a body greets the reporter by name). The report itself (its
description, place, photos) is the city's case file and stays, and so does its history: ReportEvent rows are
append-only and hold no contact details (services write notes such as "Someone else reported this too."), so
nothing here touches them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from geo_meldpunt.feedback.models import SatisfactionSurvey
from geo_meldpunt.notifications.models import OutgoingEmail
from geo_meldpunt.reports.models import Follower, Report

from .models import PrivacyRecord

CONTACT_CLEARED = {"reporter_name": "", "reporter_email": "", "reporter_phone": ""}


def _actor(by: Any) -> dict[str, Any]:
    if by is None or not getattr(by, "is_authenticated", False):
        return {"actor": None, "actor_name": ""}
    return {"actor": by, "actor_name": by.get_username()}


def _emails_clear(emails) -> int:
    """Clear address and body of outbox rows; a row still waiting to be sent is cancelled (marked failed)."""
    waiting = [OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.SENDING]  # sending: perhaps cut off, else resent
    cancelled = emails.filter(status__in=waiting).update(
        status=OutgoingEmail.Status.FAILED, last_error="cancelled: the recipient's data was erased", to="", body=""
    )
    return cancelled + emails.exclude(to="", body="").update(to="", body="")


@transaction.atomic
def contact_data_anonymise(*, now: datetime | None = None) -> PrivacyRecord:
    """Clear the contact data of reports closed more than PRIVACY_CONTACT_RETENTION_DAYS ago (the daily job).

    Safe to run twice: what is already cleared is not counted again. A reopened report has no closed_at, so its
    data stays until it is closed again and the period has passed once more.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.PRIVACY_CONTACT_RETENTION_DAYS)
    expired = Report.objects.filter(closed_at__lt=cutoff)
    reports = expired.exclude(reporter_name="", reporter_email="", reporter_phone="").update(**CONTACT_CLEARED)
    followers, _by_model = Follower.objects.filter(report__in=expired).delete()
    surveys = SatisfactionSurvey.objects.filter(report__in=expired).exclude(email="").update(email="")
    emails = _emails_clear(OutgoingEmail.objects.filter(report__in=expired))
    return PrivacyRecord.objects.create(
        action=PrivacyRecord.Action.ANONYMISE,
        via=PrivacyRecord.Via.SCHEDULE,
        cutoff=cutoff,
        reports=reports,
        followers=followers,
        surveys=surveys,
        emails=emails,
    )


def _normalised(email: str) -> str:
    email = email.strip()
    if "@" not in email:
        raise ValueError("not an e-mail address")
    return email


def _references(email: str) -> list[str]:
    own = Report.objects.filter(reporter_email__iexact=email).values_list("reference", flat=True)
    followed = Follower.objects.filter(email__iexact=email).values_list("report__reference", flat=True)
    surveyed = SatisfactionSurvey.objects.filter(email__iexact=email).values_list("report__reference", flat=True)
    return sorted({*own, *followed, *surveyed})


def reporter_export(*, email: str, by: Any = None, via: str, reason: str = "") -> tuple[dict, PrivacyRecord]:
    """Everything the meldpunt holds about the person with this e-mail address, as JSON-ready data, and the record.

    The reports they filed (with their contact details, the report's content and its public history), the reports
    they follow, their survey answers and the e-mails sent to them.
    """
    email = _normalised(email)
    own = (
        Report.objects.filter(reporter_email__iexact=email)
        .select_related("category", "department")
        .prefetch_related("events", "photos")
        .order_by("created_at")
    )
    data = {
        "email": email,
        "exported_at": timezone.now().isoformat(),
        "reports": [_report_data(report) for report in own],
        "following": [
            {"reference": f.report.reference, "since": f.created_at.isoformat(), "language": f.language}
            for f in Follower.objects.filter(email__iexact=email).select_related("report").order_by("created_at")
        ],
        "surveys": [
            {
                "reference": s.report.reference,
                "asked": s.created_at.isoformat(),
                "answered": s.answered_at.isoformat() if s.answered_at else None,
                "score": s.score,
                "comment": s.comment,
            }
            for s in SatisfactionSurvey.objects.filter(email__iexact=email).select_related("report")
        ],
        "emails": [
            {
                "reference": m.report.reference if m.report else None,
                "created": m.created_at.isoformat(),
                "sent": m.sent_at.isoformat() if m.sent_at else None,
                "status": m.status,
                "subject": m.subject,
                "body": m.body,
            }
            for m in OutgoingEmail.objects.filter(to__iexact=email).select_related("report").order_by("created_at")
        ],
    }
    record = PrivacyRecord.objects.create(
        action=PrivacyRecord.Action.EXPORT, via=via, reason=reason, references=_references(email), **_actor(by)
    )
    return data, record


def _report_data(report: Report) -> dict:
    return {
        "reference": report.reference,
        "kind": report.kind,
        "category": report.category.slug,
        "status": report.status,
        "created": report.created_at.isoformat(),
        "closed": report.closed_at.isoformat() if report.closed_at else None,
        "channel": report.channel,
        "language": report.language,
        "location": [report.point.x, report.point.y] if report.point is not None else None,
        "address": report.address,
        "description": report.description,
        "impact": report.impact,
        "reporter_name": report.reporter_name,
        "reporter_email": report.reporter_email,
        "reporter_phone": report.reporter_phone,
        "department": report.department.name_nl if report.department_id else None,
        "answer": report.answer,
        "photos": len(report.photos.all()),
        "history": [
            {"at": e.created_at.isoformat(), "event": e.event_type, "status": e.to_status, "note": e.note}
            for e in report.events.all()
            if e.public
        ],
    }


def reporter_erase_preview(*, email: str) -> dict[str, int]:
    """What reporter_erase would clear, without clearing it (the command's dry run)."""
    email = _normalised(email)
    return {
        "reports": Report.objects.filter(reporter_email__iexact=email).count(),
        "followers": Follower.objects.filter(email__iexact=email).count(),
        "surveys": SatisfactionSurvey.objects.filter(email__iexact=email).count(),
        "emails": OutgoingEmail.objects.filter(to__iexact=email).count(),
    }


@transaction.atomic
def reporter_erase(*, email: str, by: Any = None, via: str, reason: str = "") -> PrivacyRecord:
    """Erase the personal data of the person with this e-mail address: the contact fields of the reports they
    filed (name and phone too: they were theirs), their follower rows, the address their surveys went to, and the
    e-mails to them (a queued one is cancelled). The reports and their history stay."""
    email = _normalised(email)
    references = _references(email)
    reports = Report.objects.filter(reporter_email__iexact=email).update(**CONTACT_CLEARED)
    followers, _by_model = Follower.objects.filter(email__iexact=email).delete()
    surveys = SatisfactionSurvey.objects.filter(email__iexact=email).update(email="")
    emails = _emails_clear(OutgoingEmail.objects.filter(to__iexact=email))
    return PrivacyRecord.objects.create(
        action=PrivacyRecord.Action.ERASE,
        via=via,
        reason=reason,
        references=references,
        reports=reports,
        followers=followers,
        surveys=surveys,
        emails=emails,
        **_actor(by),
    )
