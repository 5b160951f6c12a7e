"""The local geocoder: the city's own address table (reference data, or an official register loaded into it).

It needs no outside service, so it always answers; the online geocoder falls back to it.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib.gis.geos import Point

from geo_meldpunt.core.geo import WGS84

from . import selectors
from .base import GeocodeResult, address_label
from .models import Address
from .text import number_range, number_value, split_housenumber

SOURCE = "local"


class LocalGeocoder:
    source = SOURCE

    def search(self, query: str, *, limit: int = 5) -> list[GeocodeResult]:
        street_text, number = split_housenumber(query)
        if not any(ch.isalpha() for ch in street_text):
            return []  # nothing to match a street name with ("12", "--")
        streets = selectors.address_streets_matching(text=street_text, limit=limit)
        rows_by_street: dict[tuple[str, str], list[Address]] = defaultdict(list)
        for row in selectors.addresses_on_streets(streets):
            rows_by_street[(row.street, row.postcode)].append(row)
        results = []
        for key in streets:
            if rows_by_street[key]:
                row, housenumber = pick_address(rows_by_street[key], number)
                results.append(_result(row, housenumber))
        return results

    def reverse(self, point: Point) -> GeocodeResult | None:
        row = selectors.address_nearest(point=point, radius_m=settings.GEOCODING_REVERSE_RADIUS_M)
        if row is None:
            return None
        # A stretch of the street ("1-59") does not say which house the pin is at: name the street only.
        housenumber = row.housenumber if number_value(row.housenumber) is not None else ""
        distance = row.distance  # type: ignore[attr-defined]  # annotated by address_nearest
        return _result(row, housenumber, distance_m=round(distance.m, 1))


def pick_address(rows: list[Address], number: str | None) -> tuple[Address, str]:
    """Of one street's rows, the one that answers the typed house number best, and the number the answer states.

    With a number: that exact address; else the stretch whose range holds it (the answer keeps the typed number,
    placed on that stretch); else the street as a whole; else the nearest known number. Without a number: the
    street as a whole, else its middle known address, named by the street only.
    """
    if number:
        wanted = number_value(number)
        for row in rows:
            if row.housenumber.upper() == number:
                return row, row.housenumber
        for row in rows:
            stretch = number_range(row.housenumber)
            if stretch and wanted is not None and stretch[0] <= wanted <= stretch[1]:
                return row, number
    whole = [row for row in rows if not row.housenumber]
    if whole:
        return whole[0], ""
    ordered = sorted(rows, key=lambda row: (_position(row), row.pk))
    typed = number_value(number) if number else None
    if typed is not None:
        nearest = min(ordered, key=lambda row: abs(_position(row) - typed))
        return nearest, nearest.housenumber if number_value(nearest.housenumber) is not None else ""
    return ordered[len(ordered) // 2], ""


def _position(row: Address) -> float:
    """Where along the street's numbering a row lies: its number, or the middle of its stretch."""
    value = number_value(row.housenumber)
    if value is not None:
        return value
    stretch = number_range(row.housenumber)
    return (stretch[0] + stretch[1]) / 2 if stretch else 0


def _result(row: Address, housenumber: str, *, distance_m: float | None = None) -> GeocodeResult:
    point = Point(row.point.x, row.point.y, srid=WGS84)
    return GeocodeResult(
        label=address_label(
            street=row.street, housenumber=housenumber, postcode=row.postcode, municipality=row.municipality
        ),
        point=point,
        street=row.street,
        housenumber=housenumber,
        postcode=row.postcode,
        municipality=row.municipality,
        source=SOURCE,
        distance_m=distance_m,
    )
