"""A key's rate limit counts requests per clock hour, in the database, and starts again the next hour."""

import datetime as dt

import pytest
from django.utils import timezone

from geo_meldpunt.clients.models import ClientApplication
from geo_meldpunt.clients.services import api_key_create, api_key_use

pytestmark = pytest.mark.django_db


def test_the_count_starts_again_at_the_next_hour():
    key, _raw = api_key_create(application=ClientApplication.objects.create(name="App"), rate_limit_per_hour=2)
    hour = timezone.now().replace(minute=10, second=0, microsecond=0)

    verdicts = [api_key_use(key, now=hour + dt.timedelta(minutes=m)) for m in (0, 20, 40)]
    assert [(v.allowed, v.used) for v in verdicts] == [(True, 1), (True, 2), (False, 3)]
    assert verdicts[2].retry_after_s == 10 * 60 + 1

    next_hour = api_key_use(key, now=hour + dt.timedelta(minutes=55))
    assert (next_hour.allowed, next_hour.used) == (True, 1)
    key.refresh_from_db()
    assert key.last_used_at == hour + dt.timedelta(minutes=55)
