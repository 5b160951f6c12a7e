"""The workflow, walked through its services: whole lives of reports, deadlines, merging, reassignment, locking.

"Now" is set by the `clock` fixture (django.utils.timezone.now replaced for the test), so a pause can span a
weekend and a Belgian holiday; the overdue selectors take their day as `on=`.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.notifications import dispatch
from geo_meldpunt.reports import selectors, sla, workflow
from geo_meldpunt.reports.models import Follower, Kind, Regulation, Report, ReportEvent, Status
from geo_meldpunt.reports.services import (
    Conflict,
    Forbidden,
    report_answer,
    report_follow,
    report_merge,
    report_note_add,
    report_reassign,
    report_transition,
)
from geo_meldpunt.staff.groups import COORDINATOR, HANDLER
from geo_meldpunt.staff.roles import SYSTEM
from tests.factories import CategoryFactory, DepartmentFactory, ReportFactory
from tests.staff.helpers import staff_user

BRUSSELS = ZoneInfo("Europe/Brussels")
D = dt.date


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=BRUSSELS)


class Clock:
    def __init__(self) -> None:
        self.now = at(2026, 11, 5)

    def set(self, *args: int) -> None:
        self.now = at(*args)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Stands in for django.utils.timezone.now (and so localdate, auto_now_add) during the test."""
    current = Clock()
    monkeypatch.setattr(timezone, "now", lambda: current.now)
    return current


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def category(department):
    # A melding's answer deadline: 10 working days.
    return CategoryFactory(department=department, answer_days=10, working_days=True)


@pytest.fixture
def handler(department):
    return staff_user(HANDLER, departments=[department])


@pytest.fixture
def coordinator():
    return staff_user(COORDINATOR)


def statuses(report: Report) -> list[tuple[str, str]]:
    return list(report.events.exclude(event_type=ReportEvent.Type.CREATED).values_list("from_status", "to_status"))


# --- The table itself (no database) -----------------------------------------------------------------------


@pytest.mark.parametrize("flow", [workflow.NORMAL_FLOW, workflow.COMPLIMENT_FLOW])
def test_every_status_of_a_flow_is_reachable_from_nieuw_and_has_an_entry(flow):
    targets = {to for nexts in flow.values() for to in nexts}
    assert targets <= set(flow)
    assert workflow.reachable(flow) == set(flow)


def test_the_tables_name_only_statuses_their_flows_know():
    known = set(workflow.NORMAL_FLOW) | set(workflow.COMPLIMENT_FLOW)
    assert set(workflow.NOTE_REQUIRED) <= known
    assert {to for _from, to in workflow.COORDINATOR_ONLY} <= known
    assert set(workflow.NORMAL_FLOW) | {Status.DOORGEGEVEN} == set(Status.values)
    assert workflow.is_terminal(Kind.MELDING, Status.SAMENGEVOEGD)
    assert workflow.is_terminal(Kind.COMPLIMENT, Status.AFGESLOTEN)
    assert not workflow.is_terminal(Kind.MELDING, Status.AFGESLOTEN)  # the coordinator may reopen it
    assert workflow.is_coordinator_only(Status.IN_BEHANDELING, Status.NIET_ONTVANKELIJK)
    assert workflow.is_coordinator_only(Status.AFGESLOTEN, Status.HEROPEND)
    assert not workflow.is_coordinator_only(Status.BEANTWOORD, Status.HEROPEND)


# --- Deadlines set at creation --------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_deadlines_are_set_at_creation_per_kind_and_category(clock, category):
    clock.set(2026, 11, 5)  # a Thursday; Wednesday 11 November (Armistice) is a holiday

    melding = ReportFactory(category=category)
    klacht = ReportFactory(category=category, kind=Kind.KLACHT)
    suggestie = ReportFactory(category=category, kind=Kind.SUGGESTIE)
    compliment = ReportFactory(category=category, kind=Kind.COMPLIMENT)

    # Acknowledgement: 5 working days (6, 9, 10, 12, 13 November).
    assert {r.acknowledge_due for r in (melding, klacht, suggestie, compliment)} == {D(2026, 11, 13)}
    assert melding.answer_due == D(2026, 11, 20)  # the category's 10 working days
    assert klacht.answer_due == D(2026, 12, 20)  # 45 calendar days
    assert suggestie.answer_due == D(2026, 12, 5)  # 30 calendar days
    assert compliment.answer_due is None
    melding.refresh_from_db()
    assert (melding.version, melding.paused_working_days, melding.expected_answer_date) == (1, 0, D(2026, 11, 20))


