"""What was done with reporters' personal data, by whom and when: never the data itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PrivacyRecord(models.Model):
    """One anonymisation run, export or erasure. Written by geo_meldpunt.privacy.services only, never changed.

    It names the reports concerned by reference (what a later question about them needs) and counts what was
    cleared; it never holds an e-mail address, a name or a phone number, not even the one a request was about.
    """

    class Action(models.TextChoices):
        ANONYMISE = "anonymise", _("contact details cleared after the retention period")
        EXPORT = "export", _("a reporter's data exported on request")
        ERASE = "erase", _("a reporter's data erased on request")

    class Via(models.TextChoices):
        SCHEDULE = "schedule", _("scheduled job")
        COMMAND = "command", _("management command")
        ADMIN = "admin", _("admin")

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    action = models.CharField(_("what"), max_length=10, choices=Action.choices)
    via = models.CharField(_("how"), max_length=10, choices=Via.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty for the scheduled job."),
    )
    actor_name = models.CharField(_("who (name)"), max_length=150, blank=True)
    reason = models.CharField(_("request"), max_length=300, blank=True, help_text=_("e.g. the request's file number"))
    references = models.JSONField(_("reports"), default=list, blank=True)
    reports = models.PositiveIntegerField(_("reports cleared"), default=0)
    followers = models.PositiveIntegerField(_("followers removed"), default=0)
    surveys = models.PositiveIntegerField(_("survey addresses cleared"), default=0)
    emails = models.PositiveIntegerField(_("e-mails cleared"), default=0)
    cutoff = models.DateTimeField(_("closed before"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("data protection record")
        verbose_name_plural = _("data protection records")
        permissions = [("handle_reporter_request", _("Can export or erase a reporter's data on request"))]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d %H:%M}"
