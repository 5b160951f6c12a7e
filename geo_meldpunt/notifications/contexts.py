"""What an e-mail template may show about a report, in the reader's language.

Every value a reporter typed (description, address, name) is defanged here, once, so that no template can
show it as a link (see text.py). Names of categories and departments come from the city's reference data.

Two audiences: the reporter (and city staff) get report_context, with the reporter's own text and their secret
tracking link. A follower gets follower_context: only what the public map shows of the report. Anyone may follow a
public report, so a template edited in the admin cannot leak more to a follower than their context holds.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from geo_meldpunt.reports.models import Kind

from .text import defang


def public_url(path: str) -> str:
    """An absolute link for an e-mail: MELDPUNT_PUBLIC_URL + path."""
    return f"{settings.MELDPUNT_PUBLIC_URL.rstrip('/')}{path}"


def tracking_url(report) -> str:
    return public_url(reverse("track", kwargs={"token": report.tracking_token}))


def staff_url(report) -> str:
    """Where city staff open the report (the admin's change page)."""
    return public_url(reverse("admin:reports_report_change", args=[report.pk]))


def expected_answer_date(report) -> dt.date | None:
    """The answer deadline the workflow stored (`answer_due`), else the one computed from the category."""
    due = getattr(report, "answer_due", None)
    if isinstance(due, dt.datetime):
        return timezone.localtime(due).date()
    if isinstance(due, dt.date):
        return due
    return report.expected_answer_date


def report_context(report, language: str) -> dict:
    """The values every report e-mail may use. Reporter-typed text is defanged."""
    with translation.override(language):
        return {
            "reference": report.reference,
            "kind": str(Kind(report.kind).label),
            "category": report.category.localized_name(language),
            "department": report.department.localized_name(language),
            "description": defang(report.description),
            "address": defang(report.address),
            "reporter_name": defang(report.reporter_name),
            "staff_member": defang(report.compliment_staff_member),
            "created_at": timezone.localtime(report.created_at),
            "expected_answer_date": expected_answer_date(report),
            "tracking_url": tracking_url(report),
            "meldpunt_phone": settings.MELDPUNT_PHONE,
        }


# What a follower's e-mail may show: what the public map shows of a report (selectors.public.PUBLIC_REPORT_FIELDS),
# and the city's phone line. Never the tracking link (it opens the reporter's own page with their description and
# photos, and is their Open311 token), the description, the reporter's name or a compliment's staff member.
FOLLOWER_FIELDS = ("reference", "kind", "category", "department", "address", "created_at", "meldpunt_phone")


def follower_context(report, language: str) -> dict:
    """The values an e-mail to a follower may use: the public ones of report_context (FOLLOWER_FIELDS)."""
    context = report_context(report, language)
    return {name: context[name] for name in FOLLOWER_FIELDS}
