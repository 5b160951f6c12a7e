"""`{{ hotspot|hotspot_map }}`: the small SVG map of a detected hotspot (maps/views/insight/hotspot_maps.py), so
the card include needs nothing from its page's view."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from geo_meldpunt.hotspots.selectors import HotspotFigures
from maps.views.insight.hotspot_maps import hotspot_svg

register = template.Library()


@register.filter
def hotspot_map(hotspot: HotspotFigures) -> dict:
    return hotspot_svg(
        points=hotspot.points,
        radius_m=hotspot.radius_m,
        label=_("Map of the hotspot: %(why)s") % {"why": hotspot.why},
    )
