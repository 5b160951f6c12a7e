"""POST /api/v1/reports/ with an Idempotency-Key: a resend answers the report already made, never a second one."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone

from geo_meldpunt.reports.models import Category, IdempotencyKey, Kind, Report, ReportPhoto
from geo_meldpunt.reports.services import idempotency_keys_purge
from tests.factories import CategoryFactory, image_bytes, upload

from .test_reports_create import URL, payload


def post(client, data, key, **extra):
    return client.post(URL, data, format=extra.pop("format", "json"), HTTP_IDEMPOTENCY_KEY=key, **extra)


@pytest.mark.django_db
def test_a_repeat_with_the_same_key_and_body_answers_the_same_report(api_client):
    data, key = payload(CategoryFactory()), str(uuid.uuid4())

    first = post(api_client, data, key)
    again = post(api_client, data, key)

    assert first.status_code == 201, first.content
    assert again.status_code == 200, again.content
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_without_a_key_every_post_files_a_report(api_client):
    data = payload(CategoryFactory())

    assert api_client.post(URL, data, format="json").status_code == 201
    assert api_client.post(URL, data, format="json").status_code == 201
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused_and_changes_nothing(api_client):
    category, key = CategoryFactory(), str(uuid.uuid4())
    first = post(api_client, payload(category), key)

    other = post(api_client, payload(category, description="Iets heel anders."), key, HTTP_ACCEPT_LANGUAGE="en")

    assert other.status_code == 422
    assert other.json() == {
        "idempotency_key": ["This idempotency key was already used for another report. Use a new key for a new report."]
    }
    assert list(Report.objects.values_list("reference", flat=True)) == [first.json()["reference"]]


@pytest.mark.django_db
def test_a_malformed_key_is_a_field_error_in_dutch_by_default(api_client):
    response = post(api_client, payload(CategoryFactory()), "kort")

    assert response.status_code == 400
    assert response.json() == {
        "idempotency_key": ["Een idempotentiesleutel bestaat uit 8 tot 100 letters, cijfers, “-”, “_”, “:” of “.”."]
    }
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_a_refused_filing_does_not_use_up_the_key(api_client):
    category, key = CategoryFactory(), str(uuid.uuid4())

    refused = post(api_client, payload(category, lat=None, lon=None), key)
    corrected = post(api_client, payload(category), key)

    assert refused.status_code == 400
    assert corrected.status_code == 201, corrected.content
    assert IdempotencyKey.objects.get(key=key).report.reference == corrected.json()["reference"]


@pytest.mark.django_db
def test_a_resent_multipart_form_with_the_same_photos_is_the_same_request(api_client):
    """A phone resends its queued form: a new multipart boundary, the same fields and photo bytes."""
    category, key = CategoryFactory(), str(uuid.uuid4())
    photo = image_bytes(size=(64, 48))

    def form(content: bytes) -> dict:
        return {**payload(category), "photos": [upload("IMG_0001.jpg", content)]}

    first = post(api_client, form(photo), key, format="multipart")
    again = post(api_client, form(photo), key, format="multipart")
    other_photo = post(api_client, form(image_bytes(size=(48, 64))), key, format="multipart")

    assert (first.status_code, again.status_code, other_photo.status_code) == (201, 200, 422)
    assert again.json()["reference"] == first.json()["reference"]
    assert (Report.objects.count(), ReportPhoto.objects.count()) == (1, 1)


@pytest.mark.django_db
def test_keys_are_kept_for_the_configured_days_then_forgotten(api_client, settings):
    settings.REPORTS_IDEMPOTENCY_KEY_DAYS = 30
    data, key = payload(CategoryFactory()), str(uuid.uuid4())
    reference = post(api_client, data, key).json()["reference"]

    assert idempotency_keys_purge(now=timezone.now() + dt.timedelta(days=29)) == 0
    week_later = post(api_client, data, key)
    assert (week_later.status_code, week_later.json()["reference"]) == (200, reference)

    assert idempotency_keys_purge(now=timezone.now() + dt.timedelta(days=31)) == 1
    assert not IdempotencyKey.objects.exists()
    assert Report.objects.filter(reference=reference).exists()  # the report itself stays


def test_twenty_concurrent_posts_with_one_key_make_exactly_one_report(live_server, reference_data_reloaded):
    """Real HTTP against the threaded live server, real PostgreSQL: all twenty requests leave a barrier at once."""
    category = Category.objects.filter(active=True, kinds__contains=[Kind.MELDING], is_public=True).first()
    body = json.dumps(payload(category)).encode()
    key = str(uuid.uuid4())
    start = threading.Barrier(20)

    def send(_n: int) -> tuple[int, str]:
        request = urllib.request.Request(
            live_server.url + URL,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Idempotency-Key": key},
        )
        start.wait(timeout=30)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.load(response)["reference"]
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(send, range(20)))

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * 19 + [201], answers
    assert len({reference for _, reference in answers}) == 1
    assert Report.objects.count() == 1
    assert Report.objects.get().reference == answers[0][1]
