"""The names the insight pages put on ids: every category, department and zone, inactive and expired ones too
(a report of last year may name a zone that no longer applies). Three small queries, no polygons."""

from __future__ import annotations

from dataclasses import dataclass

from geo_meldpunt.reports.models import Category
from geo_meldpunt.zones.models import Department, Zone, ZoneType


@dataclass(frozen=True)
class Lookups:
    categories: list[Category]
    departments: list[Department]
    zones: list[Zone]


def dimension_lookups() -> Lookups:
    return Lookups(
        categories=list(Category.objects.order_by("parent_id", "position", "name_nl")),
        departments=list(Department.objects.order_by("name_nl")),
        zones=list(
            Zone.objects.exclude(zone_type=ZoneType.TERRITORY)
            .only("id", "slug", "name", "zone_type")
            .order_by("zone_type", "name")
        ),
    )
