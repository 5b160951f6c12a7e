"""Which client a request comes from, for per-client limits (API throttling, the login lock-out)."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or, behind MELDPUNT_NUM_PROXIES trusted reverse proxies, the address the
    outermost of them saw (the last but N-1 entry of X-Forwarded-For). Earlier entries are whatever the client
    wrote, so they are never trusted: a client cannot escape its limits by inventing addresses."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.MELDPUNT_NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
    return addresses[-min(proxies, len(addresses))] if addresses else remote
