"""The one place where a page's map configuration is built: base layer, start view and the map's own strings.

Templates render it with `{{ map_config|json_script:"map-config" }}` and maps/static/maps/js/basemap.js reads it.
The context processor in maps/context_processors.py puts it in every template's context, so a page with a map
needs no view code for it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

# Maximum zoom when no tile server limits it (base layer "none").
DEFAULT_MAX_ZOOM = 19


def map_strings() -> dict[str, str]:
    """Leaflet's own control labels, translated (Leaflet ships them in English only)."""
    return {
        "map_label": _("Map"),
        "zoom_in": _("Zoom in"),
        "zoom_out": _("Zoom out"),
        "close_popup": _("Close"),
        "keyboard_help": _("Use the arrow keys to move the map and the + and - keys to zoom."),
    }


def map_config() -> dict:
    """Base layer and start view from the MAPS_* settings; call during a request so the strings are translated."""
    layer = settings.MAPS_BASE_LAYER
    if layer == "none":
        base: dict[str, object] = {"url": None, "attribution": "", "max_zoom": DEFAULT_MAX_ZOOM}
    else:
        try:
            base = settings.MAPS_BASE_LAYERS[layer]
        except KeyError:
            raise ImproperlyConfigured(
                f"MAPS_BASE_LAYER is {layer!r}; use 'none' or one of {sorted(settings.MAPS_BASE_LAYERS)}."
            ) from None
    lat, lon = settings.MAPS_CENTER
    return {
        "layer": layer,
        "url": base["url"],
        "attribution": base["attribution"],
        "max_zoom": base["max_zoom"],
        "center": [lat, lon],
        "zoom": settings.MAPS_ZOOM,
        # From this zoom on the public map shows reports one by one; below it, clusters counted by the server.
        "detail_zoom": settings.REPORTS_CLUSTERS_DETAIL_ZOOM,
        "strings": map_strings(),
    }
