"""Geocoding: addresses to places and back, behind one interface (base.Geocoder).

The backend is chosen here, at the edge, from GEOCODING_BACKEND: "local" (the city's address table, the default)
or "nominatim" (an online service through geopy, falling back to the local table whenever it fails).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from .base import Geocoder

BACKENDS = ("local", "nominatim")


def get_geocoder() -> Geocoder:
    # Imported here: this package's __init__ runs while Django loads its apps, before models may be imported.
    from .local import LocalGeocoder

    backend = settings.GEOCODING_BACKEND
    if backend == "local":
        return LocalGeocoder()
    if backend == "nominatim":
        from .online import GeopyGeocoder

        return GeopyGeocoder(fallback=LocalGeocoder())
    raise ImproperlyConfigured(f"GEOCODING_BACKEND is {backend!r}; use one of {', '.join(BACKENDS)}.")
