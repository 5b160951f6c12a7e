"""Writes of the feedback loop: asking how satisfied a reporter is, taking the answer, referring to the ombudsman.

The loop after an answer (`beantwoord`):
1. `survey_create` (called by notifications.dispatch inside the answering transaction) stores a survey with a
   random token and queues the e-mail with its link, valid FEEDBACK_LINK_DAYS.
2. `survey_answer` takes a score 1-5 and a comment, once. The report is closed (`afgesloten`): the loop is done.
   A score at or under FEEDBACK_OMBUDSMAN_THRESHOLD also e-mails the ombudsman service's details
   (FEEDBACK_OMBUDSMAN_CONTACT), records an OmbudsmanReferral and an "ombudsman" history event; the page shows
   the same details at once. The coordinator may reopen the report (afgesloten -> heropend is theirs).
3. `surveys_close_unanswered` (daily) closes answered reports whose survey went unanswered for
   FEEDBACK_CLOSE_AFTER_DAYS.
Status changes go through reports.services.report_transition; the system acts (`by=staff.roles.SYSTEM`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.notifications.contexts import public_url, report_context
from geo_meldpunt.notifications.models import TemplateKey
from geo_meldpunt.notifications.outbox import email_queue
from geo_meldpunt.reports.models import Kind, ReportEvent, Status

from .models import OmbudsmanReferral, SatisfactionSurvey

logger = logging.getLogger(__name__)

# Longest accepted comment (characters).
COMMENT_MAX_LENGTH = 2000
SCORES = range(1, 6)


class SurveyLinkError(ApplicationError):
    """The link cannot be used: `code` is "unknown", "used" or "expired". The message says so to the reporter."""


@dataclass(frozen=True)
class SurveyOutcome:
    survey: SatisfactionSurvey
    referral: OmbudsmanReferral | None

    @property
    def ombudsman(self) -> dict | None:
        """The ombudsman service's details to show, when the reporter was referred."""
        return ombudsman_contact() if self.referral is not None else None


def ombudsman_contact() -> dict:
    return dict(settings.FEEDBACK_OMBUDSMAN_CONTACT)


def survey_url(survey: SatisfactionSurvey) -> str:
    return public_url(reverse("feedback:survey", kwargs={"token": survey.token}))


def survey_create(*, report, dedupe: str = "") -> SatisfactionSurvey:
    """Ask the reporter of answered `report` how satisfied they are: a survey and its e-mail (queued).

    Preconditions: inside the answering transaction; the report has a reporter e-mail and is no compliment
    (compliments get thanks, not an answer). Older unanswered surveys of the report are withdrawn. With
    `dedupe` (the answer's event), a second call for the same answer returns the first survey.
    """
    if report.kind == Kind.COMPLIMENT:
        raise ApplicationError("compliments are not followed by a satisfaction survey", code="compliment")
    if not report.reporter_email:
        raise ApplicationError("no reporter e-mail to send the survey to", code="no_email")
    if dedupe:
        existing = SatisfactionSurvey.objects.filter(source_key=dedupe).first()
        if existing is not None:
            return existing
    now = timezone.now()
    surveys_withdraw(report=report, now=now)
    survey = SatisfactionSurvey.objects.create(
        report=report,
        email=report.reporter_email,
        language=report.language,
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.FEEDBACK_LINK_DAYS),
        source_key=dedupe,
    )
    context = report_context(report, report.language) | {
        "survey_url": survey_url(survey),
        "expires_at": timezone.localtime(survey.expires_at),
        "link_days": settings.FEEDBACK_LINK_DAYS,
    }
    survey.question_email = email_queue(
        key=TemplateKey.SATISFACTION_QUESTION,
        to=survey.email,
        language=survey.language,
        context=context,
        report=report,
        dedupe_key=f"{TemplateKey.SATISFACTION_QUESTION}:{survey.pk}",
    )
    survey.save(update_fields=["question_email"])
    return survey


def surveys_withdraw(*, report, now: dt.datetime | None = None) -> int:
    """Make the report's unanswered survey links stop working (a newer answer, or the report reopened)."""
    now = now or timezone.now()
    return SatisfactionSurvey.objects.filter(report=report, answered_at__isnull=True, handled_at__isnull=True).update(
        expires_at=now, handled_at=now
    )


def survey_check(survey: SatisfactionSurvey | None, *, now: dt.datetime | None = None) -> SatisfactionSurvey:
    """The survey if its link may still be used; else SurveyLinkError saying why (in the active language)."""
    now = now or timezone.now()
    if survey is None:
        raise SurveyLinkError(
            _("This link is not valid. Check that you used the whole link from the e-mail."), code="unknown"
        )
    if survey.answered_at is not None:
        raise SurveyLinkError(_("This link has already been used: we received your answer. Thank you."), code="used")
    if survey.expires_at <= now or survey.handled_at is not None:
        raise SurveyLinkError(
            _("This link has expired: a satisfaction link can be used for %(days)s days after the answer.")
            % {"days": settings.FEEDBACK_LINK_DAYS},
            code="expired",
        )
    return survey


