"""Writes of recurring hotspots: the weekly snapshot and a planner's structural action."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError

from . import selectors
from .models import Action, Hotspot, Observation, Snapshot
from .periods import default_period


@transaction.atomic
def hotspots_snapshot_take(*, today: dt.date) -> Snapshot:
    """Detect the hotspots of the HOTSPOTS_PERIOD_MONTHS up to `today` and store them as this week's snapshot.

    Each cluster keeps the identity of the earlier hotspot it continues (matching.match); the others become new
    hotspots. One snapshot per week (the Monday of `today`'s week): a second run in the same week returns the
    first's snapshot and changes nothing, so a restarted beat does no harm.
    """
    week = today - dt.timedelta(days=today.weekday())
    start, end = default_period(today, settings.HOTSPOTS_PERIOD_MONTHS)
    snapshot, created = Snapshot.objects.get_or_create(
        week=week,
        defaults={
            "period_start": start,
            "period_end": end,
            "parameters": {
                name: getattr(settings, name)
                for name in (
                    "HOTSPOTS_EPS_M",
                    "HOTSPOTS_MIN_POINTS",
                    "HOTSPOTS_MIN_REPORTS",
                    "HOTSPOTS_MIN_MONTHS",
                    "HOTSPOTS_TREND_MONTHS",
                    "HOTSPOTS_TREND_RATIO",
                    "HOTSPOTS_MATCH_DISTANCE_M",
                )
            },
        },
    )
    if not created:
        return snapshot
    found = selectors.hotspots_detect(start=start, end=end)
    known = selectors.known_hotspots(category_ids={f.category.pk for f in found})
    continues = selectors.matching_pairs(found, known)
    existing = Hotspot.objects.in_bulk(continues.values())
    observations = []
    for index, figures in enumerate(found):
        centre = Point(figures.lon, figures.lat, srid=4326)
        fields: dict[str, Any] = {
            "department": figures.department,
            "centre": centre,
            "radius_m": figures.radius_m,
            "last_seen": week,
        }
        if index in continues:
            hotspot = existing[continues[index]]
            for name, value in fields.items():
                setattr(hotspot, name, value)
            hotspot.save(update_fields=[*fields])
        else:
            hotspot = Hotspot.objects.create(category=figures.category, first_seen=week, **fields)
        observations.append(
            Observation(
                snapshot=snapshot,
                hotspot=hotspot,
                rank=figures.rank,
                reports=figures.reports,
                reporters=figures.reporters,
                months=figures.months,
                mean_impact=figures.mean_impact,
                trend=figures.trend,
                centre=centre,
                radius_m=figures.radius_m,
                report_ids=figures.report_ids,
            )
        )
    Observation.objects.bulk_create(observations)
    return snapshot


@transaction.atomic
def hotspot_action_record(*, hotspot: Hotspot, date: dt.date, description: str, by: Any, today: dt.date) -> Action:
    """Record a structural action taken on a hotspot. The caller checked the role (planner or coordinator)."""
    description = description.strip()
    if not description:
        raise ApplicationError(_("Say what was done."), field="description")
    if date > today:
        raise ApplicationError(
            _("An action is recorded once it has been taken: the date cannot be in the future."), field="date"
        )
    return Action.objects.create(hotspot=hotspot, date=date, description=description, created_by=by)
