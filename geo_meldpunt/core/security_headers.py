"""django-csp's middleware, with the settings' policy built once per process for the answers that change nothing in it.

django-csp builds the Content-Security-Policy header anew for every answer, from the settings' directives: about
0.1 ms of a 2 ms API answer (issue 12, docs/benchmarks.md). Almost every answer takes the settings' policy as it
is: no view changed it (the embed pages replace frame-ancestors), no template asked for a nonce, no header set
already. For those the header text is built once, by django-csp's own `build_policy`, and reused until a
CONTENT_SECURITY_POLICY setting changes. Every other answer goes through django-csp's middleware unchanged.
"""

from __future__ import annotations

from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# What a view or decorator sets on an answer to change or drop its policy (django-csp's decorators, maps/embedding).
_CHANGES = (
    "_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro",
)  # fmt: skip
_SETTINGS = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY", "DEBUG")


@cache
def settings_headers() -> tuple[tuple[str, str], ...] | None:
    """The headers of the settings' policy as django-csp writes them; None when a policy excludes URL prefixes (then
    every answer goes through django-csp, which judges each path)."""
    for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        if (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES"):
            return None
    headers = ((HEADER, build_policy()), (HEADER_REPORT_ONLY, build_policy(report_only=True)))
    return tuple((header, value) for header, value in headers if value)


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    if setting in _SETTINGS:
        settings_headers.cache_clear()


class CSPMiddleware(LibraryCSPMiddleware):
    def process_response(self, request, response):
        headers = settings_headers()
        plain = (
            not settings.DEBUG  # django-csp leaves Django's debug pages (500, 404) without a policy
            and getattr(request, "_csp_nonce", None) is None
            and not any(hasattr(response, change) for change in _CHANGES)
            and HEADER not in response
            and HEADER_REPORT_ONLY not in response
        )
        if headers is None or not plain:
            return super().process_response(request, response)
        for header, value in headers:
            response[header] = value
        # As django-csp does: a nonce asked for after the header is written is an error, not a silent no-op.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
