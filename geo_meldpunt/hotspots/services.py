"""Writes of recurring hotspots: the weekly snapshot, the detections kept for other periods, a planner's structural
action.

Pages never detect: the detection clusters every report of the period (seconds at a city's size: 6 to 9 s over a
year of 1,000,000 reports, docs/benchmarks.md). The list without filters reads the weekly snapshot; another period,
a category or the yearly report reads a detection the worker computed and kept (hotspots_detection_request asks for
it; the page says it is being prepared meanwhile).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.reports.models import Category

from . import selectors
from .models import Action, Detection, Hotspot, Observation, Snapshot
from .periods import default_period
from .selectors import Source, State, StoredHotspots

# The tunables a detection depends on: a stored result made with other values answers another question.
PARAMETERS = (
    "HOTSPOTS_EPS_M",
    "HOTSPOTS_MIN_POINTS",
    "HOTSPOTS_MIN_REPORTS",
    "HOTSPOTS_MIN_MONTHS",
    "HOTSPOTS_TREND_MONTHS",
    "HOTSPOTS_TREND_RATIO",
    "HOTSPOTS_MATCH_DISTANCE_M",
)

logger = logging.getLogger(__name__)


def _parameters() -> dict[str, Any]:
    return {name: getattr(settings, name) for name in PARAMETERS}


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
            "parameters": _parameters(),
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


def _send(task_name: str, *args: Any) -> None:
    """Hand a task to the broker. Never raises: a page that asked for a computation must not become an error page
    because Redis is down (any exception: Redis, kombu and socket errors share no base class); the request is
    asked again after HOTSPOTS_DETECTION_RETRY_MINUTES, or by the next reader of a late snapshot."""
    from . import tasks  # tasks import this module

    try:
        getattr(tasks, task_name).delay(*args)
    except Exception:  # noqa: BLE001 - see the docstring
        logger.warning("hotspots task %s%s could not be queued", task_name, args, exc_info=True)


def _queue(task_name: str, *args: Any) -> None:
    """Send a hotspots task (a function of tasks.py) after commit."""
    transaction.on_commit(partial(_send, task_name, *args))


def hotspots_weekly_read(*, now: dt.datetime) -> StoredHotspots:
    """The hotspots of the latest weekly snapshot, up to HOTSPOTS_LIST_LIMIT. When there is none, or the latest was
    taken more than HOTSPOTS_SNAPSHOT_MAX_AGE_DAYS ago (the weekly job missed its run), this week's snapshot is asked
    of the worker (once an hour at most per web process; a second snapshot in a week changes nothing)."""
    today = timezone.localdate(now)
    snapshot = selectors.snapshot_latest()
    late = snapshot is None or now - snapshot.taken_at > dt.timedelta(days=settings.HOTSPOTS_SNAPSHOT_MAX_AGE_DAYS)
    if late and cache.add(f"hotspots:snapshot-asked:{today - dt.timedelta(days=today.weekday())}", True, 3600):
        _queue("take_weekly_snapshot")
    if snapshot is None:
        start, end = default_period(today, settings.HOTSPOTS_PERIOD_MONTHS)
        return StoredHotspots(Source.SNAPSHOT, State.PREPARING, start, end, None, [])
    return StoredHotspots(
        source=Source.SNAPSHOT,
        state=State.LATE if late else State.READY,
        start=snapshot.period_start,
        end=snapshot.period_end,
        computed_at=snapshot.taken_at,
        hotspots=selectors.snapshot_hotspots(snapshot, limit=settings.HOTSPOTS_LIST_LIMIT),
    )


def _detection_key(start: dt.date, end: dt.date, category: Category | None, parameters: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(parameters, sort_keys=True).encode()).hexdigest()[:16]
    return f"{start.isoformat()}/{end.isoformat()}/{category.pk if category else 'all'}/{digest}"


def _needs_computing(detection: Detection, now: dt.datetime) -> bool:
    if detection.pending:
        # Asked for and not done: asked again only when the message or the worker was probably lost.
        return now - detection.requested_at > dt.timedelta(minutes=settings.HOTSPOTS_DETECTION_RETRY_MINUTES)
    assert detection.computed_at is not None
    if timezone.localdate(detection.computed_at) >= detection.period_end:
        return False  # computed after the period ended: final
    return now - detection.computed_at > dt.timedelta(hours=settings.HOTSPOTS_DETECTION_FRESH_HOURS)


def hotspots_detection_get_or_create(
    *, start: dt.date, end: dt.date, category: Category | None, now: dt.datetime
) -> tuple[Detection, bool]:
    """The kept detection of [start, end) and one category (or all) with today's tunables; a new one is empty, asked
    for at `now`. Queues nothing."""
    parameters = _parameters()
    return Detection.objects.get_or_create(
        key=_detection_key(start, end, category, parameters),
        defaults={
            "period_start": start,
            "period_end": end,
            "category": category,
            "parameters": parameters,
            "requested_at": now,
        },
    )


def hotspots_detection_request(
    *, start: dt.date, end: dt.date, category: Category | None, now: dt.datetime, limit: int | None = None
) -> StoredHotspots:
    """The kept detection of [start, end) (one category or all), and a computation asked of the worker (the
    `hotspots.detect` task, after commit) when there is none yet, when it is no longer fresh (a period still running,
    computed more than HOTSPOTS_DETECTION_FRESH_HOURS ago) or when an earlier request seems lost. Never detects in
    the caller's process. `limit`: how many of the stored hotspots to read (HOTSPOTS_LIST_LIMIT are stored)."""
    with transaction.atomic():
        detection, created = hotspots_detection_get_or_create(start=start, end=end, category=category, now=now)
        if created or _needs_computing(detection, now):
            if not created:
                # Another request may be deciding the same: the row lock makes one of them ask.
                detection = Detection.objects.select_for_update().get(pk=detection.pk)
            if created or _needs_computing(detection, now):
                detection.requested_at = now
                detection.save(update_fields=["requested_at"])
                _queue("detect", detection.pk)
    if detection.computed_at is None:
        state = State.PREPARING
    elif detection.pending:
        state = State.UPDATING
    else:
        state = State.READY
    return selectors.detection_stored(detection, state=state, limit=limit)


def hotspots_detection_compute(*, detection_id: int) -> Detection | None:
    """Detect the hotspots of a kept detection's period and category and store the HOTSPOTS_LIST_LIMIT highest
    (the worker's side of hotspots_detection_request; also the yearly report's management command). Seconds at a
    city's size. Returns None when the detection was deleted meanwhile."""
    detection = Detection.objects.filter(pk=detection_id).select_related("category").first()
    if detection is None:
        return None
    started = timezone.now()
    found = selectors.hotspots_detect(
        start=detection.period_start,
        end=detection.period_end,
        category=detection.category,
        limit=settings.HOTSPOTS_LIST_LIMIT,
    )
    detection.hotspots = selectors.stored_figures(found)
    detection.computed_at = started  # the figures are those of the reports as they were when it started
    detection.save(update_fields=["hotspots", "computed_at"])
    return detection