def test_without_a_regulation_the_deadlines_follow_the_settings(clock, category, settings):
    Regulation.objects.all().delete()  # the admin's regulation comes first; tests/reports/test_regulation.py
    settings.REPORTS_DEADLINES = {"acknowledge_working_days": 2, "klacht": {"days": 20, "working_days": True}}
    clock.set(2026, 11, 5)

    klacht = ReportFactory(category=category, kind=Kind.KLACHT)
    suggestie = ReportFactory(category=category, kind=Kind.SUGGESTIE)

    assert klacht.acknowledge_due == D(2026, 11, 9)
    assert klacht.answer_due == sla.add_working_days(D(2026, 11, 5), 20)
    assert suggestie.answer_due == D(2026, 12, 5)  # a key left out keeps its default


# --- Whole lives ---------------------------------------------------------------------------------------------


def test_a_melding_waits_for_the_reporter_and_its_deadline_moves_by_exactly_the_paused_working_days(
    clock, category, handler
):
    clock.set(2026, 11, 5)  # Thursday
    report = ReportFactory(category=category)
    assert report.answer_due == D(2026, 11, 20)

    clock.set(2026, 11, 5, 14)
    report = report_transition(report=report, to=Status.ONTVANGEN, by=handler)
    assert report.acknowledged_at == at(2026, 11, 5, 14)
    report = report_transition(report=report, to=Status.IN_BEHANDELING, by=handler)

    clock.set(2026, 11, 6)  # Friday
    report = report_transition(
        report=report, to=Status.WACHT_OP_MELDER, by=handler, note="Welke huisnummer ligt het dichtst?"
    )
    assert report.paused_since == at(2026, 11, 6)
    assert report.answer_due == D(2026, 11, 20)  # moves when the pause ends

    # Back on Thursday 12 November: the weekend, Monday, Tuesday, Armistice Day (Wednesday) and Thursday
    # passed; Monday, Tuesday and Thursday are the working days the clock stood still.
    clock.set(2026, 11, 12)
    report = report_transition(report=report, to=Status.IN_BEHANDELING, by=handler)
    assert (report.paused_working_days, report.paused_days, report.paused_since) == (3, 6, None)
    assert report.answer_due == D(2026, 11, 25)
    assert sla.working_days_between(D(2026, 11, 20), report.answer_due) == 3

    clock.set(2026, 11, 16)
    report = report_answer(report=report, by=handler, text="De stoeptegel is vervangen.")
    assert (report.status, report.answer, report.answered_at) == (
        Status.BEANTWOORD,
        "De stoeptegel is vervangen.",
        at(2026, 11, 16),
    )
    report = report_transition(report=report, to=Status.AFGESLOTEN, by=handler)

    report.refresh_from_db()
    assert report.status == Status.AFGESLOTEN
    assert report.closed_at == at(2026, 11, 16)
    assert report.version == 7
    assert statuses(report) == [
        (Status.NIEUW, Status.ONTVANGEN),
        (Status.ONTVANGEN, Status.IN_BEHANDELING),
        (Status.IN_BEHANDELING, Status.WACHT_OP_MELDER),
        (Status.WACHT_OP_MELDER, Status.IN_BEHANDELING),
        (Status.IN_BEHANDELING, Status.BEANTWOORD),
        (Status.BEANTWOORD, Status.AFGESLOTEN),
    ]
    answer = report.events.get(event_type=ReportEvent.Type.ANSWER)
    assert (answer.public, answer.note, answer.actor) == (True, "De stoeptegel is vervangen.", handler)
    waiting = report.events.get(to_status=Status.WACHT_OP_MELDER)
    assert waiting.public and waiting.note == "Welke huisnummer ligt het dichtst?"


def test_a_complaint_paused_moves_by_calendar_days_and_is_answered(clock, category, handler):
    clock.set(2026, 11, 5)
    report = ReportFactory(category=category, kind=Kind.KLACHT)
    assert report.answer_due == D(2026, 12, 20)

    report = report_transition(report=report, to=Status.WACHT_OP_MELDER, by=handler, note="Wanneer was dat?")
    clock.set(2026, 11, 12)
    report = report_transition(report=report, to=Status.IN_BEHANDELING, by=handler)
    assert report.answer_due == D(2026, 12, 27)  # 45 calendar days, plus the 7 days it waited

    report = report_answer(report=report, by=handler, text="Onze excuses; de ophaling is aangepast.")
    assert report.status == Status.BEANTWOORD
    assert report.acknowledged_at == at(2026, 11, 5)  # the first step acknowledged it


