"""Rate limits on the public writes: per client address, a clear 429 with Retry-After in the request's language;
employees never limited, reads never limited, an invented X-Forwarded-For no way around it."""

import pytest
from django.core.cache import cache

from geo_meldpunt.reports.models import Report, Status
from geo_meldpunt.staff.groups import PHONE_DESK
from tests.factories import WAPENPLEIN, CategoryFactory, ReportFactory
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"


@pytest.fixture(autouse=True)
def low_rates(settings):
    cache.clear()
    settings.API_THROTTLE_RATES = {"public_write_burst": "3/min", "public_write_sustained": "5/hour"}
    yield
    cache.clear()


@pytest.fixture
def body():
    category = CategoryFactory()
    return {"kind": "melding", "category": category.slug, "lat": WAPENPLEIN[1], "lon": WAPENPLEIN[0],
            "description": "Losliggende stoeptegel."}  # fmt: skip


def post(client, body, **extra):
    return client.post(URL, body, format="json", **extra)


def test_the_fourth_report_in_a_minute_is_a_429_with_retry_after_in_dutch(api_client, body):
    assert [post(api_client, body).status_code for _ in range(3)] == [201, 201, 201]

    response = post(api_client, body)

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["detail"].startswith("Te veel verzoeken vanaf uw verbinding.")
    assert f"over {response['Retry-After']} seconden" in response.json()["detail"]
    assert Report.objects.count() == 3


def test_the_message_follows_accept_language(api_client, body):
    for _ in range(3):
        post(api_client, body)
    response = post(api_client, body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many requests from your connection.")


def test_the_sustained_rate_counts_over_the_hour(api_client, body, settings):
    settings.API_THROTTLE_RATES = {"public_write_burst": "100/min", "public_write_sustained": "5/hour"}
    assert [post(api_client, body).status_code for _ in range(6)] == [201] * 5 + [429]
    assert int(post(api_client, body)["Retry-After"]) > 60


def test_invalid_posts_count_too(api_client, body):
    for _ in range(3):
        assert post(api_client, {**body, "lat": "geen getal"}).status_code == 400
    assert post(api_client, body).status_code == 429


def test_each_client_address_has_its_own_count(api_client, body):
    for _ in range(3):
        post(api_client, body, REMOTE_ADDR="198.51.100.7")
    assert post(api_client, body, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert post(api_client, body, REMOTE_ADDR="198.51.100.8").status_code == 201


def test_an_invented_forwarded_for_does_not_escape_the_limit(api_client, body):
    for i in range(3):
        post(api_client, body, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert post(api_client, body, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_behind_a_trusted_proxy_the_address_it_saw_is_the_client(api_client, body, settings):
    settings.MELDPUNT_NUM_PROXIES = 1
    for _ in range(3):
        post(api_client, body, HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.7")
    assert post(api_client, body, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert post(api_client, body, HTTP_X_FORWARDED_FOR="198.51.100.7, 198.51.100.8").status_code == 201


def test_reads_are_never_limited(api_client, body):
    for _ in range(3):
        post(api_client, body)
    assert all(api_client.get(URL).status_code == 200 for _ in range(10))


def test_an_employee_at_the_phone_desk_is_never_limited(api_client, body):
    api_client.force_login(staff_user(PHONE_DESK))
    statuses = {post(api_client, {**body, "channel": "phone"}).status_code for _ in range(8)}
    assert statuses == {201}


def test_following_is_limited_too(api_client, body):
    report = ReportFactory(status=Status.IN_BEHANDELING)
    url = f"/api/v1/reports/{report.reference}/follow/"
    answers = [api_client.post(url, {"email": f"buur{i}@example.org"}, format="json") for i in range(4)]
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert answers[-1].has_header("Retry-After")
