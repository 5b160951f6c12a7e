"""SQL statements per request: the public list costs the same for 10 rows as for 100; creating a report is bounded."""

import itertools
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from geo_meldpunt.reports.models import ReportEvent, Status
from geo_meldpunt.zones.models import ZoneType
from tests.factories import (
    WAPENPLEIN,
    CategoryFactory,
    DepartmentFactory,
    ReportFactory,
    RoutingRuleFactory,
    image_bytes,
    point_at,
    project,
    upload,
)

pytestmark = pytest.mark.django_db

ORIGIN = point_at(*WAPENPLEIN)
# The page's planner settings (no parallel workers, no JIT, for this transaction) and the page itself, its public
# photos included (an array subquery per row of the page): nothing per row, and no count (keyset pages). The
# transaction is a savepoint here (tests run inside one); its SAVEPOINT and RELEASE are not counted (outside a test,
# BEGIN and COMMIT: four statements on the wire, two of them the transaction's bracket).
LIST_QUERIES = 2
# Routing's one read (the category, covering zones, candidate rules and the coordinator together) and one
# statement that numbers and inserts the report and its event (reports/services/filing.py). The category, the
# regulation and the e-mail templates come from the process's memory, checked by that statement. Outside a test
# that statement is its own transaction (no BEGIN or COMMIT); here it runs in a savepoint, whose SAVEPOINT and
# RELEASE are not counted. It was 9 before.
CREATE_QUERIES = 2
# Inside a transaction (a test, the Open311 view) an acknowledgement adds its outbox row (outside one, it is part of
# the one statement); photos add one INSERT for all of them.
CREATE_WITH_EMAIL_QUERIES = CREATE_WITH_PHOTOS_QUERIES = 3


@pytest.fixture
def categories():
    """Several categories with parents and departments, so a query per row would show."""
    parents = [CategoryFactory() for _ in range(2)]
    return [CategoryFactory(parent=parents[i % 2]) for i in range(5)]


def make_reports(categories, count: int, start: int = 0) -> None:
    statuses = itertools.cycle([Status.NIEUW, Status.IN_BEHANDELING, Status.ONTVANGEN])
    for i in range(start, start + count):
        ReportFactory(
            category=categories[i % len(categories)],
            point=project(ORIGIN, metres=5 + 3 * i, azimuth_deg=37 * i),
            status=next(statuses),
        )


def list_queries(client, **params) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/reports/", params)
    assert response.status_code == 200
    statements = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    return len(statements), len(response.json()["features"])


def test_the_public_list_costs_the_same_for_10_and_100_rows(api_client, categories):
    make_reports(categories, 10)
    queries_10, rows_10 = list_queries(api_client)
    make_reports(categories, 90, start=10)
    queries_100, rows_100 = list_queries(api_client)

    assert (rows_10, rows_100) == (10, 100)
    assert queries_10 == queries_100 == LIST_QUERIES


def test_filters_add_no_queries(api_client, categories):
    make_reports(categories, 30)
    parent_slug = categories[0].parent.slug

    queries, rows = list_queries(api_client, bbox="2.90,51.22,2.94,51.24", category=parent_slug, status="nieuw")

    assert rows > 0
    assert queries == LIST_QUERIES


def test_nearby_is_one_statement_for_five_candidates(api_client, categories, django_assert_num_queries):
    category = categories[0]
    for i in range(7):
        ReportFactory(category=category, point=project(ORIGIN, metres=4 + i, azimuth_deg=50 * i))
    query = {"lat": ORIGIN.y, "lon": ORIGIN.x, "category": category.slug}
    # The category, the candidates and the JSON in one statement, from the first request of a process on.
    with django_assert_num_queries(1):
        response = api_client.get("/api/v1/reports/nearby/", query)
    assert len(response.json()["features"]) == 5


def test_tracking_is_one_statement_with_photos_and_history(api_client, categories, django_assert_num_queries):
    report = ReportFactory(category=categories[0])
    ReportEvent.objects.create(report=report, event_type=ReportEvent.Type.NOTE, note="Bekeken.", public=True)
    with django_assert_num_queries(1):
        response = api_client.get(f"/api/v1/track/{report.tracking_token}/")
    assert len(response.json()["history"]) == 2


def test_routing_preview_is_one_statement(api_client, categories, django_assert_num_queries):
    query = {"lat": ORIGIN.y, "lon": ORIGIN.x, "category": categories[0].slug}
    with django_assert_num_queries(1):
        response = api_client.get("/api/v1/routing/preview/", query)
    assert response.json()["routable"] is True


def test_categories_is_one_query(api_client, categories, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert api_client.get("/api/v1/categories/").status_code == 200


def create_queries(client, data, **extra) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/api/v1/reports/", data, format=extra.pop("format", "json"), **extra)
    assert response.status_code == 201, response.content
    return len([q for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])


@pytest.fixture
def create_body():
    category = CategoryFactory()
    RoutingRuleFactory(category=category, zone_type=ZoneType.WIJK, department=DepartmentFactory())
    return {"kind": "melding", "category": category.slug, "lat": ORIGIN.y, "lon": ORIGIN.x, "description": "Gat."}


def test_creating_a_report_takes_two_statements(api_client, create_body):
    # The first filings of the test load the reference data it created (as a process does once after a change).
    for _ in range(2):
        create_queries(api_client, {**create_body, "reporter_email": "melder@example.org"})

    assert create_queries(api_client, create_body) == CREATE_QUERIES
    assert create_queries(api_client, {**create_body, "reporter_email": "a@example.org"}) == CREATE_WITH_EMAIL_QUERIES
    assert create_queries(api_client, create_body, HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())) == CREATE_QUERIES


def test_photos_add_one_insert_for_all_of_them(api_client, create_body):
    for _ in range(2):
        create_queries(api_client, create_body)

    counts = [
        create_queries(
            api_client,
            {**create_body, "photos": [upload(f"{i}.jpg", image_bytes()) for i in range(n)]},
            format="multipart",
        )
        for n in (1, 3)
    ]

    assert counts == [CREATE_WITH_PHOTOS_QUERIES, CREATE_WITH_PHOTOS_QUERIES]


def test_following_a_report_takes_six_statements(api_client):
    # The report with its category (named in the mail), whether the address follows already, the follower, the
    # history event, the confirmation's template and its outbox row. It was 10 (and a transaction's bracket).
    report = ReportFactory(status=Status.IN_BEHANDELING)
    url = f"/api/v1/reports/{report.reference}/follow/"

    with CaptureQueriesContext(connection) as ctx:
        response = api_client.post(url, {"email": "buur@example.org"}, format="json")

    assert response.status_code == 201
    statements = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == 6, statements
    assert report.emails.filter(to="buur@example.org").count() == 1
