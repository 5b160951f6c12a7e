"""E-mail templates (editable in the admin) and the outbox: every e-mail the service sends is a row here.

The outbox row is written in the transaction that causes the e-mail, so the e-mail exists exactly when the
change that caused it was committed; a Celery task sends it after commit (see outbox.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TemplateKey(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("acknowledgement to the reporter")
    FORWARDED = "forwarded", _("forwarded to an external body")
    WAITING_FOR_REPORTER = "waiting_for_reporter", _("waiting for the reporter")
    ANSWER = "answer", _("answer to the reporter")
    ANSWER_FOLLOWER = "answer_follower", _("answer to a follower")
    INADMISSIBLE = "inadmissible", _("not admissible: the reason, to the reporter")
    SATISFACTION_QUESTION = "satisfaction_question", _("satisfaction question")
    OMBUDSMAN_DETAILS = "ombudsman_details", _("ombudsman service details")
    COMPLIMENT_THANKS = "compliment_thanks", _("thanks for a compliment")
    COMPLIMENT_FORWARD = "compliment_forward", _("compliment forwarded to the department")
    DEPARTMENT_DIGEST = "department_digest", _("daily digest of overdue reports (department)")
    COORDINATOR_BREACHES = "coordinator_breaches", _("daily list of deadline breaches (coordinator)")
    FOLLOW_CONFIRMATION = "follow_confirmation", _("confirming a follower's e-mail address")


class EmailTemplate(models.Model):
    """One e-mail in one language. Subject and body use Django template syntax, rendered as plain text.

    The shipped defaults (notifications/defaults/<language>/<key>.txt) are written here by a data migration
    for every key and language, only where no row exists, so an edit in the admin is never overwritten.
    A missing row falls back to Dutch, then to the shipped default (see rendering.py).
    """

    key = models.CharField(_("e-mail"), max_length=40, choices=TemplateKey.choices)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"), help_text=_("Plain text with Django template syntax; nothing is escaped."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key", "language"]
        verbose_name = _("e-mail template")
        verbose_name_plural = _("e-mail templates")
        constraints = [models.UniqueConstraint(fields=["key", "language"], name="email_template_key_language")]

    def __str__(self) -> str:
        return f"{self.get_key_display()} ({self.language})"


class OutgoingEmail(models.Model):
    """An e-mail as it was sent (or is about to be): rendered text, recipient, and what happened to it.

    Rows are the record of what the service told whom; the report's e-mails are `report.emails`.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        # Handed to the SMTP server: committed before the conversation starts (outbox.email_send).
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    report = models.ForeignKey("reports.Report", null=True, blank=True, on_delete=models.CASCADE, related_name="emails")
    template_key = models.CharField(_("e-mail"), max_length=40, choices=TemplateKey.choices)
    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # Set for e-mails that must exist once only (a department's digest of a given day): a second try to queue
    # the same e-mail returns the first.
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    # When the row was last handed to the broker; the sweep re-queues rows still queued long after this.
    queued_at = models.DateTimeField(_("last queued"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # When the last attempt began its SMTP conversation (status "sending"); a row still sending
    # NOTIFICATIONS_SENDING_GRACE_S later was cut off (its worker died) and is sent again.
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=~models.Q(dedupe_key=""), name="outgoing_email_dedupe_key"
            )
        ]
        indexes = [
            # The sweep's question: which e-mails are still queued, and since when?
            models.Index(fields=["queued_at"], condition=models.Q(status="queued"), name="outgoing_email_queued_since"),
            # ... and which were cut off while sending?
            models.Index(
                fields=["sending_since"], condition=models.Q(status="sending"), name="outgoing_email_sending_since"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_key} → {self.to} ({self.status})"

    @property
    def message_id(self) -> str:
        """The Message-ID of this e-mail, the same on every attempt: a resend after a cut-off conversation is
        recognisably the same message to the recipient's mail server and mail program (see outbox.py)."""
        domain = settings.NOTIFICATIONS_FROM_EMAIL.rpartition("@")[2] or "localhost"
        return f"<meldpunt.{self.pk}.{self.created_at:%Y%m%d%H%M%S%f}@{domain}>"


class DigestRun(models.Model):
    """A day whose digests were queued. The next run reports the breaches since this day (none are skipped when
    the job did not run for a few days) and a second run on the same day sends nothing new."""

    on = models.DateField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    departments = models.PositiveIntegerField(default=0)
    breaches = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-on"]
        verbose_name = _("digest run")
        verbose_name_plural = _("digest runs")

    def __str__(self) -> str:
        return str(self.on)
