"""Rate limits per client on the public writes (filing a report, following one), in one cache round trip.

Two windows per client address (geo_meldpunt.core.clients.client_ip): a burst per minute and a sustained rate per
hour, both in API_THROTTLE_RATES. The defaults are far above what a person or a household files (the city takes
about 18 reports a day) and stop a script (issue 11: 200 POSTs in 8 s were all accepted). Logged-in employees
(the phone desk, wardens in the field) are never limited: a desk behind one NAT address files for many callers.
Reads are not limited here. The cache is Redis in production, so the count holds across web workers.

Fixed windows, each starting at a client's first request in it: a window allows `limit` requests, then refuses
until it expires (Retry-After: the seconds it has left). A refused request is not counted, so a client that waits
as told gets through. On Redis both windows are one Lua script (check, INCR, EXPIRE on the first request): one
round trip per request instead of a read and a write per window. Another cache backend (the test settings'
local memory) gets the same rule through the cache API.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from geo_meldpunt.core.clients import client_ip
from geo_meldpunt.staff.roles import is_employee

logger = logging.getLogger(__name__)

SCOPES = ("public_write_burst", "public_write_sustained")
# Not the key names of the DRF throttles before this one (lists of times): a count cannot be added to those.
KEY_FORMAT = "ratelimit_%(scope)s_%(ident)s"

# KEYS: one per window; ARGV: limit and seconds per window. Returns, per window, 1 (counted) or 0 (refused) and
# the seconds the window has left. Atomic in Redis: concurrent requests of one client cannot both take the last.
WINDOWS_SCRIPT = """
local out = {}
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i - 1])
  local seconds = tonumber(ARGV[2 * i])
  local n = tonumber(redis.call('GET', key) or '0')
  local counted = 0
  if n < limit then
    n = redis.call('INCR', key)
    if n == 1 then redis.call('EXPIRE', key, seconds) end
    counted = 1
  end
  local ttl = redis.call('TTL', key)
  if ttl < 0 then ttl = seconds end
  table.insert(out, counted)
  table.insert(out, ttl)
end
return out
"""

_scripts: dict[int, Any] = {}


def _windows() -> list[tuple[str, int, int]]:
    """(scope, limit, seconds) of each configured window, read per request from Django's settings."""
    windows = []
    for scope in SCOPES:
        rate = settings.API_THROTTLE_RATES.get(scope)
        if rate:
            limit, seconds = SimpleRateThrottle.parse_rate(None, rate)  # type: ignore[arg-type]
            if limit is not None and seconds is not None:
                windows.append((scope, limit, seconds))
    return windows


def _redis_client():
    """The raw redis client behind Django's Redis cache; None for any other backend."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(write=True)  # type: ignore[attr-defined]


def _check_redis(client, keys: list[str], args: list[int]) -> list[int]:
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(WINDOWS_SCRIPT)
    return [int(value) for value in script(keys=keys, args=args)]  # EVALSHA; loads it once if Redis lacks it


def _check_cache(keys: list[str], args: list[int]) -> list[int]:
    out = []
    now = time.time()
    for i, key in enumerate(keys):
        limit, seconds = args[2 * i], args[2 * i + 1]
        count, expires = cache.get(key) or (0, now + seconds)
        counted = int(count < limit)
        if counted:
            cache.set(key, (count + 1, expires), timeout=max(1, math.ceil(expires - now)))
        out += [counted, max(0, math.ceil(expires - now))]
    return out


class PublicWriteThrottle(BaseThrottle):
    """Writes of anonymous (or non-employee) clients, per client address, in every window of API_THROTTLE_RATES."""

    def __init__(self) -> None:
        self.retry_after: int | None = None

    def allow_request(self, request, view) -> bool:
        if request.method in SAFE_METHODS or is_employee(request.user):
            return True
        windows = _windows()
        if not windows:
            return True
        ident = client_ip(request)
        keys = [cache.make_key(KEY_FORMAT % {"scope": scope, "ident": ident}) for scope, _l, _s in windows]
        args = [value for _scope, limit, seconds in windows for value in (limit, seconds)]
        try:
            client = _redis_client()
            answer = _check_redis(client, keys, args) if client is not None else _check_cache(keys, args)
        except Exception:  # noqa: BLE001 - a cache that is down (Redis errors share no base class) must not refuse
            logger.warning("rate limit not checked: the cache did not answer", exc_info=True)
            return True
        refused = [answer[2 * i + 1] for i in range(len(windows)) if not answer[2 * i]]
        if refused:
            self.retry_after = max(1, max(refused))
            return False
        return True

    def wait(self) -> float | None:
        return self.retry_after


PUBLIC_WRITE_THROTTLES = [PublicWriteThrottle]
