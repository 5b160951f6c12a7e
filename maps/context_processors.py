"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings

from .mapconfig import map_config


def maps(request) -> dict:
    """`map_config` for pages with a map (see maps/mapconfig.py), the site's name and its free phone number."""
    return {
        "map_config": map_config(),
        "site_name": settings.MELDPUNT_SITE_NAME,
        "meldpunt_phone": settings.MELDPUNT_PHONE,
        "meldpunt_phone_uri": settings.MELDPUNT_PHONE_URI,
    }
