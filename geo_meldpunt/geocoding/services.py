"""Writes of the address table."""

from __future__ import annotations

from collections import Counter

from django.contrib.gis.geos import Point
from django.db import transaction

from geo_meldpunt.core.geo import WGS84

from .models import Address

# Positions equal to about a centimetre count as unchanged (floats read back from PostGIS may differ in the last bit).
_SAME_DEGREES = 1e-7
_FIELDS = ("municipality", "point", "approximate", "source")


@transaction.atomic
def addresses_upsert(*, records: list[dict]) -> Counter:
    """Create or update addresses matched by street, house number and postcode; rewrite only rows that differ.

    Each record holds street, housenumber, postcode, municipality, lon, lat, approximate and source (checked by
    the caller). Nothing is deleted. Three queries whatever the number of rows: read, insert, update.
    Returns counts of "created", "updated" and "unchanged".
    """
    existing = {(a.street, a.housenumber, a.postcode): a for a in Address.objects.defer("street_folded")}
    counts: Counter = Counter()
    new, changed = [], []
    for r in records:
        values = {
            "municipality": r["municipality"],
            "point": Point(r["lon"], r["lat"], srid=WGS84),
            "approximate": r["approximate"],
            "source": r["source"],
        }
        row = existing.get((r["street"], r["housenumber"], r["postcode"]))
        if row is None:
            new.append(Address(street=r["street"], housenumber=r["housenumber"], postcode=r["postcode"], **values))
            counts["created"] += 1
        elif _differs(row, values):
            for key, value in values.items():
                setattr(row, key, value)
            changed.append(row)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    Address.objects.bulk_create(new, batch_size=1000)
    Address.objects.bulk_update(changed, fields=list(_FIELDS), batch_size=1000)
    return counts


def _differs(row: Address, values: dict) -> bool:
    point = values["point"]
    moved = abs(row.point.x - point.x) > _SAME_DEGREES or abs(row.point.y - point.y) > _SAME_DEGREES
    return moved or any(getattr(row, key) != values[key] for key in ("municipality", "approximate", "source"))
