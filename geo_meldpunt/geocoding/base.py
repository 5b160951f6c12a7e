"""What every geocoder answers, whatever is behind it: the city's own address table or an online service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.contrib.gis.geos import Point


@dataclass(frozen=True)
class GeocodeResult:
    """One address and where it is. `point` is WGS84; `distance_m` (metres) is set by reverse geocoding only."""

    label: str
    point: Point
    street: str
    housenumber: str
    postcode: str
    municipality: str
    source: str
    distance_m: float | None = None


class Geocoder(Protocol):
    def search(self, query: str, *, limit: int = 5) -> list[GeocodeResult]:
        """Addresses in the city matching what a person typed ("Kapellestraat 12", "kapelle"), best first."""
        ...

    def reverse(self, point: Point) -> GeocodeResult | None:
        """The nearest known address within GEOCODING_REVERSE_RADIUS_M of `point`, or None."""
        ...


def address_label(*, street: str, housenumber: str, postcode: str, municipality: str) -> str:
    """ "Kapellestraat 12, 8400 Oostende": how Belgian addresses are written."""
    first = f"{street} {housenumber}".strip()
    place = f"{postcode} {municipality}".strip()
    return f"{first}, {place}" if place else first
