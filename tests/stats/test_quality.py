"""Timeliness, handling time, backlog, satisfaction and ombudsman referrals against hand-computed expectations.

Reports are made and handled through the services at set local times. The melding category answers within 10
working days: received Thursday 5 November 2026, acknowledgement due Friday 13 November (5 working days), answer
due Friday 20 November (Armistice Day, Wednesday 11, skipped). Waiting for the reporter from Friday 6 to Thursday
12 November moves the answer deadline by 3 working days to Wednesday 25 November.
"""

from __future__ import annotations

import datetime as dt

import pytest

from geo_meldpunt.reports.models import Status
from geo_meldpunt.reports.services import report_answer, report_survey_answer, report_transition
from geo_meldpunt.staff.groups import COORDINATOR
from geo_meldpunt.stats import quality
from geo_meldpunt.stats.filters import MONTH, Period, ReportFilter
from tests.factories import CategoryFactory, DepartmentFactory, ReportFactory
from tests.staff.helpers import staff_user

from .conftest import at

D = dt.date
NOVEMBER = Period.containing(D(2026, 11, 1), MONTH)
TODAY = D(2026, 11, 30)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock):
    roads, parks = DepartmentFactory(), DepartmentFactory()
    road = CategoryFactory(department=roads, answer_days=10, working_days=True)
    park = CategoryFactory(department=parks, answer_days=10, working_days=True)
    by = staff_user(COORDINATOR)

    def step(report, to, when, note=""):
        clock.now = when
        return report_transition(report=report, to=to, by=by, note=note)

    def answer(report, when, score=None):
        clock.now = when
        report = report_answer(report=report, by=by, text="Hersteld.")
        if score is not None:
            report_survey_answer(token=report.surveys.get().token, score=score)
        return report

    clock.now = at(2026, 11, 5)
    a, b, c = (ReportFactory(category=road) for _ in range(3))
    d, e = ReportFactory(category=park), ReportFactory(category=park)
    assert (a.acknowledge_due, a.answer_due) == (D(2026, 11, 13), D(2026, 11, 20))

    # A: acknowledged at once, waited for the reporter 6-12 November, answered on 24 November: late against the
    # first deadline (20th), on time against the moved one (25th). Satisfied (4).
    a = step(a, Status.ONTVANGEN, at(2026, 11, 5, 14))
    a = step(a, Status.WACHT_OP_MELDER, at(2026, 11, 6), note="Welk huisnummer?")
    a = step(a, Status.IN_BEHANDELING, at(2026, 11, 12))
    assert a.answer_due == D(2026, 11, 25)
    answer(a, at(2026, 11, 24), score=4)
    # B: acknowledged the next day, answered on 26 November (after the 20th): late. Dissatisfied (1): referred.
    b = step(b, Status.ONTVANGEN, at(2026, 11, 6))
    answer(b, at(2026, 11, 26), score=1)
    # C: acknowledged on Monday 16 November (after the 13th: late), answered on 19 November: on time.
    c = step(c, Status.ONTVANGEN, at(2026, 11, 16))
    answer(c, at(2026, 11, 19))
    # D: nobody touched it: both deadlines are past on the 30th.
    # E: acknowledged at once and waiting for the reporter since 6 November: its answer is not due yet.
    e = step(e, Status.ONTVANGEN, at(2026, 11, 5, 11))
    step(e, Status.WACHT_OP_MELDER, at(2026, 11, 6), note="Foto?")
    # F: received on 28 November, nothing is due yet.
    clock.now = at(2026, 11, 28)
    ReportFactory(category=park)
    # October, the previous month: answered on time.
    clock.now = at(2026, 10, 5)
    g = ReportFactory(category=road)
    answer(g, at(2026, 10, 9))
    clock.now = at(2026, 11, 30, 12)
    return {"roads": roads, "parks": parks, "road": road, "park": park, "d": d}


def test_deadlines_met_with_paused_time_and_holidays(world):
    q = quality.report_timeliness(period=NOVEMBER, report_filter=ReportFilter(), today=TODAY)

    total = q.total
    assert total.received == 6
    # Acknowledgement known for A, B, C (acknowledged), D (late), E (acknowledged); F not due yet.
    assert (total.acknowledge_decided, total.acknowledged_on_time) == (5, 3)  # A, B, E on time
    # Answer known for A, B, C (answered) and D (late); E is paused, F not due.
    assert (total.answer_decided, total.answered_on_time) == (4, 2)  # A (thanks to the pause) and C
    assert total.answered_share == 0.5
    # Handling time: C 14 days, A 19, B 21. Median 19; p90 = 19 + 0.8 * (21 - 19).
    assert total.answered == 3
    assert total.median_days == pytest.approx(19)
    assert total.p90_days == pytest.approx(20.6)
    # One of the three answered reporters was referred to the ombudsman.
    assert total.referred == 1 and total.referred_share == pytest.approx(1 / 3)

    assert (q.previous_total.received, q.previous_total.answered_on_time, q.previous_total.answer_decided) == (1, 1, 1)


def test_per_department_and_category(world):
    q = quality.report_timeliness(period=NOVEMBER, report_filter=ReportFilter(), today=TODAY)

    roads = next(t for t in q.by_department if t.key == world["roads"].pk)
    parks = next(t for t in q.by_department if t.key == world["parks"].pk)
    assert (roads.received, roads.answer_decided, roads.answered_on_time, roads.referred) == (3, 3, 2, 1)
    assert (parks.received, parks.acknowledge_decided, parks.acknowledged_on_time) == (3, 2, 1)  # D late, E on time
    assert (parks.answer_decided, parks.answered_on_time, parks.median_days) == (1, 0, None)
    assert q.previous_by_department[world["roads"].pk].answered_share == 1
    assert {t.key for t in q.by_category} == {world["road"].pk, world["park"].pk}
    assert [t.key for t in q.by_department][0] in {world["roads"].pk, world["parks"].pk}


def test_a_filter_narrows_timeliness(world):
    q = quality.report_timeliness(
        period=NOVEMBER, report_filter=ReportFilter(department_id=world["parks"].pk), today=TODAY
    )
    assert (q.total.received, q.total.answer_decided, q.total.answered) == (3, 1, 0)
    assert q.total.answered_share == 0


def test_the_open_backlog_and_its_age(world):
    total, departments = quality.open_backlog(report_filter=ReportFilter(), now=at(2026, 11, 30, 12))

    # Open: D (new since 5 November), E (waiting since the 6th, received the 5th), F (new since the 28th).
    assert total.open == 3
    assert total.overdue == 1  # D; E's clock is paused, F is not due
    assert (total.under_week, total.week_to_month, total.month_to_quarter, total.over_quarter) == (1, 2, 0, 0)
    assert total.oldest_age_days == pytest.approx(25 + 2 / 24)
    assert total.median_age_days == pytest.approx(25 + 2 / 24)
    assert [(b.key, b.open) for b in departments] == [(world["parks"].pk, 3)]


def test_the_satisfaction_distribution(world):
    s = quality.satisfaction_scores(period=NOVEMBER, report_filter=ReportFilter())
    assert s.current == {1: 1, 2: 0, 3: 0, 4: 1, 5: 0}
    assert s.previous == {1: 0, 2: 0, 3: 0, 4: 0, 5: 0}
    assert s.mean == 2.5 and s.previous_mean is None
