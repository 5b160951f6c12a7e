"""Writes of the feedback loop: asking how satisfied a reporter is, taking the answer, referring to the ombudsman.

The loop after an answer (`beantwoord`):
1. `survey_create` (called by reports.services.report_transition inside the answering transaction) stores a
   survey with a random token and queues the e-mail with its link, valid FEEDBACK_LINK_DAYS. Reopening the
   report withdraws it (`surveys_withdraw`, called there too).
2. `survey_score_store` takes a score 1-5 and a comment, once. A score at or under FEEDBACK_OMBUDSMAN_THRESHOLD
   also e-mails the ombudsman service's details (FEEDBACK_OMBUDSMAN_CONTACT), records an OmbudsmanReferral and an
   "ombudsman" history event; the page shows the same details at once.
3. `survey_unanswered_claim` marks a survey that went unanswered for FEEDBACK_CLOSE_AFTER_DAYS as handled.
Closing the report after 2 or 3 is a report service (reports.services.surveys), which calls these: this module
changes no status and imports no report service.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.notifications.contexts import public_url
from geo_meldpunt.notifications.models import TemplateKey
from geo_meldpunt.notifications.outbox import report_email_queue
from geo_meldpunt.reports.models import Kind, ReportEvent

from .models import OmbudsmanReferral, SatisfactionSurvey

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
    survey.question_email = report_email_queue(
        key=TemplateKey.SATISFACTION_QUESTION,
        report=report,
        to=survey.email,
        language=survey.language,
        dedupe_key=f"{TemplateKey.SATISFACTION_QUESTION}:{survey.pk}",
        extra={
            "survey_url": survey_url(survey),
            "expires_at": timezone.localtime(survey.expires_at),
            "link_days": settings.FEEDBACK_LINK_DAYS,
        },
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


def survey_score_store(*, token: str, score: int | str | None, comment: str = "") -> SurveyOutcome:
    """Store the reporter's score (1-5) and comment, once; refer a dissatisfied reporter to the ombudsman.

    Call inside a transaction (reports.services.report_survey_answer, which closes the report in it). Refuses
    with SurveyLinkError an unknown, used or expired link, and with ApplicationError (field "score" or "comment")
    a missing score or an overlong comment. The survey row is locked, so the same link sent twice at once is
    answered once.
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
    referral = None
    if score <= settings.FEEDBACK_OMBUDSMAN_THRESHOLD:
        referral = _refer_to_ombudsman(survey=survey, report=survey.report)
    return SurveyOutcome(survey=survey, referral=referral)


def _refer_to_ombudsman(*, survey: SatisfactionSurvey, report) -> OmbudsmanReferral:
    contact = ombudsman_contact()
    email = report_email_queue(
        key=TemplateKey.OMBUDSMAN_DETAILS,
        report=report,
        to=survey.email,
        language=survey.language,
        dedupe_key=f"{TemplateKey.OMBUDSMAN_DETAILS}:{survey.pk}",
        extra={"ombudsman": contact, "score": survey.score},
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


def survey_unanswered_claim(*, survey_id: int, now: dt.datetime) -> SatisfactionSurvey | None:
    """Mark a survey that went unanswered as handled, so it never comes back; None when it was answered or taken
    meanwhile. Call inside the transaction that closes its report: the row stays locked until then, and another
    run skips it."""
    survey = (
        SatisfactionSurvey.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("report")
        .filter(pk=survey_id, handled_at__isnull=True, answered_at__isnull=True)
        .first()
    )
    if survey is None:
        return None
    survey.handled_at = now
    survey.save(update_fields=["handled_at"])
    return survey
