"""Counts per dimension and the trend, against hand-counted expectations: period boundaries at local midnight in
Europe/Brussels (not UTC), the previous period beside the current one, and filters that combine."""

from __future__ import annotations

import datetime as dt

import pytest

from geo_meldpunt.staff.groups import PHONE_DESK
from geo_meldpunt.stats import dashboard
from geo_meldpunt.stats.filters import MONTH, WEEK, Period, ReportFilter
from tests.factories import CategoryFactory, DepartmentFactory, ReportFactory
from tests.staff.helpers import staff_user

from .conftest import at

D = dt.date

pytestmark = pytest.mark.django_db


def test_periods_start_on_monday_the_first_of_the_month_and_new_year_in_brussels():
    week = Period.containing(D(2026, 3, 4), WEEK)  # a Wednesday
    assert (week.first, week.last, week.previous_first) == (D(2026, 3, 2), D(2026, 3, 8), D(2026, 2, 23))
    march = Period.containing(D(2026, 3, 31), MONTH)
    assert (march.first, march.next_first, march.previous_first) == (D(2026, 3, 1), D(2026, 4, 1), D(2026, 2, 1))
    january = Period.containing(D(2026, 1, 15), MONTH)
    assert january.previous_first == D(2025, 12, 1)
    year = Period.year(2026)
    # Local midnight: 23:00 UTC the evening before in winter.
    assert year.start.astimezone(dt.UTC) == dt.datetime(2025, 12, 31, 23, 0, tzinfo=dt.UTC)
    assert Period.containing(D(2026, 7, 1), MONTH).start.astimezone(dt.UTC).hour == 22  # summer time
    assert len(year.buckets()) == 12 and len(march.buckets()) == 31 and len(march.buckets(previous=True)) == 28


@pytest.fixture
def world(clock):
    """Reports at the edges of 2026 and of March 2026, in two departments and two channels."""
    roads, parks = DepartmentFactory(), DepartmentFactory()
    desk = staff_user(PHONE_DESK)  # the phone channel is the phone desk's
    road, park = CategoryFactory(department=roads), CategoryFactory(department=parks)

    def made(when, **kwargs):
        clock.now = when
        return ReportFactory(**kwargs)

    # New Year's night: 00:30 on 1 January in Oostende is still 31 December in UTC; 23:30 on 31 December is 2025.
    made(at(2026, 1, 1, 0, 30), category=road)
    made(at(2025, 12, 31, 23, 30), category=road)
    # March 2026 (current) and February 2026 (previous), with the last minute of February and of March.
    made(at(2026, 3, 1, 0, 5), category=road, channel="phone", created_by=desk)
    made(at(2026, 3, 15), category=park, kind="klacht")
    made(at(2026, 3, 31, 23, 59), category=park)
    made(at(2026, 2, 28, 23, 59), category=road)
    made(at(2026, 2, 10), category=park, channel="phone", created_by=desk)
    made(at(2026, 4, 1, 0, 0), category=road)  # April: in neither period of March
    return {"roads": roads, "parks": parks, "road": road, "park": park}


def by_key(counts, dimension):
    return {c.key: (c.current, c.previous) for c in counts.by[dimension]}


def test_a_month_beside_the_previous_month_per_dimension(world):
    counts = dashboard.report_counts(period=Period.containing(D(2026, 3, 10), MONTH), report_filter=ReportFilter())

    assert (counts.total, counts.previous_total) == (3, 2)
    assert by_key(counts, dashboard.KIND) == {"melding": (2, 2), "klacht": (1, 0)}
    assert by_key(counts, dashboard.CHANNEL) == {"web": (2, 1), "phone": (1, 1)}
    assert by_key(counts, dashboard.DEPARTMENT) == {world["roads"].pk: (1, 1), world["parks"].pk: (2, 1)}
    assert by_key(counts, dashboard.CATEGORY) == {world["road"].pk: (1, 1), world["park"].pk: (2, 1)}
    # Largest first.
    assert [c.key for c in counts.by[dashboard.DEPARTMENT]] == [world["parks"].pk, world["roads"].pk]


def test_new_years_night_counts_in_the_local_year(world):
    counts = dashboard.report_counts(period=Period.year(2026), report_filter=ReportFilter())
    # 2026: New Year's night, four in February-March, April's (one in 2025 is the previous year).
    assert (counts.total, counts.previous_total) == (7, 1)


def test_filters_combine(world):
    period = Period.containing(D(2026, 3, 10), MONTH)
    both = ReportFilter(department_id=world["parks"].pk, channel="web")
    counts = dashboard.report_counts(period=period, report_filter=both)
    assert (counts.total, counts.previous_total) == (2, 0)
    klacht = dashboard.report_counts(
        period=period, report_filter=ReportFilter(kind="klacht", category_id=world["park"].pk)
    )
    assert (klacht.total, klacht.previous_total) == (1, 0)
    none = dashboard.report_counts(period=period, report_filter=ReportFilter(kind="klacht", channel="phone"))
    assert (none.total, none.previous_total, none.by[dashboard.KIND]) == (0, 0, [])


def test_a_parent_category_takes_its_children_along(clock):
    parent = CategoryFactory()
    child = CategoryFactory(parent=parent, department=parent.department)
    clock.now = at(2026, 3, 5)
    ReportFactory(category=child)
    ReportFactory(category=parent)
    counts = dashboard.report_counts(
        period=Period.containing(D(2026, 3, 5), MONTH), report_filter=ReportFilter(category_id=parent.pk)
    )
    assert counts.total == 2


def test_the_trend_puts_each_day_beside_the_same_day_of_the_previous_month(world):
    steps = dashboard.report_trend(period=Period.containing(D(2026, 3, 10), MONTH), report_filter=ReportFilter())

    assert len(steps) == 31
    first, fifteenth, last = steps[0], steps[14], steps[30]
    assert (first.first, first.current, first.previous_first, first.previous) == (D(2026, 3, 1), 1, D(2026, 2, 1), 0)
    assert (fifteenth.current, fifteenth.previous) == (1, 0)
    assert (steps[9].previous_first, steps[9].previous) == (D(2026, 2, 10), 1)
    assert (steps[27].previous_first, steps[27].previous) == (D(2026, 2, 28), 1)  # 23:59 local, 22:59 UTC
    # February has no 31st: nothing beside it.
    assert (last.first, last.current, last.previous_first, last.previous) == (D(2026, 3, 31), 1, None, None)
    assert sum(s.current for s in steps) == 3


def test_the_yearly_trend_counts_per_local_month(world):
    steps = dashboard.report_trend(period=Period.year(2026), report_filter=ReportFilter())
    assert [s.current for s in steps] == [1, 2, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    assert [s.previous for s in steps] == [0] * 11 + [1]
