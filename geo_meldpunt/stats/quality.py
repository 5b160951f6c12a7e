"""How well the city answers: deadlines met, handling time, the open backlog and its age, satisfaction and the
referrals to the ombudsman. Set-based SQL, one query per figure whatever the number of reports.

The deadlines are the report's own (acknowledge_due, answer_due: local dates, the last day allowed), stored at
creation by reports/sla.py with working days and Belgian holidays, and moved by the paused time while waiting for
the reporter, so timeliness here is a plain comparison of dates.

Timeliness is counted over the reports received in the period (a cohort), among those whose outcome is known:
- acknowledged: acknowledged at all, or not acknowledged and its acknowledge_due is past;
- answered: answered (answered_at, the last answer), or still owed with the clock running (ANSWER_CLOCK_STATUSES)
  and answer_due past. A report waiting for the reporter, forwarded to an external body, merged or not admissible
  is left out until it is answered: the city's clock does not run for it.
"On time": the local date of the acknowledgement or answer is on or before its deadline.
Handling time: from receipt to the (last) answer, in calendar days, over answered reports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from geo_meldpunt.reports.choices import ACKNOWLEDGE_CLOCK_STATUSES, ANSWER_CLOCK_STATUSES, OPEN_STATUSES

from .filters import Period, ReportFilter, city_tz

DAY_SECONDS = 86400.0


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


@dataclass(frozen=True)
class Timeliness:
    key: int | None  # department or category id; None for the whole
    received: int
    acknowledge_decided: int
    acknowledged_on_time: int
    answer_decided: int
    answered_on_time: int
    answered: int
    median_days: float | None
    p90_days: float | None
    referred: int  # answered reports whose reporter was referred to the ombudsman

    @property
    def acknowledged_share(self) -> float | None:
        return _share(self.acknowledged_on_time, self.acknowledge_decided)

    @property
    def answered_share(self) -> float | None:
        return _share(self.answered_on_time, self.answer_decided)

    @property
    def referred_share(self) -> float | None:
        return _share(self.referred, self.answered)


@dataclass(frozen=True)
class Quality:
    total: Timeliness
    previous_total: Timeliness
    by_department: list[Timeliness]
    by_category: list[Timeliness]
    previous_by_department: dict[int, Timeliness]


_EMPTY = Timeliness(None, 0, 0, 0, 0, 0, 0, None, None, 0)


def _in(statuses: tuple[str, ...]) -> str:
    # The status names are the code's constants, not input.
    return "(" + ", ".join(f"'{s}'" for s in statuses) + ")"


def report_timeliness(*, period: Period, report_filter: ReportFilter, today: dt.date) -> Quality:
    """Timeliness, handling time and ombudsman referrals of the reports received in `period` and in the one
    before, in total, per department and per category. `today` decides which unanswered reports are late. One
    query: GROUPING SETS over (period, department), (period, category) and (period)."""
    where, params = report_filter.sql("r")
    local_ack = "(r.acknowledged_at AT TIME ZONE %(tz)s)::date"
    local_answer = "(r.answered_at AT TIME ZONE %(tz)s)::date"
    sql = (
        "SELECT GROUPING(r.department_id, r.category_id), r.current,"
        " r.department_id, r.category_id, count(*),"
        " count(*) FILTER (WHERE r.acknowledge_due IS NOT NULL AND (r.acknowledged_at IS NOT NULL"
        f"  OR (r.status IN {_in(ACKNOWLEDGE_CLOCK_STATUSES)} AND r.acknowledge_due < %(today)s))),"
        f" count(*) FILTER (WHERE r.acknowledged_at IS NOT NULL AND {local_ack} <= r.acknowledge_due),"
        " count(*) FILTER (WHERE r.answer_due IS NOT NULL AND (r.answered_at IS NOT NULL"
        f"  OR (r.status IN {_in(ANSWER_CLOCK_STATUSES)} AND r.answer_due < %(today)s))),"
        f" count(*) FILTER (WHERE r.answered_at IS NOT NULL AND {local_answer} <= r.answer_due),"
        " count(r.answered_at),"
        " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.answered_at - r.created_at)),"
        " percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM r.answered_at - r.created_at)),"
        " count(*) FILTER (WHERE r.answered_at IS NOT NULL AND EXISTS"
        "  (SELECT 1 FROM feedback_ombudsmanreferral o WHERE o.report_id = r.id))"
        " FROM (SELECT r.*, r.created_at >= %(start)s AS current FROM reports_report r"
        " WHERE r.created_at >= %(previous_start)s AND r.created_at < %(end)s" + where + ") r"
        " GROUP BY GROUPING SETS ((r.current, r.department_id), (r.current, r.category_id), (r.current))"
    )
    params |= {
        "tz": str(city_tz()),
        "today": today,
        "start": period.start,
        "end": period.end,
        "previous_start": period.previous_start,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    totals: dict[bool, Timeliness] = {}
    by_department: dict[bool, list[Timeliness]] = {True: [], False: []}
    by_category: list[Timeliness] = []
    for grouping, current, department_id, category_id, *figures in rows:
        received, ack_decided, ack_on_time, answer_decided, answer_on_time, answered, median, p90, referred = figures
        item = Timeliness(
            key=department_id if grouping == 0b01 else category_id if grouping == 0b10 else None,
            received=received,
            acknowledge_decided=ack_decided,
            acknowledged_on_time=ack_on_time,
            answer_decided=answer_decided,
            answered_on_time=answer_on_time,
            answered=answered,
            median_days=None if median is None else median / DAY_SECONDS,
            p90_days=None if p90 is None else p90 / DAY_SECONDS,
            referred=referred,
        )
        if grouping == 0b11:
            totals[current] = item
        elif grouping == 0b01:
            by_department[current].append(item)
        elif current:
            by_category.append(item)
    order = lambda t: (-t.received, str(t.key))  # noqa: E731
    return Quality(
        total=totals.get(True, _EMPTY),
        previous_total=totals.get(False, _EMPTY),
        by_department=sorted(by_department[True], key=order),
        by_category=sorted(by_category, key=order),
        previous_by_department={t.key: t for t in by_department[False] if t.key is not None},
    )


@dataclass(frozen=True)
class Backlog:
    key: int | None  # department id; None for the whole
    open: int
    overdue: int
    under_week: int
    week_to_month: int
    month_to_quarter: int
    over_quarter: int
    median_age_days: float | None
    oldest_age_days: float | None


def open_backlog(*, report_filter: ReportFilter, now: dt.datetime) -> tuple[Backlog, list[Backlog]]:
    """Reports open at `now` (OPEN_STATUSES) and how long they have been open, in total and per department; overdue:
    a deadline whose clock runs is past (as the back office flags it). Not limited to a period. One query."""
    where, params = report_filter.sql("r")
    age = "(%(now)s - r.created_at)"
    sql = (
        "SELECT GROUPING(r.department_id), r.department_id, count(*),"
        f" count(*) FILTER (WHERE (r.status IN {_in(ACKNOWLEDGE_CLOCK_STATUSES)} AND r.acknowledge_due < %(today)s)"
        f"  OR (r.status IN {_in(ANSWER_CLOCK_STATUSES)} AND r.answer_due < %(today)s)),"
        f" count(*) FILTER (WHERE {age} < interval '7 days'),"
        f" count(*) FILTER (WHERE {age} >= interval '7 days' AND {age} < interval '30 days'),"
        f" count(*) FILTER (WHERE {age} >= interval '30 days' AND {age} < interval '90 days'),"
        f" count(*) FILTER (WHERE {age} >= interval '90 days'),"
        f" percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM {age})),"
        f" extract(epoch FROM max({age}))"
        f" FROM reports_report r WHERE r.status IN {_in(OPEN_STATUSES)}" + where + " GROUP BY GROUPING SETS"
        " ((r.department_id), ())"
    )
    params |= {"now": now, "today": now.astimezone(city_tz()).date()}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total = Backlog(None, 0, 0, 0, 0, 0, 0, None, None)
    departments = []
    for grouping, department_id, *figures in rows:
        open_count, overdue, under_week, week_to_month, month_to_quarter, over_quarter, median, oldest = figures
        item = Backlog(
            key=department_id,
            open=open_count,
            overdue=overdue,
            under_week=under_week,
            week_to_month=week_to_month,
            month_to_quarter=month_to_quarter,
            over_quarter=over_quarter,
            median_age_days=None if median is None else float(median) / DAY_SECONDS,
            oldest_age_days=None if oldest is None else float(oldest) / DAY_SECONDS,
        )
        if grouping:
            total = item
        else:
            departments.append(item)
    departments.sort(key=lambda b: (-b.open, str(b.key)))
    return total, departments


SCORES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Satisfaction:
    current: dict[int, int]  # score -> answered surveys, every score present
    previous: dict[int, int]

    @staticmethod
    def _mean(counts: dict[int, int]) -> float | None:
        n = sum(counts.values())
        return None if n == 0 else sum(score * c for score, c in counts.items()) / n

    @property
    def mean(self) -> float | None:
        return self._mean(self.current)

    @property
    def previous_mean(self) -> float | None:
        return self._mean(self.previous)


def satisfaction_scores(*, period: Period, report_filter: ReportFilter) -> Satisfaction:
    """Scores given in answered surveys about the reports received in `period` and in the one before. One query."""
    where, params = report_filter.sql("r")
    sql = (
        "SELECT s.score, count(*) FILTER (WHERE r.created_at >= %(start)s),"
        " count(*) FILTER (WHERE r.created_at < %(start)s)"
        " FROM feedback_satisfactionsurvey s JOIN reports_report r ON r.id = s.report_id"
        " WHERE s.answered_at IS NOT NULL AND r.created_at >= %(previous_start)s AND r.created_at < %(end)s"
        + where
        + " GROUP BY s.score"
    )
    params |= {"start": period.start, "end": period.end, "previous_start": period.previous_start}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    current = dict.fromkeys(SCORES, 0)
    previous = dict.fromkeys(SCORES, 0)
    for score, now_count, before_count in rows:
        current[score] = now_count
        previous[score] = before_count
    return Satisfaction(current=current, previous=previous)