@transaction.atomic
def survey_answer(*, token: str, score: int | str | None, comment: str = "") -> SurveyOutcome:
    """Store the reporter's score (1-5) and comment, once; refer a dissatisfied reporter to the ombudsman.

    Refuses with SurveyLinkError an unknown, used or expired link, and with ApplicationError (field "score" or
    "comment") a missing score or an overlong comment. The survey row is locked, so the same link sent twice
    at once is answered once. Closes the report when it is still `beantwoord`.
    """
    survey = SatisfactionSurvey.objects.select_for_update(of=("self",)).filter(token=token).first()
    survey = survey_check(survey)
    try:
        score = int(score)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        score = 0
    if score not in SCORES:
        raise ApplicationError(_("Choose a score from 1 to 5."), field="score", code="required")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ApplicationError(
            _("The comment is too long: at most %(max)s characters.") % {"max": COMMENT_MAX_LENGTH},
            field="comment",
            code="max_length",
        )
    now = timezone.now()
    survey.score = score
    survey.comment = comment
    survey.answered_at = now
    survey.handled_at = now
    survey.save(update_fields=["score", "comment", "answered_at", "handled_at"])
    report = survey.report
    referral = None
    if score <= settings.FEEDBACK_OMBUDSMAN_THRESHOLD:
        referral = _refer_to_ombudsman(survey=survey, report=report)
    _close(report=report, note=_closing_note("answered", score=score))
    return SurveyOutcome(survey=survey, referral=referral)


def _refer_to_ombudsman(*, survey: SatisfactionSurvey, report) -> OmbudsmanReferral:
    contact = ombudsman_contact()
    context = report_context(report, survey.language) | {"ombudsman": contact, "score": survey.score}
    email = email_queue(
        key=TemplateKey.OMBUDSMAN_DETAILS,
        to=survey.email,
        language=survey.language,
        context=context,
        report=report,
        dedupe_key=f"{TemplateKey.OMBUDSMAN_DETAILS}:{survey.pk}",
    )
    referral = OmbudsmanReferral.objects.create(report=report, survey=survey, email=email)
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the city's language
        note = _("Satisfaction score %(score)s of 5: the reporter was sent the details of %(name)s.") % {
            "score": survey.score,
            "name": contact["name"],
        }
    # The history event the workflow defines for this hand-off (staff.roles shows such reports to the
    # ombudsdienst). Internal: the reporter has the e-mail and the page.
    ReportEvent.objects.create(
        report=report,
        event_type=ReportEvent.Type.OMBUDSMAN,
        department=report.department,
        note=note,
        public=False,
    )
    return referral


def _closing_note(reason: str, *, score: int | None = None) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        if reason == "answered":
            return _("Closed after the reporter's satisfaction score (%(score)s of 5).") % {"score": score}
        return _("Closed: the satisfaction question went unanswered for %(days)s days.") % {
            "days": settings.FEEDBACK_CLOSE_AFTER_DAYS
        }


def _close(*, report, note: str) -> bool:
    """Close an answered report through the workflow (the system acts). False when it is no longer answered."""
    from geo_meldpunt.reports.services import report_transition  # reports.services imports notifications
    from geo_meldpunt.staff.roles import SYSTEM

    if report.status != Status.BEANTWOORD:
        return False  # reopened, merged or closed meanwhile: a handler decided otherwise
    try:
        # A savepoint: when the workflow refuses, the reporter's score and the referral are kept all the same.
        with transaction.atomic():
            report_transition(report=report, to=Status.AFGESLOTEN, by=SYSTEM, note=note)
    except ApplicationError as exc:
        logger.warning("report %s not closed after its survey: %s", report.reference, exc.message)
        return False
    return True


def surveys_close_unanswered(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Close answered reports whose survey went unanswered FEEDBACK_CLOSE_AFTER_DAYS (daily job). Returns how many.

    One transaction per survey. A report the workflow refuses to close is logged and its survey marked handled
    all the same, so it does not come back every day.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.FEEDBACK_CLOSE_AFTER_DAYS)
    ids = list(
        SatisfactionSurvey.objects.filter(handled_at__isnull=True, answered_at__isnull=True, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    closed = 0
    note = _closing_note("unanswered")
    for survey_id in ids:
        with transaction.atomic():
            survey = (
                SatisfactionSurvey.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("report")
                .filter(pk=survey_id, handled_at__isnull=True, answered_at__isnull=True)
                .first()
            )
            if survey is None:
                continue  # answered or handled meanwhile
            survey.handled_at = now
            survey.save(update_fields=["handled_at"])
            closed += _close(report=survey.report, note=note)
    return closed