def test_a_suggestion_is_answered(clock, category, handler):
    report = ReportFactory(category=category, kind=Kind.SUGGESTIE, point=None)

    report = report_answer(report=report, by=handler, text="Dank u, we nemen het mee in het fietsplan.")

    assert report.status == Status.BEANTWOORD
    assert report.answer == "Dank u, we nemen het mee in het fietsplan."
    assert report.events.filter(event_type=ReportEvent.Type.ANSWER, public=True).count() == 1


def test_a_compliment_is_passed_on_and_closed(clock, category, department, handler):
    # Its department is known (routed there, with a mailbox): the meldpunt passes it on as it comes in.
    report = ReportFactory(category=category, kind=Kind.COMPLIMENT, point=None)
    assert report.status == Status.DOORGEGEVEN
    passed_on = report.events.get(to_status=Status.DOORGEGEVEN)
    assert (passed_on.event_type, passed_on.department, passed_on.actor) == (
        ReportEvent.Type.FORWARDED,
        department,
        None,
    )

    with pytest.raises(ApplicationError) as refused:
        report_transition(report=report, to=Status.IN_BEHANDELING, by=handler)
    assert refused.value.code == "transition_not_allowed"

    report = report_transition(report=report, to=Status.AFGESLOTEN, by=handler)

    assert report.status == Status.AFGESLOTEN
    assert workflow.is_terminal(report.kind, report.status)
    assert report.answer_due is None


def test_not_admissible_needs_the_coordinator_and_a_reason(category, handler, coordinator):
    report = ReportFactory(category=category)

    with pytest.raises(Forbidden):
        report_transition(report=report, to=Status.NIET_ONTVANKELIJK, by=handler, note="Reclame.")
    with pytest.raises(ApplicationError) as refused:
        report_transition(report=report, to=Status.NIET_ONTVANKELIJK, by=coordinator)
    assert (refused.value.code, refused.value.field) == ("required", "note")

    report = report_transition(
        report=report, to=Status.NIET_ONTVANKELIJK, by=coordinator, note="Private grond: niet voor de stad."
    )

    assert report.status == Status.NIET_ONTVANKELIJK and report.closed_at is not None
    event = report.events.get(to_status=Status.NIET_ONTVANKELIJK)
    assert event.public and event.note == "Private grond: niet voor de stad."


def test_a_step_outside_the_table_is_refused_with_a_clear_message_and_changes_nothing(category, coordinator):
    report = ReportFactory(category=category)

    with pytest.raises(ApplicationError) as refused:
        report_transition(report=report, to=Status.AFGESLOTEN, by=coordinator)

    assert (refused.value.code, refused.value.field) == ("transition_not_allowed", "status")
    assert str(Status.NIEUW.label) in refused.value.message and str(Status.AFGESLOTEN.label) in refused.value.message
    report.refresh_from_db()
    assert (report.status, report.version, report.events.count()) == (Status.NIEUW, 1, 1)


def test_forwarding_names_an_external_body_and_stops_the_answer_clock(clock, category, handler):
    fluvius = DepartmentFactory(is_external=True, name_nl="Fluvius")
    report = ReportFactory(category=category)

    with pytest.raises(ApplicationError) as refused:
        report_transition(report=report, to=Status.DOORVERWEZEN, by=handler)
    assert refused.value.field == "department"
    with pytest.raises(ApplicationError):
        report_transition(report=report, to=Status.DOORVERWEZEN, by=handler, department=DepartmentFactory())

    report = report_transition(
        report=report, to=Status.DOORVERWEZEN, by=handler, department=fluvius, note="Straatverlichting."
    )

    event = report.events.get(to_status=Status.DOORVERWEZEN)
    assert (event.event_type, event.department, event.public) == (ReportEvent.Type.FORWARDED, fluvius, True)
    assert report.department == category.department  # the city keeps the file; the body is in the history
    assert not selectors.reports_overdue(on=D(2027, 6, 1)).filter(pk=report.pk).exists()


