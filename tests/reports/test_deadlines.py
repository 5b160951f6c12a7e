"""Deadline arithmetic of one report, without a database: pauses, extensions, missed deadlines."""

import datetime as dt

import pytest

from geo_meldpunt.reports.sla import (
    ACKNOWLEDGE,
    ANSWER,
    DEFAULT_DEADLINES,
    Deadline,
    Pause,
    add_working_days,
    deadlines_for,
    extend,
    missed_deadlines,
    pause_length,
    working_days_between,
)

D = dt.date


def test_a_pause_over_a_weekend_and_national_day_counts_only_the_working_days():
    # Paused Friday 17 July 2026, resumed Wednesday 22: Saturday, Sunday, Monday 20, Tuesday 21 (National Day)
    # and Wednesday 22 passed; Monday and Wednesday are working days.
    assert pause_length(D(2026, 7, 17), D(2026, 7, 22)) == Pause(working_days=2, days=5)


def test_a_pause_within_one_day_or_over_a_weekend_only_takes_nothing_off():
    assert pause_length(D(2026, 11, 9), D(2026, 11, 9)) == Pause(working_days=0, days=0)
    # Friday to Sunday: two calendar days, no working day.
    assert pause_length(D(2026, 11, 6), D(2026, 11, 8)) == Pause(working_days=0, days=2)


def test_a_working_day_deadline_moves_by_exactly_the_paused_working_days():
    # A melding received Thursday 5 November 2026 with 10 working days: due Friday 20 November
    # (Armistice Day, Wednesday 11 November, skipped).
    due = add_working_days(D(2026, 11, 5), 10)
    assert due == D(2026, 11, 20)
    # Waiting for the reporter from Friday 6 to Thursday 12 November: Monday, Tuesday and Thursday off the clock.
    pause = pause_length(D(2026, 11, 6), D(2026, 11, 12))
    assert pause == Pause(working_days=3, days=6)

    moved = extend(due, Deadline(10, working_days=True), pause)

    assert moved == D(2026, 11, 25)
    assert working_days_between(due, moved) == pause.working_days


def test_a_calendar_deadline_moves_by_the_paused_calendar_days():
    assert extend(D(2026, 12, 20), Deadline(45, working_days=False), Pause(working_days=3, days=6)) == D(2026, 12, 26)


def test_two_pauses_move_a_deadline_as_far_as_one_pause_of_their_sum():
    due = D(2026, 12, 22)
    deadline = Deadline(10, working_days=True)
    one_by_one = extend(extend(due, deadline, Pause(2, 2)), deadline, Pause(3, 3))
    assert one_by_one == extend(due, deadline, Pause(5, 5)) == D(2026, 12, 30)  # 23, 24, 28, 29, 30 (25th: Christmas)


def test_a_pause_across_christmas_and_new_year():
    # Paused Wednesday 23 December 2026, resumed Monday 4 January 2027: 24, 28, 29, 30, 31 December and
    # 4 January are working days (25 December and 1 January are holidays, the rest weekends).
    assert pause_length(D(2026, 12, 23), D(2027, 1, 4)) == Pause(working_days=6, days=12)


@pytest.mark.parametrize(
    ("kind", "answer_due"),
    [
        ("melding", D(2026, 11, 20)),  # the category's 10 working days
        ("klacht", D(2026, 12, 20)),  # 45 calendar days
        ("suggestie", D(2026, 12, 5)),  # 30 calendar days
        ("compliment", None),  # thanked, not answered
    ],
)
def test_deadlines_for_each_kind(kind, answer_due):
    due = deadlines_for(kind=kind, category_days=10, category_working_days=True, received=D(2026, 11, 5))
    assert due.acknowledge_due == D(2026, 11, 13)  # 5 working days: 6, 9, 10, 12, 13 November
    assert due.answer_due == answer_due


def test_a_city_may_change_one_deadline_and_keep_the_others():
    config = {"klacht": {"days": 14, "working_days": True}}
    due = deadlines_for(
        kind="klacht", category_days=10, category_working_days=True, received=D(2026, 11, 5), config=config
    )
    assert due.answer_due == add_working_days(D(2026, 11, 5), 14)
    assert due.acknowledge_due == add_working_days(D(2026, 11, 5), DEFAULT_DEADLINES["acknowledge_working_days"])


def test_a_deadline_is_missed_the_day_after_it_and_only_while_its_clock_runs():
    kwargs = {"acknowledge_due": D(2026, 11, 13), "answer_due": D(2026, 11, 20)}

    def missed(on, *, awaiting=True, running=True):
        return missed_deadlines(on=on, awaiting_acknowledgement=awaiting, answer_clock_running=running, **kwargs)

    assert missed(D(2026, 11, 13)) == ()
    assert missed(D(2026, 11, 14)) == (ACKNOWLEDGE,)
    assert missed(D(2026, 11, 21)) == (ACKNOWLEDGE, ANSWER)
    assert missed(D(2026, 11, 21), awaiting=False) == (ANSWER,)
    assert missed(D(2026, 11, 21), awaiting=False, running=False) == ()  # waiting for the reporter
    assert (
        missed_deadlines(
            on=D(2027, 1, 1),
            acknowledge_due=None,
            answer_due=None,
            awaiting_acknowledgement=True,
            answer_clock_running=True,
        )
        == ()
    )
