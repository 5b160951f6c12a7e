"""Which sites may show the embed pages in a frame: the one place the app's frame headers are relaxed.

Every page answers `X-Frame-Options: DENY` (XFrameOptionsMiddleware, settings.X_FRAME_OPTIONS), so no other site
can show it in a frame and trick a visitor into clicking it (clickjacking). The embed pages (/embed/knop/,
/embed/kaart/) are made to be framed by the city's own web site: `@embeddable` drops X-Frame-Options for them and
sends `Content-Security-Policy: frame-ancestors 'self' <MAPS_EMBED_ORIGINS>` instead, which browsers enforce for
every ancestor of the frame, so a site not listed sees an empty frame.

This is the only Content-Security-Policy the app sends. A full policy for every page (scripts, styles, images,
tiles) is another piece of work; when it comes, it must keep this frame-ancestors directive for these pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core import checks
from django.views.decorators.clickjacking import xframe_options_exempt

# An origin as CSP and browsers compare it: scheme, host (optionally "*." for any subdomain), port; no path.
ORIGIN = re.compile(
    r"^https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$", re.IGNORECASE
)


def frame_ancestors() -> str:
    """The CSP directive for the embed pages: the app itself and the configured origins, nothing else."""
    return " ".join(["frame-ancestors", "'self'", *settings.MAPS_EMBED_ORIGINS])


def embeddable(view: Callable) -> Callable:
    """Let the configured sites (and the app itself) show this view in a frame; every other site cannot."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = frame_ancestors()
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
