"""Where does a report go? Category + point -> department, zone and a reason a person can read.

One statement (ROUTE_SQL) asks PostgreSQL everything a decision needs: the category with its default
department, the zones valid today that cover the point (ST_Covers on the subdivided `ZonePart` table, GiST
index), the rules that could apply with their departments, and the coordinator to fall back on. Then
`decide`/`choose_rule`, pure, pick the winner, so the demo data generator and the benchmark route exactly as a
live report does. `covering_zones` + `candidate_rules` ask the same as two ORM queries: the spelling that
tests/zones/test_routing_statement.py holds the statement to.
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
from geo_meldpunt.core.models import TranslatedNameModel
from geo_meldpunt.core.prepared import prepared_cursor

from .models import (
    ZONE_TYPE_SPECIFICITY,
    Department,
    RoutingRule,
    Zone,
    ZonePart,
    ZoneType,
    zone_valid_on,
    zone_valid_on_sql,
)


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


# Everything one decision reads, in one statement. The category is found by id (a report being written) or by
# slug among the active ones (the public preview, which validates the slug in the same statement); the place
# filters are those of covering_zones and candidate_rules. Columns are named rather than row_to_json(d.*): the
# instances built from them (_department, _rule) then hold every field their users read, and no timestamps.
_DEPARTMENT_COLUMNS = ("id", "slug", "name_nl", "name_fr", "name_en", "name_de", "is_external", "is_coordinator",
                       "email", "phone", "active")  # fmt: skip
_CATEGORY_COLUMNS = ("id", "parent_id", "slug", "name_nl", "name_fr", "name_en", "name_de", "department_id")
_RULE_COLUMNS = ("id", "category_id", "zone_id", "zone_type", "department_id", "priority", "note", "active")


def _json_object(alias: str, columns: tuple[str, ...]) -> str:
    return "json_build_object(" + ", ".join(f"'{c}', {alias}.{c}" for c in columns) + ")"


ROUTE_SQL = f"""
WITH category AS (
    SELECT c.id, c.parent_id, c.department_id,
           {_json_object("c", _CATEGORY_COLUMNS)} AS category,
           CASE WHEN d.id IS NULL THEN NULL ELSE {_json_object("d", _DEPARTMENT_COLUMNS)} END AS department
    FROM reports_category c LEFT JOIN zones_department d ON d.id = c.department_id
    WHERE CASE WHEN %(category_id)s::bigint IS NULL THEN c.slug = %(slug)s AND c.active ELSE c.id = %(category_id)s END
), zones AS (
    SELECT DISTINCT z.id, z.slug, z.name, p.zone_type
    FROM zones_zonepart p JOIN zones_zone z ON z.id = p.zone_id
    WHERE %(located)s
      AND ST_Covers(p.geom, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326))
      AND {zone_valid_on_sql("z")}
), rules AS (
    SELECT {_json_object("r", _RULE_COLUMNS)} AS rule, {_json_object("d", _DEPARTMENT_COLUMNS)} AS department
    FROM category, zones_routingrule r JOIN zones_department d ON d.id = r.department_id
    WHERE r.active AND d.active
      AND (r.category_id IN (category.id, category.parent_id) OR r.category_id IS NULL)
      AND ((r.zone_id IS NULL AND r.zone_type = '')
           OR r.zone_id IN (SELECT id FROM zones) OR r.zone_type IN (SELECT zone_type FROM zones))
), coordinator AS (
    SELECT department FROM (
        (SELECT 1 AS choice, {_json_object("d", _DEPARTMENT_COLUMNS)} AS department, d.name_nl FROM zones_department d
         WHERE d.is_coordinator AND d.active ORDER BY d.name_nl LIMIT 1)
        UNION ALL
        (SELECT 2, {_json_object("d", _DEPARTMENT_COLUMNS)}, d.name_nl FROM zones_department d
         WHERE d.slug = %(coordinator_slug)s)
    ) found ORDER BY choice LIMIT 1
)
SELECT (SELECT json_build_array(category, department) FROM category),
       (SELECT json_agg(json_build_array(id, slug, name, zone_type)) FROM zones),
       (SELECT json_agg(json_build_array(rule, department)) FROM rules),
       (SELECT department FROM coordinator)