def test_reopening_a_closed_report_is_for_the_coordinator_and_restarts_the_answer_clock(
    clock, category, handler, coordinator
):
    clock.set(2026, 11, 5)
    report = ReportFactory(category=category)
    report = report_answer(report=report, by=handler, text="Hersteld.")
    report = report_transition(report=report, to=Status.AFGESLOTEN, by=handler)

    clock.set(2026, 12, 1)  # a Tuesday
    with pytest.raises(Forbidden):
        report_transition(report=report, to=Status.HEROPEND, by=handler, note="Opnieuw kapot.")
    report = report_transition(report=report, to=Status.HEROPEND, by=coordinator, note="Opnieuw kapot.")

    assert (report.status, report.closed_at) == (Status.HEROPEND, None)
    assert report.answer_due == sla.add_working_days(D(2026, 12, 1), 10)


def test_notes_are_internal(category, handler):
    report = ReportFactory(category=category)

    report_note_add(report=report, by=handler, text="Buurman belt hier elke week over.")
    report = report_transition(report=report, to=Status.IN_BEHANDELING, by=handler, note="Ploeg 3 gaat kijken.")

    notes = report.events.filter(event_type=ReportEvent.Type.NOTE)
    assert sorted(notes.values_list("note", "public")) == [
        ("Buurman belt hier elke week over.", False),
        ("Ploeg 3 gaat kijken.", False),
    ]
    assert report.events.get(to_status=Status.IN_BEHANDELING).note == ""  # the public step does not show it
    with pytest.raises(ApplicationError):
        report_note_add(report=report, by=handler, text="  ")


def test_the_system_may_close_an_answered_report_but_not_reopen_it(category, handler):
    report = ReportFactory(category=category)
    report = report_answer(report=report, by=handler, text="Opgelost.")

    report = report_transition(report=report, to=Status.AFGESLOTEN, by=SYSTEM)

    assert report.events.get(to_status=Status.AFGESLOTEN).actor is None
    with pytest.raises(Forbidden):
        report_transition(report=report, to=Status.HEROPEND, by=SYSTEM, note="Automatisch.")
    with pytest.raises(Forbidden):
        report_transition(report=report, to=Status.HEROPEND, by=None, note="Anoniem.")


# --- Merging and reassigning -------------------------------------------------------------------------------


def test_a_merge_carries_the_reporter_and_followers_to_the_surviving_report(category, handler):
    survivor = ReportFactory(category=category, reporter_email="eerste@example.org")
    Follower.objects.create(report=survivor, email="beiden@example.org")
    duplicate = ReportFactory(category=category, reporter_email="Tweede@Example.org", language="fr")
    Follower.objects.create(report=duplicate, email="volger@example.org", language="de")
    Follower.objects.create(report=duplicate, email="beiden@example.org")
    Follower.objects.create(report=duplicate, email="eerste@example.org")

    with pytest.raises(ApplicationError) as refused:
        report_transition(report=duplicate, to=Status.SAMENGEVOEGD, by=handler)
    assert refused.value.code == "merge_only"

    merged = report_merge(report=duplicate, into=survivor, by=handler)

    assert (merged.status, merged.merged_into, merged.version) == (Status.SAMENGEVOEGD, survivor, 2)
    assert merged.closed_at is not None
    assert dict(survivor.followers.values_list("email", "language")) == {
        "beiden@example.org": "nl",
        "tweede@example.org": "fr",
        "volger@example.org": "de",
    }
    # Confirmation carries over; the duplicate's reporter is mailed by the meldpunt already: confirmed.
    confirmed = dict(survivor.followers.values_list("email", "confirmed_at"))
    assert confirmed["volger@example.org"] is None and confirmed["tweede@example.org"] is not None
    event = merged.events.get(event_type=ReportEvent.Type.MERGED)
    assert event.public and survivor.reference in event.note
    survivor_event = survivor.events.get(event_type=ReportEvent.Type.MERGED)
    assert duplicate.reference in survivor_event.note and not survivor_event.public
    survivor.refresh_from_db()
    assert (survivor.status, survivor.version) == (Status.NIEUW, 1)
    # Someone who finds the duplicate later follows the surviving report.
    follower, created = report_follow(report=merged, email="later@example.org")
    assert created and follower.report == survivor


