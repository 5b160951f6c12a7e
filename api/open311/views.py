"""The GeoReport v2 methods, each in XML and JSON (the format is the path's suffix: services.xml, services.json).

Thin: parse (inputs.py), call one selector or the report service that every channel files through, render
(outputs.py, formats.py). Any refusal is the spec's error list with its HTTP status: 400 for bad input, 403 for
a missing or wrong API key, 404 for an unknown service, request, token or jurisdiction, 429 past a key's
rate limit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.core.languages import current_language
from geo_meldpunt.reports import selectors, services
from geo_meldpunt.reports.models import Channel, Kind

from . import inputs, outputs
from .formats import Open311Error, render, render_error


def open311(*methods: str) -> Callable[[Callable], Callable]:
    """A GeoReport method taking these HTTP methods: checks the method and the jurisdiction, and turns every
    Open311Error into the spec's error list, in the path's format."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, fmt: str, **kwargs) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise Open311Error(
                        405,
                        [_("This address takes %(methods)s only.") % {"methods": ", ".join(methods)}],
                        headers={"Allow": ", ".join(methods)},
                    )
                inputs.jurisdiction_check(request.POST if request.method == "POST" else request.GET)
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                return render_error(error, fmt=fmt)

        # A form from another application, authenticated by its api_key, never by a session cookie.
        return csrf_exempt(wrapped)

    return decorate


@open311("GET")
def discovery(request, *, fmt: str) -> HttpResponse:
    url = request.build_absolute_uri("/open311/v2")
    return render(outputs.discovery(url=url, changeset=selectors.open311_changeset()), fmt=fmt, root="discovery")


@open311("GET")
def service_list(request, *, fmt: str) -> HttpResponse:
    items = [outputs.service(category) for category in selectors.open311_services()]
    return render(items, fmt=fmt, root="services")


@open311("GET")
def service_definition(request, code: str, *, fmt: str) -> HttpResponse:
    category = selectors.open311_service(code=code)
    if category is None:
        raise Open311Error(404, ["service_code: " + _("Unknown service_code “%(code)s”.") % {"code": code}])
    return render(outputs.service_definition(category), fmt=fmt, root="service_definition")


@open311("GET", "POST")
def requests(request, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt=fmt)
    application = _application(request)
    query = inputs.requests_query(request.GET)
    reports = selectors.open311_requests(
        application=application,
        ids=query.ids,
        service_codes=query.service_codes,
        start=query.start,
        end=query.end,
        statuses=query.statuses,
    )
    items = [outputs.service_request(r, request=request, application=application) for r in reports]
    return render(items, fmt=fmt, root="service_requests")


def _request_create(request, *, fmt: str) -> HttpResponse:
    key = inputs.api_key_check(request.POST.get("api_key"), required=True)
    assert key is not None
    attributes = inputs.attributes_from(request.POST)
    data = inputs.RequestCreateInput(data=request.POST)
    if not data.is_valid():
        raise inputs.bad_request(data.errors)
    fields = data.validated_data
    impact = inputs.impact_from(attributes)
    try:
        report = services.report_create(
            kind=Kind.MELDING,
            category=fields["service_code"],
            point=fields["point"],
            address=fields["address"],
            description=fields["description"],
            impact=impact,
            channel=Channel.API,
            language=current_language(),
            reporter_name=f"{fields['first_name']} {fields['last_name']}".strip(),
            reporter_email=fields["email"],
            reporter_phone=fields["phone"],
            client_application=key.application,
            media_url=fields["media_url"],
        )
    except ApplicationError as error:
        raise Open311Error(400, [f"{error.field}: {error.message}" if error.field else error.message]) from None
    return render([outputs.created(report)], fmt=fmt, root="service_requests", status=201)


@open311("GET")
def request_detail(request, reference: str, *, fmt: str) -> HttpResponse:
    application = _application(request)
    report = selectors.open311_request(reference=reference, application=application)
    if report is None:
        raise Open311Error(404, ["service_request_id: " + _("No service request “%(id)s”.") % {"id": reference}])
    item = outputs.service_request(report, request=request, application=application)
    return render([item], fmt=fmt, root="service_requests")


@open311("GET")
def token(request, token: str, *, fmt: str) -> HttpResponse:
    report = selectors.open311_request_by_token(token=token)
    if report is None:
        raise Open311Error(404, ["token: " + _("Unknown token.")])
    return render([outputs.token(report)], fmt=fmt, root="service_requests")


def _application(request):
    """A GET may carry the application's api_key: its own reports then show their description too."""
    key = inputs.api_key_check(request.GET.get("api_key"), required=False)
    return key.application if key is not None else None


@open311("GET", "POST")
def not_found(request, path: str, *, fmt: str) -> HttpResponse:
    """Any other address under /open311/v2/: the spec's 404, in JSON when the path asks for it, else XML."""
    raise Open311Error(404, [_("There is no GeoReport method at this address.")])
