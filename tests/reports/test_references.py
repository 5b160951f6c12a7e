"""References like OST-2026-000123: sequential per year, without gaps, unique when reports arrive together."""

import datetime as dt
import itertools
import re
import threading

import pytest
from django.db import connection
from django.utils import timezone

from geo_meldpunt.notifications import dispatch
from geo_meldpunt.notifications.models import OutgoingEmail
from geo_meldpunt.reports.models import Category, ReferenceCounter, Report, ReportEvent
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


def test_references_stay_gapless_when_acknowledged_reports_fail_half_way_at_the_same_time(
    reference_data_reloaded, transactional_db, monkeypatch
):
    """Half of these reports take two round trips holding the counter row and fail after the first (their number
    taken, their report inserted): they must give everything back, numbers included. The others are one statement."""
    category = Category.objects.get(slug="zwerfvuil")
    real_drafts = dispatch.report_created_drafts

    renderings = itertools.count()

    def drafts_failing_for_some(*, report):
        drafts = real_drafts(report=report)
        if report.reporter_email.startswith("faalt"):
            if report.pk is None:  # rendered before numbering: never the same twice, so the two-round-trip way
                for draft in drafts:
                    draft.subject += str(next(renderings))
            else:  # rendered after the first round trip, with the number taken and the report inserted
                raise RuntimeError("rendering failed")
        return drafts

    monkeypatch.setattr(dispatch, "report_created_drafts", drafts_failing_for_some)
    start = threading.Barrier(THREADS)
    made: list[str] = []
    failed: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def file_reports(n: int):
        try:
            start.wait()
            for i in range(PER_THREAD):
                email = f"{'faalt' if (n + i) % 2 else 'melder'}{n}.{i}@example.org"
                try:
                    report = report_create(
                        kind="melding",
                        category=category,
                        point=point_at(*WAPENPLEIN),
                        description="Zwerfvuil.",
                        reporter_email=email,
                    )
                except RuntimeError:
                    with lock:
                        failed.append(n)
                    continue
                with lock:
                    made.append(report.reference)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=file_reports, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    assert len(made) == len(failed) == THREADS * PER_THREAD // 2
    numbers = sorted(number(r) for r in made)
    assert numbers == list(range(1, len(made) + 1)), "no gaps: every failed report gave its number back"
    assert Report.objects.count() == ReportEvent.objects.count() == OutgoingEmail.objects.count() == len(made)
    assert not OutgoingEmail.objects.filter(to__startswith="faalt").exists()


@pytest.mark.django_db
def test_a_created_report_is_numbered_as_format_reference_says_past_six_digits_too():
    year = timezone.localdate().year
    ReferenceCounter.objects.update_or_create(prefix="OST", year=year, defaults={"last": 999_998})
    assert ReportFactory().reference == format_reference("OST", year, 999_999) == f"OST-{year}-999999"
    assert ReportFactory().reference == format_reference("OST", year, 1_000_000) == f"OST-{year}-1000000"
