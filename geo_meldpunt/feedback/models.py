"""Satisfaction after an answer, and the hand-off of dissatisfied reporters to the ombudsman service."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_survey_token() -> str:
    # 32 random bytes: the token is the only key to the survey page, so it must not be guessable.
    return secrets.token_urlsafe(32)


class SatisfactionSurvey(models.Model):
    """One question after one answer: a score of 1-5 and a comment, through a link that works once.

    The link is valid until `expires_at` (FEEDBACK_LINK_DAYS after the answer) and only while unanswered.
    A newer answer to the same report withdraws an older, unanswered survey (only the latest answer is rated).
    `handled_at` marks a survey that needs no more work from the daily job: answered, withdrawn, or expired and
    its report closed.
    """

    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="surveys")
    token = models.CharField(max_length=64, unique=True, default=new_survey_token)
    email = models.EmailField(_("sent to"))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="nl")
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    expires_at = models.DateTimeField(_("link valid until"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    # The e-mail that asked the question (the outbox row), and what made this survey: the answer's history
    # event, so a second call for the same answer returns this survey instead of a second one.
    question_email = models.ForeignKey(
        "notifications.OutgoingEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_key = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="survey_score_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | models.Q(score__isnull=False),
                name="survey_answer_has_score",
            ),
            models.UniqueConstraint(
                fields=["source_key"], condition=~models.Q(source_key=""), name="survey_source_key"
            ),
        ]
        indexes = [
            # The daily job's question: which surveys still wait for an answer, since when?
            models.Index(fields=["created_at"], condition=models.Q(handled_at__isnull=True), name="survey_open"),
        ]

    def __str__(self) -> str:
        return f"{self.report} ({self.score or '-'})"


class OmbudsmanReferral(models.Model):
    """A dissatisfied reporter was given the ombudsman service's details: counts toward the flow to the ombudsman."""

    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="ombudsman_referrals")
    survey = models.OneToOneField(SatisfactionSurvey, on_delete=models.CASCADE, related_name="referral")
    created_at = models.DateTimeField(_("referred"), auto_now_add=True, db_index=True)
    email = models.ForeignKey(
        "notifications.OutgoingEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ombudsman referral")
        verbose_name_plural = _("ombudsman referrals")

    def __str__(self) -> str:
        return str(self.report)