def test_a_merge_needs_an_open_surviving_report_and_not_itself(category, handler, coordinator):
    closed = ReportFactory(category=category)
    report_transition(report=closed, to=Status.NIET_ONTVANKELIJK, by=coordinator, note="Spam.")
    duplicate = ReportFactory(category=category)

    with pytest.raises(ApplicationError) as refused:
        report_merge(report=duplicate, into=closed, by=handler)
    assert refused.value.code == "closed"
    with pytest.raises(ApplicationError):
        report_merge(report=duplicate, into=duplicate, by=handler)
    other_department = ReportFactory(category=CategoryFactory())
    with pytest.raises(ApplicationError) as refused:
        report_merge(report=duplicate, into=other_department, by=handler)
    # Another department's report answers as if it did not exist: its existence and status do not leak.
    assert (refused.value.code, refused.value.field) == ("not_found", "into")
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.NIEUW, None)


def test_a_reassignment_records_the_override_and_its_reason(category, department, handler):
    report = ReportFactory(category=category)
    report = report_transition(report=report, to=Status.IN_BEHANDELING, by=handler)
    groen = DepartmentFactory(name_nl="Groendienst")

    with pytest.raises(ApplicationError) as refused:
        report_reassign(report=report, department=groen, by=handler, reason=" ")
    assert refused.value.field == "reason"
    with pytest.raises(ApplicationError) as refused:
        report_reassign(report=report, department=DepartmentFactory(is_external=True), by=handler, reason="AWV.")
    assert refused.value.code == "external"

    report = report_reassign(report=report, department=groen, by=handler, reason="Het gaat om een boomwortel.")

    assert (report.department, report.status, report.routing_rule) == (groen, Status.IN_BEHANDELING, None)
    assert "Het gaat om een boomwortel." in report.routing_reason and "Groendienst" in report.routing_reason
    event = report.events.get(event_type=ReportEvent.Type.REASSIGNED)
    assert (event.department, event.note, event.public, event.actor) == (
        groen,
        "Het gaat om een boomwortel.",
        False,
        handler,
    )
    # The former department no longer handles it; the new one does.
    with pytest.raises(Forbidden):
        report_transition(report=report, to=Status.BEANTWOORD, by=handler, note="Klaar.")
    report_answer(report=report, by=staff_user(HANDLER, departments=[groen]), text="Wortel weggefreesd.")


# --- Conflicts ----------------------------------------------------------------------------------------------


def test_a_stale_version_is_a_conflict_and_changes_nothing(category, handler, coordinator):
    report = ReportFactory(category=category)
    seen = report.version
    report_transition(report=report, to=Status.ONTVANGEN, by=coordinator, expected_version=seen)

    with pytest.raises(Conflict) as conflict:
        report_transition(report=report, to=Status.IN_BEHANDELING, by=handler, expected_version=seen)
    assert conflict.value.code == "conflict"
    with pytest.raises(Conflict):
        report_reassign(
            report=report, department=DepartmentFactory(), by=handler, reason="Niet van ons.", expected_version=seen
        )
    report.refresh_from_db()
    assert (report.status, report.version) == (Status.ONTVANGEN, 2)


