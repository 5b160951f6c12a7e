"""Rate limits per client on the public writes (filing a report, following one): DRF throttling on the cache.

Two windows per client address (geo_meldpunt.core.clients.client_ip): a burst per minute and a sustained rate per
hour, both in API_THROTTLE_RATES. The defaults are far above what a person or a household files (the city takes
about 18 reports a day) and stop a script (issue 11: 200 POSTs in 8 s were all accepted). Logged-in employees
(the phone desk, wardens in the field) are never limited: a desk behind one NAT address files for many callers.
Reads are not limited here. The cache is Redis in production, so the count holds across web workers.
"""

from __future__ import annotations

import logging

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

from geo_meldpunt.core.clients import client_ip
from geo_meldpunt.staff.roles import is_employee

logger = logging.getLogger(__name__)


class PublicWriteThrottle(SimpleRateThrottle):
    """Writes of anonymous (or non-employee) clients, per client address, at API_THROTTLE_RATES[scope]."""

    scope = "public_write"

    def get_rate(self) -> str | None:
        # Read per request from Django's settings (not DRF's, bound at import): a city changes it in settings.
        return settings.API_THROTTLE_RATES.get(self.scope)

    def __init__(self) -> None:  # DRF reads the rate in __init__; ours is read in allow_request
        pass

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}

    def allow_request(self, request, view) -> bool:
        if request.method in SAFE_METHODS or is_employee(request.user):
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.rate is None:
            return True
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 - a cache that is down (Redis errors share no base class) must not refuse
            logger.warning("rate limit not checked: the cache did not answer", exc_info=True)
            return True


class PublicWriteBurstThrottle(PublicWriteThrottle):
    scope = "public_write_burst"


class PublicWriteSustainedThrottle(PublicWriteThrottle):
    scope = "public_write_sustained"


PUBLIC_WRITE_THROTTLES = [PublicWriteBurstThrottle, PublicWriteSustainedThrottle]
