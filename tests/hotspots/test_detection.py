"""Detection: planted recurring clusters are found, noise is not; ranking; the "why" sentence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from geo_meldpunt.hotspots.selectors import hotspots_detect, hotspots_top
from geo_meldpunt.hotspots.text import why
from geo_meldpunt.reports.models import Kind, Report, Status
from tests.factories import CategoryFactory

from .helpers import CENTRE, at, near, plant, plant_recurring

pytestmark = pytest.mark.django_db

YEAR = (dt.date(2026, 1, 1), dt.date(2027, 1, 1))
MONTHS = [(2026, m) for m in (2, 3, 5, 6, 8, 9)]


@pytest.fixture(autouse=True)
def _tunables(settings):
    settings.HOTSPOTS_EPS_M = 40
    settings.HOTSPOTS_MIN_POINTS = 3
    settings.HOTSPOTS_MIN_REPORTS = 5
    settings.HOTSPOTS_MIN_MONTHS = 3
    settings.HOTSPOTS_TREND_MONTHS = 3
    settings.HOTSPOTS_TREND_RATIO = 1.25


@pytest.fixture
def litter():
    return CategoryFactory(name_nl="Sluikstort", name_en="Fly-tipping")


@pytest.fixture
def lamp():
    return CategoryFactory(name_nl="Straatlamp stuk", name_en="Broken street lamp")


def detect(**kw):
    return hotspots_detect(start=YEAR[0], end=YEAR[1], **kw)


def test_a_place_where_one_category_comes_back_month_after_month_is_a_hotspot(litter):
    planted = plant_recurring(litter, MONTHS)

    [hotspot] = detect()

    assert hotspot.category == litter
    assert sorted(hotspot.report_ids) == sorted(r.pk for r in planted)
    assert (hotspot.reports, hotspot.months, hotspot.reporters) == (6, 6, 6)
    assert hotspot.radius_m <= 40
    assert hotspot.department == planted[0].department
    assert abs(hotspot.lat - CENTRE.y) < 0.0005 and abs(hotspot.lon - CENTRE.x) < 0.0005


def test_scattered_reports_a_one_month_burst_and_another_category_at_the_same_place_are_not(litter, lamp):
    # Scattered: one a month, each 300 m from the others.
    for index, (year, month) in enumerate(MONTHS):
        plant(litter, at(year, month), near(300 * (index + 1), 200))
    # A burst: twelve reports in one week of one month, at one spot (a festival, not a recurring problem).
    burst_place = near(500, 180)
    for day in range(1, 13):
        plant(litter, at(2026, 7, day), near(day, 0, burst_place))
    # Mixed categories at one place: 3 litter in 3 months and 3 lamps in 3 other months; neither reaches 5.
    for month in (2, 4, 6):
        plant(litter, at(2026, month), near(5, 0, near(800, 135)))
    for month in (3, 5, 7):
        plant(lamp, at(2026, month), near(5, 0, near(800, 135)))

    assert detect() == []


def test_reports_outside_the_period_merged_or_inadmissible_ones_and_compliments_do_not_count(litter):
    planted = plant_recurring(litter, MONTHS)
    assert len(detect()) == 1
    # February leaves the period: five reports remain, still a hotspot; March too, and four are not enough.
    assert hotspots_detect(start=dt.date(2026, 3, 1), end=YEAR[1])[0].reports == 5
    assert hotspots_detect(start=dt.date(2026, 4, 1), end=YEAR[1]) == []
    # Each of these takes one report away: merged into another, not admissible, a compliment.
    Report.objects.filter(pk=planted[0].pk).update(status=Status.SAMENGEVOEGD)
    assert [h.reports for h in detect()] == [5]
    Report.objects.filter(pk=planted[1].pk).update(status=Status.NIET_ONTVANKELIJK)
    assert detect() == []
    Report.objects.filter(pk=planted[1].pk).update(status=Status.NIEUW, kind=Kind.COMPLIMENT)
    assert detect() == []


def test_the_category_filter_keeps_that_categorys_hotspots(litter, lamp):
    plant_recurring(litter, MONTHS)
    plant_recurring(lamp, MONTHS, origin=near(1000, 160))

    assert {h.category for h in detect()} == {litter, lamp}
    assert [h.category for h in detect(category=lamp)] == [lamp]


def test_hotspots_rank_by_reports_then_reporters_then_months_then_impact_then_trend(litter, lamp):
    # A: 8 reports. B and C: 6 reports; B has 6 reporters, C one reporter for all. D, E: 5 reports, 5 reporters,
    # 5 months; D's felt impact 5, E's 2.
    a = plant_recurring(litter, MONTHS + [(2026, 10), (2026, 11)], origin=near(600, 180))
    b = plant_recurring(litter, MONTHS, origin=near(1200, 180))
    c = plant_recurring(lamp, MONTHS, origin=near(1800, 180))
    Report.objects.filter(pk__in=[r.pk for r in c]).update(reporter_email="dezelfde@example.org")
    d = plant_recurring(lamp, MONTHS[:5], origin=near(2400, 180))
    Report.objects.filter(pk__in=[r.pk for r in d]).update(impact=5)
    e = plant_recurring(lamp, MONTHS[:5], origin=near(3000, 180))
    Report.objects.filter(pk__in=[r.pk for r in e]).update(impact=2)

    found = detect()

    firsts = [min(h.report_ids) for h in found]
    assert firsts == [min(r.pk for r in group) for group in (a, b, c, d, e)]
    assert [h.reporters for h in found[:3]] == [8, 6, 1]
    assert [h.rank for h in found] == [1, 2, 3, 4, 5]
    assert [h.category for h in hotspots_top(start=YEAR[0], end=YEAR[1], limit=2)] == [litter, litter]


def test_the_trend_compares_the_last_months_with_the_earlier_ones(litter, lamp):
    # Rising: 1 a month for six months, then 3 a month in the last three months of the period (Oct-Dec).
    rising = plant_recurring(litter, [(2026, m) for m in (1, 3, 5, 7)], origin=near(600, 160))
    rising += plant_recurring(litter, [(2026, 10), (2026, 11), (2026, 12)], origin=near(600, 160), per_month=3)
    # Falling: 2 a month early in the year, nothing in the last three months.
    falling = plant_recurring(lamp, [(2026, m) for m in (1, 2, 3, 4)], origin=near(1200, 160), per_month=2)

    # Steady since it began in June: two a month. Stable, not "rising" against the empty months before June.
    graffiti = CategoryFactory(name_nl="Graffiti")
    plant_recurring(graffiti, [(2026, m) for m in range(6, 13)], origin=near(1800, 160), per_month=2)

    trends = {h.category: h.trend for h in detect()}

    assert trends == {litter: "rising", lamp: "falling", graffiti: "stable"}
    assert len(rising) == 13 and len(falling) == 8


def test_a_hotspot_says_why_it_is_one_in_the_pages_language(litter):
    plant_recurring(litter, MONTHS)
    [hotspot] = detect()
    with translation.override("nl"):
        assert hotspot.why == (
            f"6 meldingen ‘Sluikstort’ in 6 verschillende maanden binnen {hotspot.radius_m} m, dalend"
        )
    with translation.override("en"):
        assert hotspot.why == (f"6 reports “Fly-tipping” in 6 different months within {hotspot.radius_m} m, falling")
    with translation.override("nl"):
        assert why(reports=12, category="Sluikstort", months=7, radius_m=40, trend="rising") == (
            "12 meldingen ‘Sluikstort’ in 7 verschillende maanden binnen 40 m, stijgend"
        )