def test_two_handlers_acting_at_once_one_wins_and_the_other_gets_a_conflict(
    reference_data_reloaded, monkeypatch, category, handler, coordinator
):
    """Real threads with their own connections: the row lock makes the second wait, then see the new version."""
    monkeypatch.setattr(dispatch, "report_created_notify", lambda *, report: [])

    def slow_notify(*, report, event):
        time.sleep(0.3)  # hold the row lock a while, so the other transaction has to wait for it
        return []

    monkeypatch.setattr(dispatch, "report_transitioned_notify", slow_notify)
    report = ReportFactory(category=category, reporter_email="")
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def act(name: str, to: str, by, note: str) -> None:
        try:
            start.wait()
            fresh = Report.objects.get(pk=report.pk)
            outcomes[name] = report_transition(report=fresh, to=to, by=by, note=note, expected_version=1).status
        except Exception as exc:  # noqa: BLE001 - the test inspects whatever happened
            outcomes[name] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=("answer", Status.BEANTWOORD, handler, "Hersteld.")),
        threading.Thread(target=act, args=("wait", Status.WACHT_OP_MELDER, coordinator, "Welk huisnummer?")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    won = [name for name, outcome in outcomes.items() if isinstance(outcome, str)]
    lost = [outcome for outcome in outcomes.values() if isinstance(outcome, Exception)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert isinstance(lost[0], Conflict) and lost[0].code == "conflict"
    report.refresh_from_db()
    assert report.version == 2
    assert report.status == (Status.BEANTWOORD if won == ["answer"] else Status.WACHT_OP_MELDER)
    assert report.events.exclude(event_type=ReportEvent.Type.CREATED).count() == 1


# --- Overdue and nearly due --------------------------------------------------------------------------------


def test_overdue_and_due_soon_across_weekends_and_holidays(clock, category, handler):
    other = DepartmentFactory()
    other_category = CategoryFactory(department=other, answer_days=3, working_days=True)
    clock.set(2026, 11, 5)  # Thursday: acknowledge by Friday 13 November, answer (10 wd) by Friday 20
    unacknowledged = ReportFactory(category=category)
    acknowledged = report_transition(report=ReportFactory(category=category), to=Status.ONTVANGEN, by=handler)
    paused = report_transition(
        report=ReportFactory(category=category), to=Status.WACHT_OP_MELDER, by=handler, note="Foto?"
    )
    # Answer in 3 working days: 6, 9, 10 November, so due Tuesday 10 November (acknowledge by the 13th).
    quick = ReportFactory(category=other_category)

    def overdue(on):
        return set(selectors.reports_overdue(on=on).filter(pk__in=ids).values_list("pk", flat=True))

    def due_soon(on):
        return set(selectors.reports_due_soon(on=on).filter(pk__in=ids).values_list("pk", flat=True))

    ids = [unacknowledged.pk, acknowledged.pk, paused.pk, quick.pk]
    # Monday 9 November: Tuesday's deadline is within 2 working days (10 and 12: the 11th is a holiday).
    assert overdue(D(2026, 11, 9)) == set()
    assert due_soon(D(2026, 11, 9)) == {quick.pk}
    # Friday 13 November, the acknowledgement deadline itself: not late yet, the quick one is.
    assert overdue(D(2026, 11, 13)) == {quick.pk}
    assert due_soon(D(2026, 11, 13)) == {unacknowledged.pk}
    # Saturday 14: the acknowledgement is late; the acknowledged and the paused report are not.
    assert overdue(D(2026, 11, 14)) == {unacknowledged.pk, quick.pk}
    # Thursday 19: Friday's answer deadline is near for the acknowledged one (the other is late already);
    # never for the paused one.
    assert due_soon(D(2026, 11, 19)) == {acknowledged.pk}
    assert overdue(D(2026, 11, 21)) == {unacknowledged.pk, acknowledged.pk, quick.pk}

    flagged = {
        r.pk: (r.is_overdue, r.is_due_soon)
        for r in selectors.reports_with_deadline_flags(Report.objects.filter(pk__in=ids), on=D(2026, 11, 13))
    }
    assert flagged == {
        unacknowledged.pk: (False, True),
        acknowledged.pk: (False, False),
        paused.pk: (False, False),
        quick.pk: (True, True),  # answer late, acknowledgement due today
    }
    assert selectors.reports_overdue(on=D(2026, 11, 14), department=other).get() == quick


def test_the_digest_lists_overdue_reports_per_department_and_new_breaches_for_the_coordinator(
    clock, category, department, django_assert_num_queries
):
    fluvius = DepartmentFactory(is_external=True)
    clock.set(2026, 11, 5)
    late = ReportFactory(category=category)  # acknowledge by Friday 13 November
    at_external_body = ReportFactory(category=CategoryFactory(department=fluvius))
    clock.set(2026, 11, 6)
    later = ReportFactory(category=category)  # acknowledge by Monday 16 November

    with django_assert_num_queries(3):  # the coordinator, the overdue, the nearly due
        digest = selectors.overdue_digest_data(on=D(2026, 11, 17))

    mine = [d for d in digest.departments if d.department == department]
    assert len(mine) == 1
    assert [(item.report, item.missed, item.due, item.days_late) for item in mine[0].overdue] == [
        (late, (sla.ACKNOWLEDGE,), D(2026, 11, 13), 4),
        (later, (sla.ACKNOWLEDGE,), D(2026, 11, 16), 1),
    ]
    assert fluvius not in [d.department for d in digest.departments]
    coordinator_digest = next(d for d in digest.departments if d.department == digest.coordinator)
    assert at_external_body in [item.report for item in coordinator_digest.overdue]
    # Only the deadline that passed yesterday is news for the coordinator.
    assert [item.report for item in digest.breaches] == [later]
    since_friday = selectors.overdue_digest_data(on=D(2026, 11, 17), since=D(2026, 11, 13))
    assert {item.report for item in since_friday.breaches} >= {late, later, at_external_body}
