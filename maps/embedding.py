"""Which sites may show the embed pages in a frame: the one place the app's frame headers are relaxed.

Every page answers `X-Frame-Options: DENY` (XFrameOptionsMiddleware, settings.X_FRAME_OPTIONS), so no other site
can show it in a frame and trick a visitor into clicking it (clickjacking). The embed pages (/embed/knop/,
/embed/kaart/) are made to be framed by the city's own web site: `@embeddable` drops X-Frame-Options for them and
replaces the frame-ancestors directive of the app's Content-Security-Policy (settings.CONTENT_SECURITY_POLICY,
sent by django-csp on every answer, 'none' there) with `frame-ancestors 'self' <MAPS_EMBED_ORIGINS>`, which
browsers enforce for every ancestor of the frame, so a site not listed sees an empty frame. The rest of the
policy (scripts, styles, images from the app itself) stays as on every page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

from csp.constants import SELF
from django.conf import settings
from django.core import checks
from django.views.decorators.clickjacking import xframe_options_exempt

# An origin as CSP and browsers compare it: scheme, host (optionally "*." for any subdomain), port; no path.
ORIGIN = re.compile(
    r"^https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$", re.IGNORECASE
)


def frame_ancestors() -> list[str]:
    """The CSP frame-ancestors sources for the embed pages: the app itself and the configured origins, nothing else."""
    return [SELF, *settings.MAPS_EMBED_ORIGINS]


def embeddable(view: Callable) -> Callable:
    """Let the configured sites (and the app itself) show this view in a frame; every other site cannot."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        # Read by django-csp's middleware when it writes the header (the same as its @csp_replace decorator, with
        # the origins read per request so that a test's settings override applies).
        response._csp_replace = {"frame-ancestors": frame_ancestors()}
        return response

    return xframe_options_exempt(wrapper)


def check_embed_origins(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """System check: each MAPS_EMBED_ORIGINS entry is a bare origin (a path, a quote or "*" would widen the CSP)."""
    return [
        checks.Error(
            f"MAPS_EMBED_ORIGINS (MELDPUNT_EMBED_ORIGINS) has {origin!r}, which is not an origin.",
            hint="Write scheme, host and optional port only, e.g. https://www.oostende.be or https://*.oostende.be.",
            id="maps.E001",
        )
        for origin in settings.MAPS_EMBED_ORIGINS
        if not ORIGIN.match(origin)
    ]
