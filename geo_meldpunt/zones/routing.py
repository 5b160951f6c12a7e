"""Where does a report go? Category + point -> department, zone and a reason a person can read.

PostGIS answers which zones cover the point (ST_Covers on the subdivided `ZonePart` table, GiST index);
a second query fetches the rules that could apply; `choose_rule` is pure and picks the winner, so the demo
data generator and the benchmark route exactly as a live report does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import OutsideTerritory

from .models import ZONE_TYPE_SPECIFICITY, Department, RoutingRule, Zone, ZonePart, ZoneType, zone_valid_on


@dataclass(frozen=True)
class CoveringZone:
    id: int
    slug: str
    name: str
    zone_type: str

    def as_zone(self) -> Zone:
        """A Zone instance without its geometry (loaded only if someone asks), saving a query per report."""
        return Zone.from_db(
            "default", ["id", "slug", "name", "zone_type"], [self.id, self.slug, self.name, self.zone_type]
        )


@dataclass(frozen=True)
class RoutingDecision:
    department: Department
    zone_id: int | None
    rule: RoutingRule | None
    reason: str
    routable: bool
    zones: tuple[CoveringZone, ...] = ()

    @property
    def zone(self) -> Zone | None:
        found = next((z for z in self.zones if z.id == self.zone_id), None)
        return found.as_zone() if found else None


def covering_zones(point: Point, *, day: dt.date | None = None) -> list[CoveringZone]:
    """Zones valid on `day` whose area covers the point.

    covers, not contains: a point on a shared border must still route (it lies in both zones).
    """
    day = day or timezone.localdate()
    rows = (
        ZonePart.objects.filter(geom__covers=point)
        .filter(zone_valid_on(day, prefix="zone__"))
        .values_list("zone_id", "zone__slug", "zone__name", "zone_type")
        .distinct()
    )
    return sorted((CoveringZone(*row) for row in rows), key=lambda z: (-ZONE_TYPE_SPECIFICITY[z.zone_type], z.id))


def candidate_rules(category, zones: Sequence[CoveringZone]) -> list[RoutingRule]:
    category_ids = [category.id] + ([category.parent_id] if category.parent_id else [])
    place = Q(zone__isnull=True, zone_type="")
    if zones:
        place |= Q(zone_id__in=[z.id for z in zones]) | Q(zone_type__in={z.zone_type for z in zones})
    return list(
        RoutingRule.objects.filter(active=True, department__active=True)
        .filter(Q(category_id__in=category_ids) | Q(category__isnull=True))
        .filter(place)
        .select_related("department")  # not the zone: its polygon is heavy and the covering zones say enough
    )


def _rule_key(rule: RoutingRule, category, zones_by_id: dict[int, CoveringZone]) -> tuple:
    if rule.category_id == category.id:
        category_rank = 2
    elif rule.category_id is not None:
        category_rank = 1
    else:
        category_rank = 0
    if rule.zone_id:
        place_rank = 20 + ZONE_TYPE_SPECIFICITY[zones_by_id[rule.zone_id].zone_type]
    elif rule.zone_type:
        place_rank = 10 + ZONE_TYPE_SPECIFICITY[rule.zone_type]
    else:
        place_rank = 0
    return (rule.priority, category_rank, place_rank, -rule.id)


def choose_rule(category, zones: Sequence[CoveringZone], rules: Iterable[RoutingRule]) -> RoutingRule | None:
    """The winning rule: highest priority, then the most specific category, then the most specific place.

    `rules` may hold rules for other categories or places (the bulk generator passes all of them);
    only those that apply to this category and these zones take part.
    """
    zones_by_id = {z.id: z for z in zones}
    zone_types = {z.zone_type for z in zones}
    category_ids = {category.id, category.parent_id}
    applicable = [
        r
        for r in rules
        if (r.category_id is None or r.category_id in category_ids)
        and (
            (r.zone_id is None and not r.zone_type)
            or (r.zone_id is not None and r.zone_id in zones_by_id)
            or (r.zone_type and r.zone_type in zone_types)
        )
    ]
    if not applicable:
        return None
    return max(applicable, key=lambda r: _rule_key(r, category, zones_by_id))


def coordinator() -> Department:
    department = Department.objects.filter(is_coordinator=True, active=True).first()
    if department is None:
        department = Department.objects.get(slug=settings.MELDPUNT_COORDINATOR_DEPARTMENT)
    return department


def in_territory(zones: Sequence[CoveringZone]) -> bool:
    """Whether a territory zone is among the zones covering a point (covering_zones)."""
    return any(z.zone_type == ZoneType.TERRITORY for z in zones)


def outside_territory_message() -> str:
    return _("This location lies outside the city's territory. Choose a place within the city.")


def territory_check(zones: Sequence[CoveringZone]) -> None:
    """Refuse a point that no territory zone covers: the sea, a neighbouring town."""
    if not in_territory(zones):
        raise OutsideTerritory(outside_territory_message(), field="location", code="outside_territory")


def decide(
    category,
    zones: Sequence[CoveringZone],
    rules: Iterable[RoutingRule],
    *,
    located: bool,
    coordinator_department: Department | None = None,
) -> RoutingDecision:
    """Pure: the decision for a category and the zones covering its point (none when not located)."""
    if located:
        territory_check(zones)
    rule = choose_rule(category, zones, rules)
    recorded_zone = _recorded_zone(rule, zones)
    cat_name = category.localized_name()
    if rule is not None:
        if rule.zone_id:
            reason = _("Rule for “%(category)s” in zone “%(zone)s”: handled by %(department)s.")
        elif rule.zone_type:
            reason = _("Rule for “%(category)s” in a zone of type “%(zone)s”: handled by %(department)s.")
        else:
            reason = _("Rule for “%(category)s” anywhere in the city: handled by %(department)s.")
        zone_label = (
            recorded_zone.name
            if rule.zone_id and recorded_zone
            else ZoneType(rule.zone_type).label
            if rule.zone_type
            else ""
        )
        return RoutingDecision(
            department=rule.department,
            zone_id=recorded_zone.id if recorded_zone else None,
            rule=rule,
            reason=reason % {"category": cat_name, "zone": zone_label, "department": rule.department.localized_name()},
            routable=True,
            zones=tuple(zones),
        )
    if category.department_id and category.department.active:
        return RoutingDecision(
            department=category.department,
            zone_id=recorded_zone.id if recorded_zone else None,
            rule=None,
            reason=_("No rule applies here; “%(category)s” goes to its default department %(department)s.")
            % {"category": cat_name, "department": category.department.localized_name()},
            routable=True,
            zones=tuple(zones),
        )
    department = coordinator_department or coordinator()
    return RoutingDecision(
        department=department,
        zone_id=recorded_zone.id if recorded_zone else None,
        rule=None,
        reason=_("Not routable: no rule or default department for “%(category)s”; the meldpunt coordinator assigns it.")
        % {"category": cat_name},
        routable=False,
        zones=tuple(zones),
    )


def _recorded_zone(rule: RoutingRule | None, zones: Sequence[CoveringZone]) -> CoveringZone | None:
    """The zone a report records: the one its rule names, else the most specific neighbourhood-like zone."""
    if rule is not None and rule.zone_id:
        return next((z for z in zones if z.id == rule.zone_id), None)
    if rule is not None and rule.zone_type:
        return next((z for z in zones if z.zone_type == rule.zone_type), None)
    for zone_type in (ZoneType.WIJK, ZoneType.DEELGEMEENTE, ZoneType.TERRITORY):
        found = next((z for z in zones if z.zone_type == zone_type), None)
        if found:
            return found
    return None


def route(*, category, point: Point | None, language: str | None = None) -> RoutingDecision:
    """Route a report now. Raises OutsideTerritory for a point the city does not cover.

    The reason is written in `language` (the city's default when not given), since it is stored.
    """
    zones = covering_zones(point) if point is not None else []
    if point is not None:
        territory_check(zones)  # before switching language: the refusal is for the person asking
    rules = candidate_rules(category, zones)
    with translation.override(language or settings.LANGUAGE_CODE):
        return decide(category, zones, rules, located=point is not None)


def route_compliment(*, department: Department, point: Point | None, language: str | None = None) -> RoutingDecision:
    """A compliment that names its department goes there, wherever it was given: the reporter chose the service.

    No rule applies; a point, when given, must still lie in the territory, and the report records its zone as
    any other report does (the most specific neighbourhood-like zone).
    """
    zones = covering_zones(point) if point is not None else []
    if point is not None:
        territory_check(zones)
    recorded_zone = _recorded_zone(None, zones)
    with translation.override(language or settings.LANGUAGE_CODE):
        reason = _("Compliment for %(department)s: the reporter named this service.") % {
            "department": department.localized_name()
        }
    return RoutingDecision(
        department=department,
        zone_id=recorded_zone.id if recorded_zone else None,
        rule=None,
        reason=reason,
        routable=True,
        zones=tuple(zones),
    )
