"""Deadline arithmetic without a database: weekends and Belgian public holidays."""

import datetime as dt

from geo_meldpunt.reports.sla import (
    Deadline,
    add_working_days,
    answer_deadline,
    due_date,
    is_working_day,
    working_days_between,
)

D = dt.date


def test_weekends_and_belgian_holidays_are_not_working_days():
    assert not is_working_day(D(2026, 11, 28))  # Saturday
    assert not is_working_day(D(2026, 11, 11))  # Armistice, a Wednesday
    assert not is_working_day(D(2026, 7, 21))  # National Day
    assert not is_working_day(D(2026, 4, 6))  # Easter Monday
    assert is_working_day(D(2026, 11, 27))


def test_five_working_days_skip_a_weekend_and_a_holiday():
    # Monday 9 November 2026 + 5 working days: 10, 12, 13, 16, 17 (11 November is Armistice Day).
    assert add_working_days(D(2026, 11, 9), 5) == D(2026, 11, 17)


def test_across_christmas_and_new_year():
    # Wednesday 23 December 2026 + 3 working days: 24, 28, 29 (25 December and the weekend skipped).
    assert add_working_days(D(2026, 12, 23), 3) == D(2026, 12, 29)
    # Thursday 31 December + 1: 1 January is a holiday, 2–3 January a weekend.
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_working_days_between_counts_what_a_pause_takes_off_the_clock():
    assert working_days_between(D(2026, 11, 6), D(2026, 11, 13)) == 4  # 9, 10, 12, 13 (11th a holiday)
    assert working_days_between(D(2026, 11, 13), D(2026, 11, 13)) == 0


def test_deadlines_per_kind_and_category():
    assert answer_deadline(kind="klacht", category_days=10, category_working_days=True) == Deadline(45, False)
    assert answer_deadline(kind="suggestie", category_days=10, category_working_days=True) == Deadline(30, False)
    assert answer_deadline(kind="melding", category_days=10, category_working_days=True) == Deadline(10, True)
    assert due_date(D(2026, 11, 28), Deadline(45, False)) == D(2027, 1, 12)
