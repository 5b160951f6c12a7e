"""References like OST-2026-000123: sequential per year, without gaps, unique when reports arrive together."""

import datetime as dt
import re
import threading

import pytest
from django.db import connection
from django.utils import timezone

from geo_meldpunt.reports.models import Category, Report
from geo_meldpunt.reports.references import format_reference, reference_next, reference_reserve
from geo_meldpunt.reports.services import report_create
from tests.factories import WAPENPLEIN, ReportFactory, point_at


def number(reference: str) -> int:
    return int(reference.rsplit("-", 1)[1])


def test_format():
    assert format_reference("OST", 2026, 123) == "OST-2026-000123"
    assert format_reference("OST", 2026, 1_234_567) == "OST-2026-1234567"


@pytest.mark.django_db
def test_references_follow_each_other_within_the_year():
    made = [ReportFactory() for _ in range(4)]
    year = timezone.localdate().year

    assert all(re.fullmatch(rf"OST-{year}-\d{{6}}", r.reference) for r in made)
    first = number(made[0].reference)
    assert [number(r.reference) for r in made] == [first, first + 1, first + 2, first + 3]


@pytest.mark.django_db
def test_each_year_counts_from_one():
    assert reference_reserve(year=2031) == ("OST", 2031, 1)
    assert reference_reserve(year=2031) == ("OST", 2031, 2)
    assert reference_reserve(year=2032) == ("OST", 2032, 1)
    assert reference_reserve(year=2031, count=10) == ("OST", 2031, 3)
    assert reference_reserve(year=2031) == ("OST", 2031, 13)


@pytest.mark.django_db
def test_the_year_is_the_citys_local_year(monkeypatch):
    # 23:30 UTC on New Year's Eve is already 00:30 on 1 January in Brussels.
    new_years_eve = dt.datetime(2030, 12, 31, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: new_years_eve)

    assert reference_next() == "OST-2031-000001"


@pytest.mark.django_db
def test_the_prefix_is_a_setting(settings):
    settings.MELDPUNT_REFERENCE_PREFIX = "BRG"
    assert reference_next().startswith(f"BRG-{timezone.localdate().year}-")


@pytest.mark.django_db
def test_a_refused_report_uses_no_number():
    before = number(ReportFactory().reference)
    with pytest.raises(Exception):  # noqa: B017 - any refusal; the point is the counter
        ReportFactory(point=point_at(2.97, 51.24))  # Bredene: outside the city
    assert number(ReportFactory().reference) == before + 1


THREADS = 8
PER_THREAD = 5


def test_references_are_unique_when_reports_arrive_at_the_same_time(reference_data_reloaded, transactional_db):
    """Several requests at once, each with its own database connection and transaction."""
    category = Category.objects.get(slug="zwerfvuil")
    start = threading.Barrier(THREADS)
    made: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def file_reports():
        try:
            start.wait()
            for _ in range(PER_THREAD):
                report = report_create(
                    kind="melding", category=category, point=point_at(*WAPENPLEIN), description="Zwerfvuil."
                )
                with lock:
                    made.append(report.reference)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=file_reports) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    assert len(made) == THREADS * PER_THREAD
    assert len(set(made)) == len(made)
    numbers = sorted(number(r) for r in made)
    assert numbers == list(range(numbers[0], numbers[0] + len(made))), "no gaps"
    assert Report.objects.filter(reference__in=made).count() == len(made)
