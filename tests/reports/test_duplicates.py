"""Duplicate candidates: open reports of the same category within the category's radius, nearest first, at most 5."""

import pytest
from django.conf import settings

from geo_meldpunt.reports.duplicates import duplicate_candidates
from geo_meldpunt.reports.models import OPEN_STATUSES, Status
from tests.factories import WAPENPLEIN, CategoryFactory, ReportFactory, point_at, project

pytestmark = pytest.mark.django_db

ORIGIN = point_at(*WAPENPLEIN)
CLOSED_STATUSES = [s for s in Status.values if s not in OPEN_STATUSES]


def references(candidates) -> list[str]:
    return [r.reference for r in candidates]


def test_radius_50_finds_a_report_at_45_m_but_not_at_60_m():
    category = CategoryFactory(duplicate_radius_m=50)
    at_45 = ReportFactory(category=category, point=project(ORIGIN, metres=45, azimuth_deg=90))
    ReportFactory(category=category, point=project(ORIGIN, metres=60, azimuth_deg=0))

    assert references(duplicate_candidates(point=ORIGIN, category=category)) == [at_45.reference]


def test_radius_is_the_categorys_own_100_m_finds_at_90_m_not_at_110_m():
    category = CategoryFactory(duplicate_radius_m=100)
    at_90 = ReportFactory(category=category, point=project(ORIGIN, metres=90, azimuth_deg=200))
    ReportFactory(category=category, point=project(ORIGIN, metres=110, azimuth_deg=20))

    assert references(duplicate_candidates(point=ORIGIN, category=category)) == [at_90.reference]


def test_a_category_created_without_a_radius_uses_50_m():
    category = CategoryFactory()  # the model's default radius applies
    category.refresh_from_db()
    assert category.duplicate_radius_m == settings.REPORTS_DUPLICATES_RADIUS_M == 50
    at_48 = ReportFactory(category=category, point=project(ORIGIN, metres=48, azimuth_deg=45))
    ReportFactory(category=category, point=project(ORIGIN, metres=53, azimuth_deg=45))

    assert references(duplicate_candidates(point=ORIGIN, category=category)) == [at_48.reference]


def test_distance_is_in_metres_on_the_ground():
    category = CategoryFactory(duplicate_radius_m=150)
    for metres in (12.0, 77.5, 140.0):
        ReportFactory(category=category, point=project(ORIGIN, metres=metres, azimuth_deg=metres))

    distances = [c.distance.m for c in duplicate_candidates(point=ORIGIN, category=category)]

    assert distances == [pytest.approx(12.0, abs=0.5), pytest.approx(77.5, abs=0.5), pytest.approx(140.0, abs=0.5)]


@pytest.mark.parametrize("status", CLOSED_STATUSES)
def test_a_closed_report_is_no_candidate(status):
    category = CategoryFactory()
    ReportFactory(category=category, point=project(ORIGIN, metres=5), status=status)

    assert references(duplicate_candidates(point=ORIGIN, category=category)) == []


def test_every_open_status_is_a_candidate():
    category = CategoryFactory(duplicate_radius_m=100)
    made = [
        ReportFactory(category=category, point=project(ORIGIN, metres=10 + 10 * i), status=status)
        for i, status in enumerate(OPEN_STATUSES)
    ]
    # Five at most: ask for all of them explicitly.
    found = duplicate_candidates(point=ORIGIN, category=category, limit=len(made))

    assert references(found) == [r.reference for r in made]


def test_only_the_same_category_counts_not_a_sibling_or_the_parent():
    parent = CategoryFactory()
    category = CategoryFactory(parent=parent)
    sibling = CategoryFactory(parent=parent)
    ReportFactory(category=sibling, point=project(ORIGIN, metres=3))
    ReportFactory(category=parent, point=project(ORIGIN, metres=4))
    same = ReportFactory(category=category, point=project(ORIGIN, metres=30))

    assert references(duplicate_candidates(point=ORIGIN, category=category)) == [same.reference]


def test_nearest_first():
    category = CategoryFactory()
    at_40 = ReportFactory(category=category, point=project(ORIGIN, metres=40, azimuth_deg=0))
    at_10 = ReportFactory(category=category, point=project(ORIGIN, metres=10, azimuth_deg=120))
    at_25 = ReportFactory(category=category, point=project(ORIGIN, metres=25, azimuth_deg=240))

    assert references(duplicate_candidates(point=ORIGIN, category=category)) == [
        at_10.reference,
        at_25.reference,
        at_40.reference,
    ]


def test_at_most_five_the_nearest():
    category = CategoryFactory()
    made = [
        ReportFactory(category=category, point=project(ORIGIN, metres=m, azimuth_deg=m * 7)) for m in range(5, 40, 5)
    ]
    assert len(made) == 7

    assert references(duplicate_candidates(point=ORIGIN, category=category)) == [r.reference for r in made[:5]]


def test_a_report_without_a_location_is_never_a_candidate():
    category = CategoryFactory()
    ReportFactory(category=category, kind="suggestie", point=None)

    assert references(duplicate_candidates(point=ORIGIN, category=category)) == []
