"""The reference data a demo run needs, loaded once: categories and their mix, zones, rules, hotspots.

Routing decisions are cached here per (category, set of covering zones): a decision depends on nothing else,
so a million reports need only a few hundred calls of the pure `routing.decide`, the same function that
routes a live report. Deadlines likewise, per (kind, category, local day of creation), from `sla.deadlines_for`
and the regulation in force, as report_create stores them: some tens of thousands of calls for a million reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone, translation

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.reports import sla
from geo_meldpunt.reports.models import Category, deadlines_config
from geo_meldpunt.zones import routing
from geo_meldpunt.zones.models import ZONE_TYPE_SPECIFICITY, Department, RoutingRule, Zone, ZonePart, ZoneType

from .places import BBox, Hotspots, extent, hotspots_place
from .texts import topics_for
from .tunables import DEMO_STAFF_USERNAME, KIND_WEIGHTS

# (department id, zone id, rule id, reason, department is external), as report_create would store them.
Decision = tuple[int, int | None, int | None, str, bool]
# (acknowledge_due, answer_due), as report_create would store them; a compliment has no answer deadline.
Due = tuple[dt.date, dt.date | None]


@dataclass
class World:
    """Everything a batch needs that stays the same for the whole run."""

    categories: list[Category]
    category_p: np.ndarray
    kinds: list[tuple[list[str], np.ndarray]]
    topics: list[tuple[str, ...]]
    zones: dict[int, routing.CoveringZone]
    rules: list[RoutingRule]
    coordinator: Department | None
    staff_user_id: int
    bbox: BBox
    hotspots: Hotspots
    day: dt.date
    regulation: Mapping[str, Any]  # deadlines_config(): the deadlines in force, read once per run
    decisions: dict[tuple[int, tuple[int, ...]], Decision] = field(default_factory=dict)
    dues: dict[tuple[str, int, dt.date], Due] = field(default_factory=dict)

    @classmethod
    def load(cls, rng: np.random.Generator) -> World:
        day = timezone.localdate()
        territory = Zone.objects.valid_on(day).filter(zone_type=ZoneType.TERRITORY)
        if not territory.exists():
            raise ApplicationError("No territory zone: load the reference data first (manage.py load_reference_data).")
        categories = [
            c
            for c in Category.objects.filter(active=True).select_related("parent", "department").order_by("id")
            if c.kinds
        ]
        if not categories:
            raise ApplicationError("No active category: load the reference data first.")
        # Leaves carry most reports; a parent is used when the reporter did not know which child fits.
        has_children = {c.parent_id for c in categories if c.parent_id}
        weights = rng.gamma(1.5, size=len(categories)) + 0.05
        # A category that takes only suggestions or complaints draws as few reports as those kinds do.
        weights *= [
            (0.15 if c.id in has_children else 1.0)
            * (1.0 if c.is_public else 0.3)
            * sum(KIND_WEIGHTS.get(k, 0.05) for k in set(c.kinds))
            for c in categories
        ]
        kinds = []
        for c in categories:
            accepted = [k for k in KIND_WEIGHTS if k in c.kinds] or list(c.kinds)
            p = np.array([KIND_WEIGHTS.get(k, 0.05) for k in accepted])
            kinds.append(([str(k) for k in accepted], p / p.sum()))
        zone_types = dict(ZonePart.objects.values_list("zone_id", "zone_type").distinct())
        zones = {
            z.id: routing.CoveringZone(z.id, z.slug, z.name, zone_types.get(z.id, z.zone_type))
            for z in Zone.objects.valid_on(day)
        }
        # The same rules `candidate_rules` would fetch; `choose_rule` keeps those that apply to each report.
        rules = list(
            RoutingRule.objects.filter(active=True, department__active=True).select_related("department", "zone")
        )
        try:
            coordinator = routing.coordinator()
        except Department.DoesNotExist:
            coordinator = None  # `decide` raises only if a report really needs the coordinator
        staff_user = _demo_staff_user()
        bbox = extent(territory)
        category_p = weights / weights.sum()
        return cls(
            categories=categories,
            category_p=category_p,
            kinds=kinds,
            topics=[topics_for(c) for c in categories],
            zones=zones,
            rules=rules,
            coordinator=coordinator,
            staff_user_id=staff_user.pk,
            bbox=bbox,
            hotspots=hotspots_place(rng, day=day, zones=zones, bbox=bbox, category_p=category_p),
            day=day,
            regulation=deadlines_config(),
        )

    def decision(self, category_index: int, zone_set: tuple[int, ...]) -> Decision:
        """(department id, zone id, rule id, reason, department is external), as report_create would store."""
        key = (category_index, zone_set)
        found = self.decisions.get(key)
        if found is None:
            # The same order as routing.covering_zones: decide() records the first zone of a type it needs.
            zones = sorted((self.zones[z] for z in zone_set), key=lambda z: (-ZONE_TYPE_SPECIFICITY[z.zone_type], z.id))
            with translation.override(settings.LANGUAGE_CODE):
                d = routing.decide(
                    self.categories[category_index],
                    zones,
                    self.rules,
                    located=True,
                    coordinator_department=self.coordinator,
                )
            found = (d.department.pk, d.zone_id, d.rule.pk if d.rule else None, d.reason, d.department.is_external)
            self.decisions[key] = found
        return found

    def due(self, kind: str, category_index: int, received: dt.date) -> Due:
        """The deadlines of a report of `kind` in the category, received on the local date `received`."""
        key = (kind, category_index, received)
        found = self.dues.get(key)
        if found is None:
            category = self.categories[category_index]
            d = sla.deadlines_for(
                kind=kind,
                category_days=category.answer_days,
                category_working_days=category.working_days,
                received=received,
                config=self.regulation,
            )
            found = (d.acknowledge_due, d.answer_due)
            self.dues[key] = found
        return found


def _demo_staff_user() -> AbstractBaseUser:
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_STAFF_USERNAME, defaults={"is_staff": True, "first_name": "Demo", "last_name": "Medewerker"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
