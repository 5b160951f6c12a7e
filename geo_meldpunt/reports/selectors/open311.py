"""Reads for the Open311 GeoReport v2 server (api/open311): its services and the service requests it shows.

A service is a category that takes reports (kind melding). What anyone sees of a request is what the public map
may show of it: reports in public categories, never inadmissible ones; a client application sees the reports
its own keys filed as well, whatever their category.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Max, Prefetch, Q, QuerySet

from geo_meldpunt.core.lookups import lookup_value_ok

from ..choices import OPEN_STATUSES, Kind, Status
from ..models import Category, Report, ReportPhoto

if TYPE_CHECKING:
    from geo_meldpunt.clients.models import ClientApplication

# GeoReport knows two statuses. Open: the city is still on it; everything else is closed (answered, closed,
# merged into another report, passed on, not admissible).
OPEN311_OPEN = "open"
OPEN311_CLOSED = "closed"


def open311_status(status: str) -> str:
    return OPEN311_OPEN if status in OPEN_STATUSES else OPEN311_CLOSED


def open311_services() -> QuerySet[Category]:
    """The categories that take reports, as Open311 services, in the order the report form shows them."""
    return (
        Category.objects.filter(active=True, kinds__contains=[Kind.MELDING])
        .select_related("parent")
        .order_by("position", "name_nl")
    )


def open311_changeset() -> dt.datetime | None:
    """When the services last changed (discovery's changeset): the latest change to a category."""
    return Category.objects.aggregate(latest=Max("updated_at"))["latest"]


def open311_service(*, code: str) -> Category | None:
    if not lookup_value_ok(code):
        return None
    return open311_services().filter(slug=code).first()


def _visible(application: ClientApplication | None) -> Q:
    public = Q(category__is_public=True) & ~Q(status=Status.NIET_ONTVANKELIJK)
    return public | Q(client_application=application) if application is not None else public


def _requests_base(application: ClientApplication | None) -> QuerySet[Report]:
    return (
        Report.objects.filter(_visible(application))
        .select_related("category", "department", "merged_into")
        # Only photos of categories whose photos may be public; one query for the whole answer.
        .prefetch_related(Prefetch("photos", queryset=ReportPhoto.objects.filter(report__category__photos_public=True)))
    )


def open311_requests(
    *,
    application: ClientApplication | None = None,
    ids: list[str] | None = None,
    service_codes: list[str] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    statuses: list[str] | None = None,
) -> list[Report]:
    """Service requests, newest first, at most OPEN311_REQUESTS_MAX.

    `ids` (references) overrides every other filter, as the spec says. Otherwise requested between `start`
    (inclusive) and `end` (inclusive), of these service codes (a parent's code takes its children's too) and
    these Open311 statuses (open, closed).
    """
    qs = _requests_base(application)
    if ids is not None:
        qs = qs.filter(reference__in=[i for i in ids if lookup_value_ok(i)])
    else:
        if start is not None:
            qs = qs.filter(created_at__gte=start)
        if end is not None:
            qs = qs.filter(created_at__lte=end)
        if service_codes:
            qs = qs.filter(Q(category__slug__in=service_codes) | Q(category__parent__slug__in=service_codes))
        if statuses and set(statuses) != {OPEN311_OPEN, OPEN311_CLOSED}:
            in_open = Q(status__in=OPEN_STATUSES)
            qs = qs.filter(in_open if OPEN311_OPEN in statuses else ~in_open)
    return list(qs.order_by("-created_at", "-id")[: settings.OPEN311_REQUESTS_MAX])


def open311_request(*, reference: str, application: ClientApplication | None = None) -> Report | None:
    if not lookup_value_ok(reference):
        return None
    return _requests_base(application).filter(reference=reference).first()


def open311_request_by_token(*, token: str) -> Report | None:
    """The report a POST's token names: the reporter's tracking token, which only its filer was given."""
    if not lookup_value_ok(token):
        return None
    return Report.objects.only("reference", "tracking_token").filter(tracking_token=token).first()


def category_codes_known(codes: list[str]) -> set[str]:
    """Which of these codes are categories at all (active or not): a filter on an unknown one is a typo."""
    return set(
        Category.objects.filter(slug__in=[c for c in codes if lookup_value_ok(c)]).values_list("slug", flat=True)
    )
