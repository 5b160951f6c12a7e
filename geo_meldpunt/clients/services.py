"""Making, checking and revoking API keys, and counting their use against each key's rate limit."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from geo_meldpunt.core.lookups import lookup_value_ok

from .models import ApiKey, ClientApplication

KEY_BYTES = 30
PREFIX_LENGTH = 8


def key_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, application: ClientApplication, label: str = "", rate_limit_per_hour: int | None = None):
    """A new key for `application`. Returns (the key row, the key itself): the key is not stored, show it now."""
    key = ApiKey(application=application, label=label)
    raw = api_key_prepare(key)
    if rate_limit_per_hour is not None:
        key.rate_limit_per_hour = rate_limit_per_hour
    key.save()
    return key, raw


def api_key_prepare(key: ApiKey) -> str:
    """Fill in a key row made elsewhere (the admin's form) before it is saved; returns the key itself."""
    raw = secrets.token_urlsafe(KEY_BYTES)
    key.prefix, key.key_hash = raw[:PREFIX_LENGTH], key_digest(raw)
    return raw


def api_keys_revoke(*, keys) -> int:
    """Revoke keys: they stop working at once. Returns how many were still active."""
    return keys.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_key_find(raw: str) -> ApiKey | None:
    """The active key with this text, or None (unknown, revoked, or not a possible key)."""
    if not raw or len(raw) > 200 or not lookup_value_ok(raw):
        return None
    return (
        ApiKey.objects.select_related("application").filter(key_hash=key_digest(raw), revoked_at__isnull=True).first()
    )


@dataclass(frozen=True)
class RateVerdict:
    allowed: bool
    limit: int
    used: int
    retry_after_s: int


def api_key_use(key: ApiKey, *, now: dt.datetime | None = None) -> RateVerdict:
    """Count one request against the key's hourly limit, in one UPDATE (safe under concurrent requests).

    A fixed window of one clock hour: the count starts again at the next hour. A refused request is counted
    too, so hammering past the limit does not reset it.
    """
    now = now or timezone.now()
    window = now.replace(minute=0, second=0, microsecond=0)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE clients_apikey
               SET window_count = CASE WHEN window_start = %s THEN window_count + 1 ELSE 1 END,
                   window_start = %s,
                   last_used_at = %s
             WHERE id = %s
            RETURNING window_count
            """,
            [window, window, now, key.pk],
        )
        used = cursor.fetchone()[0]
    retry_after = int((window + dt.timedelta(hours=1) - now).total_seconds()) + 1
    return RateVerdict(used <= key.rate_limit_per_hour, key.rate_limit_per_hour, used, retry_after)
