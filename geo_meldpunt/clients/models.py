"""Third-party applications that file reports through Open311, and their API keys.

A key is shown once, when it is made; only its SHA-256 is stored, so a copy of the database gives no working key.
Revoking a key keeps its row: the reports it filed still name their application.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ClientApplication(models.Model):
    """An app or a city system that talks to the meldpunt (a 311 app, a neighbourhood platform)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("client application")
        verbose_name_plural = _("client applications")

    def __str__(self) -> str:
        return self.name


def default_rate_limit() -> int:
    return settings.CLIENTS_DEFAULT_RATE_LIMIT_PER_HOUR


class ApiKey(models.Model):
    application = models.ForeignKey(
        ClientApplication, on_delete=models.PROTECT, related_name="api_keys", verbose_name=_("client application")
    )
    label = models.CharField(_("label"), max_length=100, blank=True, help_text=_("What this key is for."))
    # The first characters of the key, to recognise it in lists; not enough to use it.
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    rate_limit_per_hour = models.PositiveIntegerField(
        _("requests per hour"), default=default_rate_limit, validators=[MinValueValidator(1)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    # The rate limit's fixed window: the hour it counts and the requests counted in it, bumped in one UPDATE.
    window_start = models.DateTimeField(null=True, blank=True, editable=False)
    window_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["application__name", "-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.application.name}: {self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
