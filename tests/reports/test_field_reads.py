"""The field page's reads: a reporter's usual categories first, the open reports around a point that a member of
staff may confirm (one index-backed query), and their own reports."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from geo_meldpunt.reports.models import Channel, Follower, Kind, Status
from geo_meldpunt.reports.selectors import categories_for_reporter, reports_around, reports_created_by
from geo_meldpunt.staff.groups import COORDINATOR, FIELD_STAFF, HANDLER, PLANNER
from tests.factories import WAPENPLEIN, CategoryFactory, ReportFactory, point_at, project
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db

HERE = point_at(*WAPENPLEIN)


def references(reports) -> list[str]:
    return [r.reference for r in reports]


# --- The reporter's categories ---------------------------------------------------------------------------------


def test_the_reporters_most_used_categories_come_first_then_the_rest_in_their_usual_order():
    warden, colleague = staff_user(FIELD_STAFF), staff_user(FIELD_STAFF)
    first, second, third, fourth = (CategoryFactory(position=position) for position in (1, 2, 3, 4))
    for category, count in ((third, 3), (second, 1)):
        for _ in range(count):
            ReportFactory(category=category, created_by=warden, channel=Channel.FIELD)
    for _ in range(5):  # a colleague's habits are not the warden's
        ReportFactory(category=fourth, created_by=colleague, channel=Channel.FIELD)
    ReportFactory(category=first)  # a citizen's report counts for nobody

    ours = [c for c in categories_for_reporter(user=warden) if c in (first, second, third, fourth)]

    assert [(c, c.used) for c in ours] == [(third, 3), (second, 1), (first, 0), (fourth, 0)]


def test_only_active_categories_that_take_the_kind_are_offered():
    warden = staff_user(FIELD_STAFF)
    suggestions_only = CategoryFactory(kinds=[Kind.SUGGESTIE])
    retired = CategoryFactory(active=False)

    offered = set(categories_for_reporter(user=warden, kind=Kind.MELDING))

    assert suggestions_only not in offered and retired not in offered
    assert suggestions_only in set(categories_for_reporter(user=warden, kind=Kind.SUGGESTIE))


# --- Around me ------------------------------------------------------------------------------------------------


def test_open_reports_within_the_radius_nearest_first_with_their_distance(settings):
    settings.FIELD_AROUND_RADIUS_M = 300
    warden = staff_user(FIELD_STAFF)
    category = CategoryFactory()
    at_250 = ReportFactory(category=category, point=project(HERE, metres=250, azimuth_deg=10))
    at_40 = ReportFactory(category=CategoryFactory(), point=project(HERE, metres=40, azimuth_deg=200))
    ReportFactory(category=category, point=project(HERE, metres=320, azimuth_deg=90))  # too far
    ReportFactory(category=category, point=project(HERE, metres=20), status=Status.AFGESLOTEN)  # solved
    ReportFactory(category=category, point=project(HERE, metres=30), status=Status.SAMENGEVOEGD)  # merged
    ReportFactory(category=category, point=None, kind=Kind.SUGGESTIE)  # no place

    found = list(reports_around(point=HERE, user=warden))

    assert references(found) == [at_40.reference, at_250.reference]
    assert [r.distance.m for r in found] == [pytest.approx(40, abs=0.5), pytest.approx(250, abs=0.5)]


def test_a_warden_sees_public_reports_and_their_own_not_others_in_a_private_category():
    warden = staff_user(FIELD_STAFF)
    private = CategoryFactory(is_public=False)
    public = ReportFactory(category=CategoryFactory(), point=project(HERE, metres=10))
    own_private = ReportFactory(category=private, point=project(HERE, metres=20), created_by=warden)
    ReportFactory(category=private, point=project(HERE, metres=30))  # a citizen's, not on the public map

    assert references(reports_around(point=HERE, user=warden)) == [public.reference, own_private.reference]


def test_a_handler_also_sees_its_departments_private_reports_and_the_coordinator_all():
    private = CategoryFactory(is_public=False)
    theirs = ReportFactory(category=private, point=project(HERE, metres=10))
    other = ReportFactory(category=CategoryFactory(is_public=False), point=project(HERE, metres=20))
    handler = staff_user(HANDLER, departments=[theirs.department])
    coordinator = staff_user(COORDINATOR)

    assert references(reports_around(point=HERE, user=handler)) == [theirs.reference]
    assert references(reports_around(point=HERE, user=coordinator)) == [theirs.reference, other.reference]


def test_someone_who_is_no_city_employee_sees_nothing(django_user_model):
    ReportFactory(category=CategoryFactory(), point=project(HERE, metres=10))
    citizen = django_user_model.objects.create_user(username="burger")

    assert list(reports_around(point=HERE, user=citizen)) == []
    assert list(reports_around(point=HERE, user=staff_user(PLANNER))) != []  # a role is an employee


def test_compliments_are_not_listed_and_following_is_marked():
    warden = staff_user(FIELD_STAFF)
    warden.email = "wacht@oostende.be"
    warden.save()
    category = CategoryFactory()
    followed = ReportFactory(category=category, point=project(HERE, metres=10))
    ReportFactory(category=category, point=project(HERE, metres=15), kind=Kind.COMPLIMENT)
    Follower.objects.create(report=followed, email="wacht@oostende.be")

    [found] = reports_around(point=HERE, user=warden)

    assert (found, found.following) == (followed, True)


def test_around_me_is_one_query_that_uses_st_dwithin_on_the_geography_column():
    warden = staff_user(FIELD_STAFF)
    for metres in (10, 50, 90):
        ReportFactory(category=CategoryFactory(), point=project(HERE, metres=metres))
    warden.refresh_from_db()  # roles not yet read: they are read once, then kept on the user

    with CaptureQueriesContext(connection) as queries:
        found = list(reports_around(point=HERE, user=warden))
        [r.category.localized_name() for r in found]
    spatial = [q["sql"] for q in queries.captured_queries if "ST_DWithin" in q["sql"]]

    assert len(found) == 3
    # The radius is a ST_DWithin filter on the column itself (index-backed), not a comparison of the distance.
    assert len(spatial) == 1 and 'ST_DWithin("reports_report"."point"' in spatial[0]
    assert len(queries.captured_queries) == 2  # the roles once, then the list


# --- Mine -----------------------------------------------------------------------------------------------------


def test_mine_is_what_the_user_filed_newest_first():
    warden, colleague = staff_user(FIELD_STAFF), staff_user(FIELD_STAFF)
    older = ReportFactory(created_by=warden, channel=Channel.FIELD)
    ReportFactory(created_by=colleague, channel=Channel.FIELD)
    ReportFactory()
    newer = ReportFactory(created_by=warden, channel=Channel.FIELD)

    assert references(reports_created_by(user=warden)) == [newer.reference, older.reference]
