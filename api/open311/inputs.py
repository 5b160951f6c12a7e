"""What Open311 clients send: the POST form, the filters of GET requests, the jurisdiction, the API key.

Every refusal is an Open311Error with one description per field at fault ("lat: ..."), in the request's
language (Dutch unless Accept-Language asks for French, English or German).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from geo_meldpunt.clients.models import ApiKey
from geo_meldpunt.clients.services import api_key_find, api_key_use
from geo_meldpunt.core.geo import make_point
from geo_meldpunt.geocoding.backends import get_geocoder
from geo_meldpunt.geocoding.base import address_label
from geo_meldpunt.geocoding.models import Address
from geo_meldpunt.reports import selectors
from geo_meldpunt.reports.models import Category

from ..fields import LatField, LonField
from .formats import Open311Error

# The service definition's one attribute: the felt impact, 1 to 5 (outputs.py describes it).
IMPACT_CODE = "impact"
ATTRIBUTE_KEY = re.compile(r"^attribute\[(?P<code>[^\]]*)\](\[\])?$")


def field_errors(detail) -> list[str]:
    """DRF's errors per field as the spec's descriptions: "field: message", one per message."""
    if isinstance(detail, dict):
        return [
            f"{field}: {message}" if field != "non_field_errors" else str(message)
            for field, messages in detail.items()
            for message in (messages if isinstance(messages, list) else [messages])
        ]
    return [str(message) for message in detail]


def bad_request(detail) -> Open311Error:
    return Open311Error(400, field_errors(detail))


def jurisdiction_check(params) -> None:
    """jurisdiction_id is optional (this server answers for one city); a different one is a 404."""
    given = params.get("jurisdiction_id")
    if given and given != settings.OPEN311_JURISDICTION_ID:
        raise Open311Error(
            404,
            [
                "jurisdiction_id: "
                + _("Unknown jurisdiction “%(given)s”: this server answers for %(ours)s.")
                % {"given": given, "ours": settings.OPEN311_JURISDICTION_ID}
            ],
        )


def api_key_check(raw: str | None, *, required: bool) -> ApiKey | None:
    """The active key sent as api_key, counted against its rate limit; 403 when missing (if required) or wrong."""
    if not raw:
        if required:
            raise Open311Error(403, ["api_key: " + _("Give the API key of your application (api_key).")])
        return None
    key = api_key_find(raw)
    if key is None:
        raise Open311Error(403, ["api_key: " + _("This API key is not valid, or it was revoked.")])
    verdict = api_key_use(key)
    if not verdict.allowed:
        raise Open311Error(
            429,
            [
                "api_key: "
                + _("This API key made more than %(limit)d requests this hour. Try again later.")
                % {"limit": verdict.limit}
            ],
            headers={"Retry-After": str(verdict.retry_after_s)},
        )
    return key


# --- POST requests -----------------------------------------------------------------------------------------


class RequestCreateInput(serializers.Serializer):
    """The spec's form fields. device_id and account_id are accepted and not kept (the meldpunt has no accounts)."""

    service_code = serializers.CharField(max_length=50)
    lat = LatField(required=False)
    long = LonField(required=False)
    address_string = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    address_id = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    phone = serializers.RegexField(
        r"^\+?[0-9 ()./-]{6,40}$",
        required=False,
        allow_blank=True,
        default="",
        error_messages={"invalid": gettext_lazy("Give a phone number with digits only (spaces, + and / are fine).")},
    )
    description = serializers.CharField(max_length=settings.OPEN311_DESCRIPTION_MAX_LENGTH)
    media_url = serializers.URLField(max_length=1000, required=False, allow_blank=True, default="")

    def validate_service_code(self, code: str) -> Category:
        category = selectors.open311_service(code=code)
        if category is None:
            raise serializers.ValidationError(_("Unknown service_code “%(code)s”.") % {"code": code})
        return category

    def validate(self, attrs):
        attrs["point"], attrs["address"] = self._location(attrs)
        return attrs

    def _location(self, attrs) -> tuple[Point, str]:
        lat, lon = attrs.get("lat"), attrs.get("long")
        typed = attrs["address_string"].strip()
        if lat is not None or lon is not None:
            if lat is None:
                raise serializers.ValidationError({"lat": [_("Give the latitude together with the longitude.")]})
            if lon is None:
                raise serializers.ValidationError({"long": [_("Give the longitude together with the latitude.")]})
            return make_point(lon=lon, lat=lat), typed
        if attrs["address_id"]:
            return self._address_by_id(attrs["address_id"])
        if typed:
            found = get_geocoder().search(typed, limit=1)
            if not found:
                raise serializers.ValidationError(
                    {"address_string": [_("No address in the city matches “%(text)s”.") % {"text": typed}]}
                )
            return found[0].point, found[0].label
        raise serializers.ValidationError(
            {"non_field_errors": [_("Say where it is: lat and long, address_string or address_id.")]}
        )

    def _address_by_id(self, text: str) -> tuple[Point, str]:
        row = (
            Address.objects.filter(pk=int(text)).first()
            if text.isascii() and text.isdigit() and len(text) < 10
            else None
        )
        if row is None:
            raise serializers.ValidationError({"address_id": [_("Unknown address_id “%(id)s”.") % {"id": text}]})
        label = address_label(
            street=row.street, housenumber=row.housenumber, postcode=row.postcode, municipality=row.municipality
        )
        return row.point, label


