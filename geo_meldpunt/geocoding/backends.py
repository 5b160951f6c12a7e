"""The geocoder in use, chosen at the edge from GEOCODING_BACKEND.

"local" (the city's address table, the default) or "nominatim" (an online service through geopy, falling back
to the local table whenever it fails). A module of its own, not the package's __init__: that runs while Django
loads its apps, before the models the local geocoder reads may be imported.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import Geocoder
from .local import LocalGeocoder
from .online import GeopyGeocoder

BACKENDS = ("local", "nominatim")


def get_geocoder() -> Geocoder:
    backend = settings.GEOCODING_BACKEND
    if backend == "local":
        return LocalGeocoder()
    if backend == "nominatim":
        return GeopyGeocoder(fallback=LocalGeocoder())
    raise ImproperlyConfigured(f"GEOCODING_BACKEND is {backend!r}; use one of {', '.join(BACKENDS)}.")
