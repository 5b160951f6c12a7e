"""The public satisfaction page: /tevredenheid/<token>/, reached from the link in the e-mail."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.notifications.contexts import tracking_url
from geo_meldpunt.reports.services import surveys

from . import selectors, services
from .forms import SCORE_CHOICES, SurveyForm

# A refused link: unknown -> 404; used or expired -> 410 Gone (it existed, it will not work again).
LINK_ERROR_STATUS = {"unknown": 404, "used": 410, "expired": 410}


# One reporter's link (the report's reference and their answer): never kept by a browser or a proxy.
@cache_control(private=True, no_store=True)
@require_http_methods(["GET", "POST"])
def survey(request, token: str):
    """Show the question (GET), take the answer (POST, once), and show the ombudsman's details at once when the
    score is at or under the threshold. The page speaks the survey's language unless the visitor chose one."""
    found = selectors.survey_by_token(token=token)
    if found is not None and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(found.language)
        request.LANGUAGE_CODE = found.language
    try:
        survey = services.survey_check(found)
    except services.SurveyLinkError as exc:
        return _refused(request, found, exc)

    form = SurveyForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                outcome = surveys.report_survey_answer(
                    token=token, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
                )
            except services.SurveyLinkError as exc:  # answered in another tab meanwhile
                return _refused(request, found, exc)
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                context = {
                    "survey": outcome.survey,
                    "ombudsman": outcome.ombudsman,
                    "tracking_url": tracking_url(survey.report),
                }
                return render(request, "feedback/thanks.html", context)
        status = 400
    return render(
        request,
        "feedback/survey.html",
        {"survey": survey, "report": survey.report, "form": form, "scores": SCORE_CHOICES},
        status=status,
    )


def _refused(request, found, exc: services.SurveyLinkError):
    # A reporter who was referred and comes back to the link finds the ombudsman's details again.
    referral = getattr(found, "referral", None) if found is not None and exc.code == "used" else None
    return render(
        request,
        "feedback/refused.html",
        {
            "message": exc.message,
            "code": exc.code,
            "ombudsman": services.ombudsman_contact() if referral is not None else None,
            "tracking_url": tracking_url(found.report) if found is not None else None,
        },
        status=LINK_ERROR_STATUS.get(exc.code, 400),
    )
