"""What Open311 clients read: discovery, services, a service's definition, service requests. Field names and
their order are the spec's (GeoReport v2). Nothing personal is ever here: no name, e-mail or phone; the
description only to the application whose key filed the report.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from geo_meldpunt.clients.models import ClientApplication
from geo_meldpunt.reports import selectors
from geo_meldpunt.reports.models import Category, Kind, Report, Status

from .inputs import IMPACT_CODE

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MEDIA_TYPES = ["text/xml", "application/json"]
LANGUAGES = ("nl", "fr", "en", "de")


def w3(moment: dt.datetime | None) -> str | None:
    """A w3 date-time with the city's offset: 2026-12-03T15:04:05+01:00."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment is not None else None


def discovery(*, url: str, changeset: dt.datetime | None) -> dict:
    return {
        "changeset": w3(changeset),
        "contact": settings.OPEN311_CONTACT,
        "key_service": _("Ask the meldpunt's administrator for an API key for your application."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": w3(changeset),
                "type": "production",
                "formats": MEDIA_TYPES,
            }
        ],
    }


def service(category: Category) -> dict:
    """A category that takes reports. keywords: its name in the other languages, for apps that search."""
    name = category.localized_name()
    other_names = [getattr(category, f"name_{lang}") for lang in LANGUAGES]
    return {
        "service_code": category.slug,
        "service_name": name,
        "description": name,
        # Every service has the felt impact as an attribute: ask its definition.
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(dict.fromkeys(n for n in other_names if n and n != name)),
        "group": category.parent.localized_name() if category.parent else "",
    }


def service_definition(category: Category) -> dict:
    return {
        "service_code": category.slug,
        "attributes": [
            {
                "variable": True,
                "code": IMPACT_CODE,
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("How much does this bother you?"),
                "order": 1,
                "description": _("Felt impact"),
                "values": [{"key": str(n), "name": _("%(impact)s of 5") % {"impact": n}} for n in range(1, 6)],
            }
        ],
    }


def service_notice(report: Report) -> str:
    department = report.department.localized_name()
    due = report.expected_answer_date
    if due is None:
        return _("Passed on to %(department)s.") % {"department": department}
    return _("%(department)s handles it; expect an answer by %(date)s.") % {
        "department": department,
        "date": date_format(due, "DATE_FORMAT"),
    }


def status_notes(report: Report) -> str:
    notes = report.get_status_display()
    if report.status == Status.SAMENGEVOEGD and report.merged_into is not None:
        return _("%(status)s with %(reference)s.") % {"status": notes, "reference": report.merged_into.reference}
    return notes


def expected_datetime(report: Report) -> str | None:
    """The answer deadline: the end of its last day, in the city's time."""
    due = report.answer_due if report.kind != Kind.COMPLIMENT else None
    if due is None:
        return None
    return w3(timezone.make_aware(dt.datetime.combine(due, dt.time(23, 59, 59))))


def media_url(report: Report, request) -> str | None:
    photos = list(report.photos.all())  # prefetched: photos of categories whose photos may be public only
    if photos:
        return request.build_absolute_uri(photos[0].image.url)
    return report.media_url or None


def service_request(report: Report, *, request, application: ClientApplication | None) -> dict:
    own = application is not None and report.client_application_id == application.pk
    point = report.point
    return {
        "service_request_id": report.reference,
        "status": selectors.open311_status(report.status),
        "status_notes": status_notes(report),
        "service_name": report.category.localized_name(),
        "service_code": report.category.slug,
        "description": report.description if own else None,
        "agency_responsible": report.department.localized_name(),
        "service_notice": service_notice(report),
        "requested_datetime": w3(report.created_at),
        "updated_datetime": w3(report.updated_at),
        "expected_datetime": expected_datetime(report),
        "address": report.address,
        "address_id": None,
        "zipcode": None,
        "lat": point.y if point is not None else None,
        "long": point.x if point is not None else None,
        "media_url": media_url(report, request),
    }


def created(report: Report) -> dict:
    """POST's answer. The token is the reporter's tracking token: tokens/{token} finds the request with it."""
    return {
        "service_request_id": report.reference,
        "token": report.tracking_token,
        "service_notice": service_notice(report),
        "account_id": None,
    }


def token(report: Report) -> dict:
    return {"service_request_id": report.reference, "token": report.tracking_token}
