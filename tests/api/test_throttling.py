"""Rate limits on the public writes: per client address, a clear 429 with Retry-After in the request's language;
employees never limited, reads never limited, an invented X-Forwarded-For no way around it."""

import os

import pytest
import redis
from django.core.cache import cache

from geo_meldpunt.reports.models import Report, Status
from geo_meldpunt.staff.groups import PHONE_DESK
from tests.factories import WAPENPLEIN, CategoryFactory, ReportFactory
from tests.staff.helpers import staff_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"


REDIS_PREFIX = "meldpunt-throttle-test"


def redis_keys_remove() -> None:
    client = redis.Redis.from_url(os.environ.get("MELDPUNT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
    for key in client.scan_iter(f"{REDIS_PREFIX}:*"):
        client.delete(key)


# Redis as in production (one Lua script per request), and the local-memory cache of the test settings (the same
# rule through the cache API): both must limit alike.
@pytest.fixture(autouse=True, params=["redis", "locmem"])
def low_rates(request, settings):
    if request.param == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": os.environ.get("MELDPUNT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
                "KEY_PREFIX": REDIS_PREFIX,
            }
        }
        redis_keys_remove()
    cache.clear() if request.param == "locmem" else None
    settings.API_THROTTLE_RATES = {"public_write_burst": "3/min", "public_write_sustained": "5/hour"}
    yield request.param
    if request.param == "redis":
        redis_keys_remove()
    else:
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


def test_on_redis_both_windows_cost_one_round_trip(api_client, body, low_rates, monkeypatch):
    commands = []
    real = redis.Redis.execute_command

    def counting(self, *args, **kwargs):
        commands.append(args[0])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    answers = [post(api_client, body).status_code for _ in range(4)]

    assert answers == [201, 201, 201, 429]
    if low_rates == "redis":  # one script per request (loaded once if Redis did not have it)
        assert commands in (["EVALSHA"] * 4, ["EVALSHA", "SCRIPT LOAD", "EVALSHA", "EVALSHA", "EVALSHA"])
    else:
        assert commands == []


def test_a_refused_request_is_not_counted_so_waiting_as_told_is_enough(api_client, body, settings):
    settings.API_THROTTLE_RATES = {"public_write_burst": "2/min", "public_write_sustained": "100/hour"}
    assert [post(api_client, body).status_code for _ in range(4)] == [201, 201, 429, 429]
    # The two refused were not counted: a minute allowing three has one left.
    settings.API_THROTTLE_RATES = {"public_write_burst": "3/min", "public_write_sustained": "100/hour"}
    assert [post(api_client, body).status_code for _ in range(2)] == [201, 429]
