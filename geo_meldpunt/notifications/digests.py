"""The daily digests: each department hears what is overdue or nearly so; the coordinator hears the breaches.

The figures come from reports.selectors.overdue_digest_data (three queries whatever the number of reports);
this module only turns them into e-mails in NOTIFICATIONS_STAFF_LANGUAGE, to each department's mailbox.
Only departments with something overdue or due soon get an e-mail (a report due soon can still be saved); the
coordinator gets one on days with breaches. Reports routed to external bodies count under the coordinator.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from geo_meldpunt.reports import sla
from geo_meldpunt.reports.models import Kind
from geo_meldpunt.reports.selectors import overdue_digest_data

from .contexts import staff_url
from .models import DigestRun, OutgoingEmail, TemplateKey
from .outbox import email_queue


def _deadline_label(deadlines) -> str:
    labels = {sla.ACKNOWLEDGE: _("acknowledgement"), sla.ANSWER: _("answer")}
    return " + ".join(str(labels.get(d, d)) for d in deadlines)


def _item(report, *, on: dt.date, language: str, missed=(), due=None, days_late=0) -> dict:
    if not missed:  # due soon: the deadline that comes first
        pending = [
            (name, value)
            for name, value in ((sla.ACKNOWLEDGE, report.acknowledge_due), (sla.ANSWER, report.answer_due))
            if value is not None and value >= on
        ]
        name, due = min(pending, key=lambda pair: pair[1]) if pending else ("", None)
        missed = (name,) if name else ()
    return {
        "reference": report.reference,
        "kind": str(Kind(report.kind).label),
        "category": report.category.localized_name(language),
        "department": report.department.localized_name(language),
        "deadline": _deadline_label(missed),
        "due": due,
        "days_late": days_late,
        "url": staff_url(report),
    }


@transaction.atomic
def digests_queue(*, on: dt.date | None = None) -> list[OutgoingEmail]:
    """Queue the digests of day `on` (default: today), a working day. Idempotent per day (dedupe keys).

    Breaches are those since the last run (DigestRun), so Monday's list includes the weekend's.
    """
    on = on or timezone.localdate()
    if not sla.is_working_day(on):
        return []  # nobody reads them at the weekend; the next working day's breaches cover these days
    last = DigestRun.objects.filter(on__lt=on).order_by("-on").first()
    data = overdue_digest_data(on=on, since=last.on if last else None)
    language = settings.NOTIFICATIONS_STAFF_LANGUAGE
    emails: list[OutgoingEmail] = []
    with translation.override(language):
        for digest in data.departments:
            if not digest.department.email:
                continue
            overdue = [
                _item(i.report, on=on, language=language, missed=i.missed, due=i.due, days_late=i.days_late)
                for i in digest.overdue
            ]
            near = [_item(r, on=on, language=language) for r in digest.due_soon]
            emails.append(
                email_queue(
                    key=TemplateKey.DEPARTMENT_DIGEST,
                    to=digest.department.email,
                    language=language,
                    context={
                        "department": digest.department.localized_name(language),
                        "on": on,
                        "overdue": overdue,
                        "near": near,
                    },
                    dedupe_key=f"{TemplateKey.DEPARTMENT_DIGEST}:{on.isoformat()}:{digest.department.pk}",
                )
            )
        if data.breaches and data.coordinator.email:
            breaches = [
                _item(i.report, on=on, language=language, missed=i.missed, due=i.due, days_late=i.days_late)
                for i in data.breaches
            ]
            emails.append(
                email_queue(
                    key=TemplateKey.COORDINATOR_BREACHES,
                    to=data.coordinator.email,
                    language=language,
                    context={"on": on, "breaches": breaches},
                    dedupe_key=f"{TemplateKey.COORDINATOR_BREACHES}:{on.isoformat()}",
                )
            )
    DigestRun.objects.update_or_create(
        on=on, defaults={"departments": len(data.departments), "breaches": len(data.breaches)}
    )
    return emails