def attributes_from(form) -> dict[str, str]:
    """The attribute[code] fields of a form, by code. An unknown code is refused rather than dropped."""
    values: dict[str, str] = {}
    for key in form:
        match = ATTRIBUTE_KEY.match(key)
        if match is None:
            continue
        code = match["code"]
        if code != IMPACT_CODE:
            raise bad_request({f"attribute[{code}]": [_("This service has no attribute “%(code)s”.") % {"code": code}]})
        values[code] = form.get(key, "")
    return values


def impact_from(attributes: dict[str, str]) -> int | None:
    raw = attributes.get(IMPACT_CODE, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 5):
        raise bad_request({f"attribute[{IMPACT_CODE}]": [_("Give the felt impact as a whole number from 1 to 5.")]})
    return int(raw)


# --- GET requests ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestsQuery:
    ids: list[str] | None
    service_codes: list[str]
    start: dt.datetime | None
    end: dt.datetime | None
    statuses: list[str]


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def date_message() -> str:
    return _("Give a date and time like 2026-01-31T00:00:00Z.")


def _moment(params, name: str, *, end_of_day: bool) -> dt.datetime | None:
    """A w3 date-time ("2026-01-01T00:00:00Z", "2026-01-01T09:00:00+01:00"); a bare date means that whole day."""
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw)
        day = None if moment is not None else parse_date(raw)
    except ValueError:
        moment = day = None
    if moment is None and day is not None:
        moment = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min)
    if moment is None:
        raise bad_request({name: [date_message()]})
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def requests_query(params) -> RequestsQuery:
    """GET requests' filters, with the spec's date rules.

    service_request_id (comma-separated) overrides every other filter. Otherwise the range may span at most
    OPEN311_WINDOW_DAYS; a missing end is that many days after the start (or now), a missing start that many
    days before the end, and with neither the range is the last OPEN311_WINDOW_DAYS.
    """
    ids = _split(params.get("service_request_id"))
    if ids:
        return RequestsQuery(ids=ids, service_codes=[], start=None, end=None, statuses=[])
    errors: dict[str, list[str]] = {}
    statuses = _split(params.get("status"))
    unknown = [s for s in statuses if s not in (selectors.OPEN311_OPEN, selectors.OPEN311_CLOSED)]
    if unknown:
        errors["status"] = [
            _("Unknown status: %(statuses)s. Give open, closed or both.") % {"statuses": ", ".join(unknown)}
        ]
    codes = _split(params.get("service_code"))
    unknown = sorted(set(codes) - selectors.category_codes_known(codes))
    if unknown:
        errors["service_code"] = [_("Unknown service_code “%(code)s”.") % {"code": ", ".join(unknown)}]
    if errors:
        raise bad_request(errors)
    start = _moment(params, "start_date", end_of_day=False)
    end = _moment(params, "end_date", end_of_day=True)
    try:
        start, end = _window(start, end)
    except OverflowError:  # a start in the year 9999 or an end in the year 1: no 90 days fit
        raise bad_request({"start_date" if start is not None else "end_date": [date_message()]}) from None
    return RequestsQuery(ids=None, service_codes=codes, start=start, end=end, statuses=statuses)


def _window(start: dt.datetime | None, end: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    window = dt.timedelta(days=settings.OPEN311_WINDOW_DAYS)
    if start is not None and end is not None:
        if end < start:
            raise bad_request({"end_date": [_("end_date comes before start_date.")]})
        if end - start > window:
            raise bad_request(
                {
                    "end_date": [
                        _("The dates may be at most %(days)d days apart.") % {"days": settings.OPEN311_WINDOW_DAYS}
                    ]
                }
            )
    elif start is not None:
        end = start + window
    elif end is not None:
        start = end - window
    else:
        end = timezone.now()
        start = end - window
    return start, end
