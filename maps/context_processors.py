"""Template context shared by every page."""

from __future__ import annotations

from .mapconfig import map_config

# The city's own details. City-specific: candidates for MELDPUNT_* settings when a second city uses the code.
SITE_NAME = "Meldpunt Oostende"
PHONE = "0800 1 8400"  # free line for people who cannot report online
PHONE_URI = "tel:+3280018400"


def maps(request) -> dict:
    """`map_config` for pages with a map (see maps/mapconfig.py), the site's name and its free phone number."""
    return {
        "map_config": map_config(),
        "site_name": SITE_NAME,
        "meldpunt_phone": PHONE,
        "meldpunt_phone_uri": PHONE_URI,
    }
