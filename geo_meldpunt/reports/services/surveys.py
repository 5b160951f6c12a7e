"""The end of the satisfaction loop: the report is closed once the reporter answered the question, or never did.

feedback/services.py stores the score and refers a dissatisfied reporter to the ombudsman; these services close
the report in the same transaction, through report_transition, with the system as the actor. The survey page
(feedback/views.py) and the daily task (feedback/tasks.py) call them.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.feedback import selectors as feedback_selectors
from geo_meldpunt.feedback import services as feedback
from geo_meldpunt.staff.roles import SYSTEM

from ..models import Report, Status
from .transition import report_transition

logger = logging.getLogger(__name__)


@transaction.atomic
def report_survey_answer(*, token: str, score: int | str | None, comment: str = "") -> feedback.SurveyOutcome:
    """The reporter answers the satisfaction question: store the score (and refer a dissatisfied reporter to the
    ombudsman), then close the report. Refuses as feedback.survey_score_store does, storing nothing."""
    outcome = feedback.survey_score_store(token=token, score=score, comment=comment)
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the city's language
        note = _("Closed after the reporter's satisfaction score (%(score)s of 5).") % {"score": outcome.survey.score}
    report_close_after_survey(report=outcome.survey.report, note=note)
    return outcome


def reports_close_unanswered_surveys(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Close answered reports whose survey went unanswered FEEDBACK_CLOSE_AFTER_DAYS (daily job). Returns how many.

    One transaction per survey. A report the workflow refuses to close is logged and its survey marked handled
    all the same, so it does not come back every day.
    """
    now = now or timezone.now()
    asked_before = now - dt.timedelta(days=settings.FEEDBACK_CLOSE_AFTER_DAYS)
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Closed: the satisfaction question went unanswered for %(days)s days.") % {
            "days": settings.FEEDBACK_CLOSE_AFTER_DAYS
        }
    closed = 0
    for survey_id in feedback_selectors.surveys_unanswered_ids(asked_before=asked_before, limit=limit):
        with transaction.atomic():
            survey = feedback.survey_unanswered_claim(survey_id=survey_id, now=now)
            if survey is not None:  # else answered or handled meanwhile
                closed += report_close_after_survey(report=survey.report, note=note)
    return closed


def report_close_after_survey(*, report: Report, note: str) -> bool:
    """Close an answered report through the workflow (the system acts). False when it is no longer answered.

    Call inside the transaction that ended its survey. When the workflow refuses, a savepoint keeps what the
    survey stored (the score, the referral) all the same.
    """
    if report.status != Status.BEANTWOORD:
        return False  # reopened, merged or closed meanwhile: a handler decided otherwise
    try:
        with transaction.atomic():
            report_transition(report=report, to=Status.AFGESLOTEN, by=SYSTEM, note=note)
    except ApplicationError as exc:
        logger.warning("report %s not closed after its survey: %s", report.reference, exc.message)
        return False
    return True
