"""The weekly snapshot keeps a hotspot's identity; an action's before/after counts."""

from __future__ import annotations

import datetime as dt

import pytest

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.hotspots import matching
from geo_meldpunt.hotspots.models import Action, Hotspot, Observation, Snapshot
from geo_meldpunt.hotspots.selectors import action_before_after
from geo_meldpunt.hotspots.services import hotspot_action_record, hotspots_snapshot_take
from geo_meldpunt.hotspots.tasks import take_weekly_snapshot
from tests.factories import CategoryFactory

from .helpers import at, near, plant, plant_recurring

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 2)


@pytest.fixture(autouse=True)
def _tunables(settings):
    settings.HOTSPOTS_EPS_M = 40
    settings.HOTSPOTS_MIN_POINTS = 3
    settings.HOTSPOTS_MIN_REPORTS = 5
    settings.HOTSPOTS_MIN_MONTHS = 3
    settings.HOTSPOTS_PERIOD_MONTHS = 12
    settings.HOTSPOTS_COMPARE_MONTHS = 6


@pytest.fixture
def litter():
    return CategoryFactory(name_nl="Sluikstort")


def test_two_weekly_runs_keep_the_same_hotspot_even_as_it_grows_and_moves_a_little(litter):
    first = plant_recurring(litter, [(2026, m) for m in (3, 4, 6, 7, 9)], origin=near(400, 180))
    other = plant_recurring(litter, [(2026, m) for m in (3, 5, 7, 9, 10)], origin=near(1500, 180))

    week1 = hotspots_snapshot_take(today=MONDAY + dt.timedelta(days=2))
    hotspots = {frozenset(o.report_ids): o.hotspot_id for o in week1.observations.all()}
    assert set(hotspots) == {frozenset(r.pk for r in first), frozenset(r.pk for r in other)}

    # The next week: three more reports at the first place, a little to one side.
    grown = [plant(litter, at(2026, 11, 5 + k), near(30 + 5 * k, 170, near(400, 180))) for k in range(3)]
    week2 = hotspots_snapshot_take(today=MONDAY + dt.timedelta(days=9))

    assert week2.week == MONDAY + dt.timedelta(days=7)
    seen = {o.hotspot_id: set(o.report_ids) for o in week2.observations.all()}
    assert seen[hotspots[frozenset(r.pk for r in first)]] == {r.pk for r in first + grown}
    assert seen[hotspots[frozenset(r.pk for r in other)]] == {r.pk for r in other}
    assert Hotspot.objects.count() == 2
    hotspot = Hotspot.objects.get(pk=hotspots[frozenset(r.pk for r in first)])
    assert (hotspot.first_seen, hotspot.last_seen) == (MONDAY, MONDAY + dt.timedelta(days=7))


def test_a_second_run_in_the_same_week_changes_nothing(litter):
    plant_recurring(litter, [(2026, m) for m in (3, 4, 6, 7, 9)])
    first = hotspots_snapshot_take(today=MONDAY)
    plant_recurring(litter, [(2026, m) for m in (3, 4, 6, 7, 9)], origin=near(1500, 180))

    assert hotspots_snapshot_take(today=MONDAY + dt.timedelta(days=4)) == first
    assert (Snapshot.objects.count(), Observation.objects.count(), Hotspot.objects.count()) == (1, 1, 1)


def test_the_beat_task_takes_this_weeks_snapshot(litter, settings):
    assert "hotspots-weekly-snapshot" in settings.CELERY_BEAT_SCHEDULE
    plant_recurring(litter, [(2026, m) for m in (3, 4, 6, 7, 9)])

    snapshot = Snapshot.objects.get(pk=take_weekly_snapshot())

    assert snapshot.observations.count() == 1 and snapshot.parameters["HOTSPOTS_EPS_M"] == 40


def test_matching_prefers_shared_reports_then_the_nearest_centre_within_reach():
    earlier = [
        matching.Candidate(1, frozenset({1, 2, 3}), (0.0, 0.0), key=10),
        matching.Candidate(1, frozenset({7, 8}), (50.0, 0.0), key=11),
        matching.Candidate(2, frozenset(), (0.0, 0.0), key=12),
    ]
    new = [
        matching.Candidate(1, frozenset({2, 3, 4}), (60.0, 0.0)),  # shares reports with 10, nearer to 11
        matching.Candidate(1, frozenset({9}), (45.0, 0.0)),  # shares nothing; 11 is within reach
        matching.Candidate(2, frozenset({5}), (500.0, 0.0)),  # same category as 12 but too far
    ]

    assert matching.match(new, earlier, max_distance_m=80) == {0: 10, 1: 11}


def test_an_action_shows_the_reports_per_month_before_and_after_it(litter):
    # Before the action (1 May): 2 a month in Jan-Apr. After: 1 in June, none since.
    place = near(400, 180)
    plant_recurring(litter, [(2026, m) for m in (1, 2, 3, 4)], origin=place, per_month=2)
    plant(litter, at(2026, 6, 10), near(10, 0, place))
    plant(CategoryFactory(), at(2026, 6, 11), place)  # another category at the same place
    plant(litter, at(2026, 6, 12), near(600, 180, place))  # far away
    hotspots_snapshot_take(today=dt.date(2026, 5, 4))
    hotspot = Hotspot.objects.get()

    action = hotspot_action_record(
        hotspot=hotspot, date=dt.date(2026, 5, 1), description="Camera geplaatst", by=None, today=dt.date(2026, 12, 3)
    )
    result = action_before_after(action=action, today=dt.date(2026, 12, 3))

    assert (result.before, result.after) == (8, 1)
    assert [(m.month.month, m.reports, m.side) for m in result.months] == [
        (11, 0, "before"),
        (12, 0, "before"),
        (1, 2, "before"),
        (2, 2, "before"),
        (3, 2, "before"),
        (4, 2, "before"),
        (5, 0, "action"),
        (6, 1, "after"),
        (7, 0, "after"),
        (8, 0, "after"),
        (9, 0, "after"),
        (10, 0, "after"),
    ]
    assert result.verdict == "shrunk" and result.after_per_month < result.before_per_month


def test_an_action_taken_last_week_is_too_early_to_judge_and_one_in_the_future_is_refused(litter):
    plant_recurring(litter, [(2026, m) for m in (3, 4, 6, 7, 9)])
    hotspots_snapshot_take(today=MONDAY)
    hotspot = Hotspot.objects.get()
    today = dt.date(2026, 12, 3)

    recent = hotspot_action_record(
        hotspot=hotspot, date=dt.date(2026, 11, 28), description="Bord", by=None, today=today
    )
    assert action_before_after(action=recent, today=today).verdict == "too_early"

    with pytest.raises(ApplicationError) as refused:
        hotspot_action_record(hotspot=hotspot, date=dt.date(2026, 12, 4), description="Later", by=None, today=today)
    assert refused.value.field == "date"
    with pytest.raises(ApplicationError) as empty:
        hotspot_action_record(hotspot=hotspot, date=today, description="   ", by=None, today=today)
    assert empty.value.field == "description"
    assert Action.objects.count() == 1
