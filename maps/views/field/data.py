"""The field page's JSON: thin views that parse, call one selector or service, and answer.

Errors come as the API's do: {field: [messages]} with 400, {"detail": ...} with 403/404, in the page's language.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.core.geo import make_point
from geo_meldpunt.core.languages import current_language
from geo_meldpunt.core.lookups import lookup_value_ok
from geo_meldpunt.reports import permissions, selectors, services
from geo_meldpunt.reports.models import Report
from geo_meldpunt.reports.photos import PhotoBudget, photo_prepare

from .access import field_json_access


class PointForm(forms.Form):
    lat = forms.FloatField(min_value=-90, max_value=90)
    lon = forms.FloatField(min_value=-180, max_value=180)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Repeated "photos" parts, each decoded and re-encoded by photo_prepare; cleans to PreparedPhotos."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if len(uploads) > settings.REPORTS_PHOTO_MAX_COUNT:
            raise forms.ValidationError(
                _("Add at most %(max)s photos at once.") % {"max": settings.REPORTS_PHOTO_MAX_COUNT}
            )
        prepared, errors, budget = [], [], PhotoBudget()  # one budget of decoded pixels for the request
        for upload in uploads:
            try:
                prepared.append(photo_prepare(upload, budget=budget))
            except ApplicationError as error:
                errors.append(error.message)
        if errors:
            raise forms.ValidationError(errors)
        return prepared


class ObservationForm(forms.Form):
    note = forms.CharField(required=False, max_length=settings.REPORTS_DESCRIPTION_MAX_LENGTH)
    photos = PhotosField(required=False)


def _errors(form: forms.Form) -> JsonResponse:
    return JsonResponse({field: list(messages) for field, messages in form.errors.items()}, status=400)


def _error(error: ApplicationError, status: int = 400) -> JsonResponse:
    if error.field and status == 400:
        return JsonResponse({error.field: [error.message], "code": error.code}, status=status)
    return JsonResponse({"detail": error.message, "code": error.code}, status=status)


def _report_item(report: Report, user) -> dict:
    return {
        "reference": report.reference,
        "category": report.category.slug,
        "category_name": report.category.localized_name(),
        "status": report.status,
        "status_display": report.get_status_display(),
        "address": report.address,
        "created_at": timezone.localtime(report.created_at).isoformat(),
        "lat": report.point.y if report.point else None,
        "lon": report.point.x if report.point else None,
        "mine": report.created_by_id == user.pk,
        "can_open": permissions.can_view(user, report),
    }


@require_GET
@field_json_access
def session(request: HttpRequest) -> JsonResponse:
    """Who is logged in, with a fresh CSRF token: the page asks before sending what waited offline (the token in
    a page kept offline may be older than the last login)."""
    return JsonResponse({"user": {"id": request.user.pk}, "csrf_token": get_token(request)})


@require_GET
@field_json_access
def around(request: HttpRequest) -> JsonResponse:
    """The open reports around a point that this member of staff may confirm, nearest first."""
    form = PointForm(request.GET)
    if not form.is_valid():
        return _errors(form)
    point = make_point(lon=form.cleaned_data["lon"], lat=form.cleaned_data["lat"])
    reports = selectors.reports_around(point=point, user=request.user)
    return JsonResponse(
        {
            "radius_m": settings.FIELD_AROUND_RADIUS_M,
            "reports": [
                {
                    **_report_item(report, request.user),
                    # Annotations of the selector: metres on the spheroid, and whether the user follows it.
                    "distance_m": round(getattr(report, "distance").m),  # noqa: B009
                    "following": getattr(report, "following"),  # noqa: B009
                }
                for report in reports
            ],
        }
    )


@require_GET
@field_json_access
def mine(request: HttpRequest) -> JsonResponse:
    """What this member of staff reported, newest first, with status."""
    reports = selectors.reports_created_by(user=request.user)
    return JsonResponse({"reports": [_report_item(report, request.user) for report in reports]})


def _confirmable(request: HttpRequest, reference: str) -> Report | JsonResponse:
    """The report, or 404 for one that does not exist or that this user may not confirm (nothing leaks)."""
    report = None
    if lookup_value_ok(reference):
        report = (
            permissions.confirmable_reports(request.user, Report.objects.select_related("category"))
            .filter(reference=reference)
            .first()
        )
    if report is None:
        return JsonResponse(
            {"detail": _("No report has the reference %(reference)s.") % {"reference": reference}}, status=404
        )
    return report


@require_POST
@field_json_access
def follow(request: HttpRequest, reference: str) -> JsonResponse:
    """Follow an open report with the account's e-mail address: its answer comes to this member of staff too."""
    report = _confirmable(request, reference)
    if isinstance(report, JsonResponse):
        return report
    email = getattr(request.user, "email", "")
    if not email:
        return JsonResponse(
            {"detail": _("Your account has no e-mail address. Ask the meldpunt to add it."), "code": "no_email"},
            status=400,
        )
    try:
        # The employee's own account address: confirmed, no request to confirm it.
        follower, created = services.report_follow(
            report=report, email=email, language=current_language(), confirmed=True
        )
    except ApplicationError as error:
        return _error(error)
    return JsonResponse(
        {
            "reference": follower.report.reference,
            "following": True,
            "message": _("You will receive an e-mail when this report is answered."),
        },
        status=201 if created else 200,
    )


@require_POST
@field_json_access
def observation(request: HttpRequest, reference: str) -> JsonResponse:
    """Add a note and photos seen on the spot to an open report (multipart: note, photos)."""
    report = _confirmable(request, reference)
    if isinstance(report, JsonResponse):
        return report
    form = ObservationForm(request.POST, request.FILES)
    if not form.is_valid():
        return _errors(form)
    try:
        services.report_observation_add(
            report=report, by=request.user, note=form.cleaned_data["note"], photos=form.cleaned_data["photos"]
        )
    except services.Forbidden as error:
        return _error(error, status=403)
    except ApplicationError as error:
        return _error(error)
    return JsonResponse(
        {"reference": report.reference, "message": _("Added to report %(reference)s.") % {"reference": reference}},
        status=201,
    )
