"""An online geocoder through geopy (Nominatim), used only when GEOCODING_BACKEND is "nominatim".

It sends what the person typed, or where they put the pin, to that service. Any failure of the service (timeout,
refusal, unreadable answer, no network) falls back to the local address table with a warning in the log: a
citizen filing a report never gets an error because an outside service is down.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ImproperlyConfigured
from geopy.distance import geodesic
from geopy.exc import GeopyError

from geo_meldpunt.core.geo import WGS84

from .base import Geocoder, GeocodeResult, address_label
from .territory import points_in_territory, territory_extent

logger = logging.getLogger(__name__)

SOURCE = "nominatim"
# What goes wrong with an outside service: geopy's own errors (timeouts included), the network, and answers that
# do not have the shape we expect.
_FAILURES = (GeopyError, OSError, ValueError, KeyError, TypeError, AttributeError)
_PLACE_KEYS = ("city", "town", "village", "municipality", "suburb")


class GeopyGeocoder:
    """`geocoder` is a geopy geocoder (Nominatim by default, built from the GEOCODING_* settings, on the server of
    GEOCODING_NOMINATIM_URL); a test passes a stand-in with the same geocode/reverse methods. `fallback` answers
    when the service fails."""

    source = SOURCE

    def __init__(self, *, fallback: Geocoder, geocoder=None) -> None:
        self.fallback = fallback
        self._geocoder = geocoder
        self.timeout = settings.GEOCODING_TIMEOUT_S

    @property
    def geocoder(self):
        if self._geocoder is None:
            from geopy.geocoders import Nominatim

            self._geocoder = Nominatim(
                user_agent=settings.GEOCODING_USER_AGENT,
                timeout=self.timeout,
                **nominatim_server(settings.GEOCODING_NOMINATIM_URL),
            )
        return self._geocoder

    def search(self, query: str, *, limit: int = 5) -> list[GeocodeResult]:
        extent = territory_extent()
        try:
            locations = self.geocoder.geocode(
                query,
                exactly_one=False,
                limit=limit,
                addressdetails=True,
                country_codes="be",
                # The city's box, and nothing outside it; the territory test below trims the corners.
                viewbox=[(extent[1], extent[0]), (extent[3], extent[2])] if extent else None,
                bounded=extent is not None,
                timeout=self.timeout,
            )
            results = [_result(location) for location in locations or []]
        except _FAILURES as exc:
            logger.warning("Online geocoder failed for a search (%s); answering from the local address table.", exc)
            return self.fallback.search(query, limit=limit)
        inside = points_in_territory([r.point for r in results])
        return [r for r, keep in zip(results, inside, strict=True) if keep][:limit]

    def reverse(self, point: Point) -> GeocodeResult | None:
        try:
            location = self.geocoder.reverse(
                (point.y, point.x), exactly_one=True, addressdetails=True, zoom=18, timeout=self.timeout
            )
            if location is None:
                return None
            found = _result(location)
        except _FAILURES as exc:
            logger.warning("Online geocoder failed for a reverse lookup (%s); answering from the local table.", exc)
            return self.fallback.reverse(point)
        # Pure arithmetic on two points, no database: the same spheroid distance PostGIS would give.
        distance = geodesic((point.y, point.x), (found.point.y, found.point.x)).meters
        if distance > settings.GEOCODING_REVERSE_RADIUS_M:
            return None
        return GeocodeResult(**{**found.__dict__, "distance_m": round(distance, 1)})


def nominatim_server(url: str) -> dict[str, str]:
    """geopy's `domain` and `scheme` for the Nominatim server at `url`; {} (geopy's default server) when empty.

    The default is OpenStreetMap's public server, whose usage policy forbids search-as-you-type: the address field
    searches while the citizen types, so a city using the online geocoder should run its own server.
    """
    url = url.strip()
    if not url:
        return {}
    parts = urlsplit(url if "://" in url else f"https://{url}")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(
            f"GEOCODING_NOMINATIM_URL is {url!r}; give a URL such as https://nominatim.example.be"
        )
    return {"domain": f"{parts.netloc}{parts.path.rstrip('/')}", "scheme": parts.scheme}


def _result(location) -> GeocodeResult:
    """A geopy Location with Nominatim's address details, labelled the way the local geocoder labels."""
    address = (location.raw or {}).get("address") or {}
    street = address.get("road") or address.get("pedestrian") or address.get("square") or ""
    housenumber = address.get("house_number", "")
    postcode = address.get("postcode", "")
    municipality = next((address[key] for key in _PLACE_KEYS if address.get(key)), "")
    label = (
        address_label(street=street, housenumber=housenumber, postcode=postcode, municipality=municipality)
        if street
        else location.address
    )
    return GeocodeResult(
        label=label,
        point=Point(float(location.longitude), float(location.latitude), srid=WGS84),
        street=street,
        housenumber=housenumber,
        postcode=postcode,
        municipality=municipality,
        source=SOURCE,
    )
