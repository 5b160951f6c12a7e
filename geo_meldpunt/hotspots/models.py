"""Hotspots as stored by the weekly snapshot: a hotspot keeps its identity across weeks, each snapshot observes it.

Detection itself stores nothing (selectors.hotspots_detect); these rows exist so that a planner's structural action
has something stable to hang on, and so that the weeks can be compared.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.utils.translation import gettext_lazy as _


class Trend(models.TextChoices):
    RISING = "rising", _("rising")
    STABLE = "stable", _("stable")
    FALLING = "falling", _("falling")


class Hotspot(models.Model):
    """One recurring place for one category. Its centre and radius are those of its latest observation."""

    category = models.ForeignKey("reports.Category", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "zones.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Geography: distances in metres, as reports' points.
    centre = models.PointField(geography=True, srid=4326)
    radius_m = models.PositiveIntegerField()
    first_seen = models.DateField(_("first seen"))
    last_seen = models.DateField(_("last seen"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_seen", "id"]
        verbose_name = _("hotspot")
        verbose_name_plural = _("hotspots")

    def __str__(self) -> str:
        return f"{self.category} #{self.pk}"


class Snapshot(models.Model):
    """One weekly run of the detection: the period it looked at and the tunables it used."""

    week = models.DateField(unique=True, help_text=_("Monday of the week the snapshot belongs to."))
    period_start = models.DateField()
    period_end = models.DateField()  # exclusive
    parameters = models.JSONField(default=dict)
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week"]


class Observation(models.Model):
    """A hotspot as one snapshot saw it: its figures and the reports behind it."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="observations")
    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="observations")
    rank = models.PositiveIntegerField()
    reports = models.PositiveIntegerField()
    reporters = models.PositiveIntegerField()
    months = models.PositiveIntegerField()
    mean_impact = models.FloatField(null=True)
    trend = models.CharField(max_length=10, choices=Trend.choices)
    centre = models.PointField(geography=True, srid=4326)
    radius_m = models.PositiveIntegerField()
    report_ids = ArrayField(models.BigIntegerField())

    class Meta:
        ordering = ["snapshot", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "hotspot"], name="hotspot_observation_once_per_snapshot")
        ]


class Action(models.Model):
    """A structural action taken on a hotspot (a camera, a bin moved, a street redesigned), recorded by a planner."""

    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="actions")
    date = models.DateField(_("date"))
    description = models.TextField(_("what was done"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("structural action")
        verbose_name_plural = _("structural actions")


class Detection(models.Model):
    """A detection over a period or category other than the weekly snapshot's, computed in the background (the
    `hotspots.detect` task) and kept, so that a page reads it instead of clustering a year of reports per request.

    One row per question (`key`: period, category and the tunables used). It is being prepared while `computed_at`
    is empty or older than `requested_at`; `hotspots` holds the ranked hotspots as plain data (selectors.
    stored_figures), as they were at `computed_at`.
    """

    key = models.CharField(max_length=200, unique=True)
    period_start = models.DateField()
    period_end = models.DateField()  # exclusive
    category = models.ForeignKey("reports.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    parameters = models.JSONField(default=dict)
    requested_at = models.DateTimeField()
    computed_at = models.DateTimeField(null=True, blank=True)
    hotspots = models.JSONField(default=list)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return self.key

    @property
    def pending(self) -> bool:
        """A computation has been asked for and has not finished yet."""
        return self.computed_at is None or self.computed_at < self.requested_at