"""


def _instance(model, row: dict):
    """An instance of `model` from a row of some of its columns (the others deferred), as the ORM builds one:
    from_db takes the values in the model's field order."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in row]
    return model.from_db("default", names, [row[name] for name in names])


def _department(row: dict) -> Department:
    return _instance(Department, row)


def _rule(row: dict, department: dict) -> RoutingRule:
    rule = _instance(RoutingRule, row)
    rule.department = _department(department)
    return rule


@dataclass
class CategoryFacts:
    """What decide() reads of a category, from ROUTE_SQL's row: zones stand below reports and build no Category."""

    id: int
    parent_id: int | None
    slug: str
    name_nl: str
    name_fr: str
    name_en: str
    name_de: str
    department_id: int | None
    department: Department | None = None

    localized_name = TranslatedNameModel.localized_name


@dataclass(frozen=True)
class _RoutingFacts:
    category: CategoryFacts
    zones: list[CoveringZone]
    rules: list[RoutingRule]
    coordinator: Department | None


def _routing_facts(
    *, lon_lat: tuple[float, float] | None, category_id: int | None = None, slug: str = ""
) -> _RoutingFacts | None:
    """What a decision reads (ROUTE_SQL, one statement) for a point in WGS84 (lon, lat), or none; None when no
    category has that id (or active slug)."""
    params = {
        "category_id": category_id,
        "slug": slug,
        "located": lon_lat is not None,
        "lon": lon_lat[0] if lon_lat is not None else 0.0,
        "lat": lon_lat[1] if lon_lat is not None else 0.0,
        "day": timezone.localdate(),
        "coordinator_slug": settings.MELDPUNT_COORDINATOR_DEPARTMENT,
    }
    with prepared_cursor() as cursor:
        cursor.execute(ROUTE_SQL, params)
        found, zone_rows, rule_rows, coordinator_row = cursor.fetchone()
    if found is None:
        return None
    category_row, department_row = found
    category = CategoryFacts(
        **{c: category_row[c] for c in _CATEGORY_COLUMNS},
        department=_department(department_row) if department_row is not None else None,
    )
    zones = sorted(
        (CoveringZone(*row) for row in zone_rows or ()), key=lambda z: (-ZONE_TYPE_SPECIFICITY[z.zone_type], z.id)
    )
    return _RoutingFacts(
        category=category,
        zones=zones,
        rules=[_rule(rule, department) for rule, department in rule_rows or ()],
        coordinator=_department(coordinator_row) if coordinator_row is not None else None,
    )


def _decide(facts: _RoutingFacts, *, located: bool, language: str | None) -> RoutingDecision:
    if located:
        territory_check(facts.zones)  # before switching language: the refusal is for the person asking
    with translation.override(language or settings.LANGUAGE_CODE):
        # coordinator() only when the statement found none: it raises as it always did for a missing coordinator.
        return decide(
            facts.category,
            facts.zones,
            facts.rules,
            located=located,
            coordinator_department=facts.coordinator,
        )


def route(*, category, point: Point | None, language: str | None = None) -> RoutingDecision:
    """Route a report now (one statement). Raises OutsideTerritory for a point the city does not cover.

    The reason is written in `language` (the city's default when not given), since it is stored. The decision's
    department and rule are instances built from the statement's rows: reading their fields costs no query.
    """
    facts = _routing_facts(lon_lat=(point.x, point.y) if point is not None else None, category_id=category.pk)
    if facts is None:
        raise type(category).DoesNotExist(f"No category with id {category.pk}.")
    return _decide(facts, located=point is not None, language=language)


def route_preview(
    *, category_slug: str, point: Point | tuple[float, float], language: str | None = None
) -> RoutingDecision | None:
    """The decision for an active category given by its slug, as route() would make it; None for no such
    category. One statement in all: the public preview validates the slug with it. `point`: a WGS84 Point, or its
    (lon, lat) when the caller has no Point (the short way of the API, which checked the ranges)."""
    lon_lat = (point.x, point.y) if isinstance(point, Point) else point
    facts = _routing_facts(lon_lat=lon_lat, slug=category_slug)
    if facts is None:
        return None
    return _decide(facts, located=True, language=language)


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
