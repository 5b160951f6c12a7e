"""The deadline regulation edited in the admin: it sets the deadlines of reports created afterwards.

Without its row the settings apply (settings.REPORTS_DEADLINES over sla.DEFAULT_DEADLINES).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from geo_meldpunt.reports import sla
from geo_meldpunt.reports.models import REGULATION_ROW, Kind, Regulation
from geo_meldpunt.reports.services import deadlines_config, deadlines_settings
from tests.factories import CategoryFactory, ReportFactory

pytestmark = pytest.mark.django_db

D = dt.date
THURSDAY = dt.datetime(2026, 11, 5, 10, tzinfo=ZoneInfo("Europe/Brussels"))  # 11 November is a holiday


@pytest.fixture(autouse=True)
def thursday(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: THURSDAY)


@pytest.fixture
def regulation() -> Regulation:
    """The row as the data migration makes it (a flushing test elsewhere may have emptied the table)."""
    regulation, _ = Regulation.objects.update_or_create(
        pk=REGULATION_ROW,
        defaults={
            "acknowledge_working_days": 5,
            "klacht_days": 45,
            "klacht_working_days": False,
            "suggestie_days": 30,
            "suggestie_working_days": False,
        },
    )
    return regulation


@pytest.fixture
def category():
    return CategoryFactory(answer_days=10, working_days=True)


def test_the_regulation_reads_in_the_shape_of_the_settings(regulation):
    assert deadlines_config() == {
        "acknowledge_working_days": 5,
        "klacht": {"days": 45, "working_days": False},
        "suggestie": {"days": 30, "working_days": False},
    }
    assert deadlines_config() == {**sla.DEFAULT_DEADLINES, **deadlines_settings()}


def test_a_changed_complaint_deadline_applies_to_complaints_created_afterwards(regulation, category):
    before = ReportFactory(category=category, kind=Kind.KLACHT)
    assert before.answer_due == D(2026, 12, 20)  # 45 calendar days

    Regulation.objects.filter(pk=regulation.pk).update(klacht_days=20, klacht_working_days=True)
    after = ReportFactory(category=category, kind=Kind.KLACHT)

    assert after.answer_due == sla.add_working_days(D(2026, 11, 5), 20) == D(2026, 12, 4)
    before.refresh_from_db()
    assert before.answer_due == D(2026, 12, 20)  # an existing report keeps its deadline


def test_the_regulation_sets_the_acknowledgement_and_suggestion_but_not_a_melding(regulation, category):
    Regulation.objects.filter(pk=regulation.pk).update(acknowledge_working_days=2, suggestie_days=10)

    suggestie = ReportFactory(category=category, kind=Kind.SUGGESTIE)
    melding = ReportFactory(category=category, kind=Kind.MELDING)

    assert suggestie.acknowledge_due == melding.acknowledge_due == D(2026, 11, 9)  # Friday, Monday
    assert suggestie.answer_due == D(2026, 11, 15)  # 10 calendar days
    assert melding.answer_due == D(2026, 11, 20)  # the category's 10 working days, whatever the regulation


def test_an_empty_table_falls_back_to_the_settings(category, settings):
    Regulation.objects.all().delete()
    settings.REPORTS_DEADLINES = {"acknowledge_working_days": 3, "klacht": {"days": 10, "working_days": False}}

    klacht = ReportFactory(category=category, kind=Kind.KLACHT)
    suggestie = ReportFactory(category=category, kind=Kind.SUGGESTIE)

    assert klacht.acknowledge_due == D(2026, 11, 10)  # Friday, Monday, Tuesday
    assert klacht.answer_due == D(2026, 11, 15)
    assert suggestie.answer_due == D(2026, 12, 5)  # a key left out keeps its default (30 calendar days)


def test_the_admin_lists_and_opens_the_regulation(admin_client, regulation):
    changelist = admin_client.get(reverse("admin:reports_regulation_changelist"))
    change = admin_client.get(reverse("admin:reports_regulation_change", args=[regulation.pk]))

    assert changelist.status_code == change.status_code == 200
    # The admin speaks the city's language: Dutch unless the staff member chose another.
    assert "Een wijziging geldt voor meldingen die daarna binnenkomen" in change.content.decode()


def test_the_admin_saves_the_regulation(admin_client, regulation, category):
    response = admin_client.post(
        reverse("admin:reports_regulation_change", args=[regulation.pk]),
        {
            "acknowledge_working_days": 5,
            "klacht_days": 60,
            "suggestie_days": 30,
            "suggestie_working_days": "on",
        },
    )

    assert response.status_code == 302
    regulation.refresh_from_db()
    assert (regulation.klacht_days, regulation.klacht_working_days, regulation.suggestie_working_days) == (
        60,
        False,
        True,
    )
    assert ReportFactory(category=category, kind=Kind.KLACHT).answer_due == D(2027, 1, 4)  # 60 calendar days


def test_the_admin_adds_no_second_row_but_can_add_one_to_an_empty_table(admin_client, regulation):
    assert admin_client.get(reverse("admin:reports_regulation_add")).status_code == 403

    regulation.delete()
    response = admin_client.post(
        reverse("admin:reports_regulation_add"),
        {"acknowledge_working_days": 4, "klacht_days": 45, "suggestie_days": 30},
    )

    assert response.status_code == 302
    assert Regulation.objects.get().pk == REGULATION_ROW


def test_a_report_without_a_stored_deadline_expects_its_answer_by_the_regulation_in_force(regulation, category):
    """A report made before deadlines were stored (or by bulk COPY) has none: the date it shows the reporter is
    computed from the admin-edited regulation, not from the built-in defaults."""
    Regulation.objects.filter(pk=regulation.pk).update(klacht_days=20, klacht_working_days=True)
    report = ReportFactory(category=category, kind=Kind.KLACHT)
    report.answer_due = None
    report.save(update_fields=["answer_due"])

    report = type(report).objects.select_related("category").get(pk=report.pk)
    assert report.expected_answer_date == D(2026, 12, 4)  # 20 working days, not the default 45 calendar days
