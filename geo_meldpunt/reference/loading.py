"""Load a city's reference data from a folder: departments, zones, categories, routing rules and addresses.

The folder holds zones.geojson, departments.json, categories.json and routing_rules.json, and optionally
addresses.csv (for the local geocoder); the keys of each record are in checks.py (the CSV's columns in
addresses.py), and fixtures/oostende/ is the example. Loading is idempotent: rows are matched by slug (a rule
by its category, zone, zone type and department; an address by street, house number and postcode), rewritten
only when a value differs, and never deleted, since reports point at them (an address left out of the file
stays too, until removed in the admin).
Everything is checked before the first write, and written in one transaction."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import models, transaction

from geo_meldpunt.geocoding.services import addresses_upsert
from geo_meldpunt.reports.models import Category
from geo_meldpunt.zones.models import Department, RoutingRule, Zone
from geo_meldpunt.zones.services import zone_upsert

from .checks import CATEGORY_KEYS, DEPARTMENT_KEYS, FILES, reference_data_check, reference_data_read
from .records import ReferenceDataError, field_values

__all__ = ["REFERENCE_DATA_DEFAULT_PATH", "LoadSummary", "ReferenceDataError", "reference_data_load"]

REFERENCE_DATA_DEFAULT_PATH = Path(settings.BASE_DIR) / "fixtures" / "oostende"


@dataclass
class LoadSummary:
    counts: dict[str, Counter] = field(default_factory=lambda: {kind: Counter() for kind in FILES})
    repairs: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] for c in self.counts.values())

    def lines(self) -> list[str]:
        lines = [
            f"{kind.replace('_', ' ')}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            for kind, c in self.counts.items()
        ]
        return lines + [f"repaired {r}" for r in self.repairs]


def reference_data_load(*, path: Path | str = REFERENCE_DATA_DEFAULT_PATH) -> LoadSummary:
    """Load, or bring up to date, the reference data in the folder `path`.

    Raises ReferenceDataError listing every problem, and writes nothing, when a file or record is invalid.
    """
    data = reference_data_read(Path(path))
    with transaction.atomic():
        # Checks that read the database run in the writing transaction, so they see what it will change.
        reference_data_check(data)
        summary = LoadSummary(repairs=[f"{z['_where']}: {note}" for z in data.zones for note in z["repairs"]])
        _load_departments(data.departments, summary)
        _load_zones(data.zones, summary)
        _load_categories(data.categories, summary)
        _load_rules(data.rules, summary)
        if data.addresses is not None:
            summary.counts["addresses"] = Counter(addresses_upsert(records=data.addresses))
    return summary


# --- Writing -----------------------------------------------------------------------------------------------


def _upsert(model: type[models.Model], existing: dict, slug: str, values: dict) -> tuple:
    """Create or update one row by slug, writing only the fields that differ."""
    obj = existing.get(slug)
    if obj is None:
        return model._default_manager.create(slug=slug, **values), "created"
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if not changed:
        return obj, "unchanged"
    for key in changed:
        setattr(obj, key, values[key])
    obj.save(update_fields=[*changed, "updated_at"])
    return obj, "updated"


def _load_departments(records, summary: LoadSummary) -> None:
    existing = {d.slug: d for d in Department.objects.all()}
    for r in records:
        _, action = _upsert(Department, existing, r["slug"], field_values(r, DEPARTMENT_KEYS, skip=("slug",)))
        summary.counts["departments"][action] += 1


def _load_zones(records, summary: LoadSummary) -> None:
    existing = set(Zone.objects.filter(slug__in=[r["slug"] for r in records]).values_list("slug", flat=True))
    for r in records:
        _, changed = zone_upsert(
            slug=r["slug"],
            name=r["name"],
            zone_type=r["zone_type"],
            geom=r["geom"],
            valid_from=r["valid_from"],
            valid_to=r["valid_to"],
            approximate=r["approximate"],
            source=r["source"],
        )
        action = "unchanged" if not changed else "updated" if r["slug"] in existing else "created"
        summary.counts["zones"][action] += 1


def _load_categories(records, summary: LoadSummary) -> None:
    existing = {c.slug: c for c in Category.objects.all()}
    department_ids = dict(Department.objects.values_list("slug", "id"))
    for position, r in enumerate(records):
        values = field_values(r, CATEGORY_KEYS, skip=("slug", "parent", "department")) | {
            "parent_id": existing[r["parent"]].id if r["parent"] else None,
            "department_id": department_ids[r["department"]] if r["department"] else None,
            "position": position,
        }
        category, action = _upsert(Category, existing, r["slug"], values)
        existing[r["slug"]] = category  # children later in the list find their parent here
        summary.counts["categories"][action] += 1


def _load_rules(records, summary: LoadSummary) -> None:
    category_ids = dict(Category.objects.values_list("slug", "id"))
    zone_ids = dict(Zone.objects.values_list("slug", "id"))
    department_ids = dict(Department.objects.values_list("slug", "id"))
    existing: dict[tuple, RoutingRule] = {}
    for rule in RoutingRule.objects.order_by("id"):
        existing.setdefault((rule.category_id, rule.zone_id, rule.zone_type, rule.department_id), rule)
    for r in records:
        key = (
            category_ids[r["category"]] if r["category"] else None,
            zone_ids[r["zone"]] if r["zone"] else None,
            r["zone_type"] or "",
            department_ids[r["department"]],
        )
        # `active` is left alone: a rule switched off in the admin stays off after a reload.
        values = {"priority": r["priority"], "note": r["note"]}
        found = existing.get(key)
        if found is None:
            category_id, zone_id, zone_type, department_id = key
            existing[key] = RoutingRule.objects.create(
                category_id=category_id, zone_id=zone_id, zone_type=zone_type, department_id=department_id, **values
            )
            action = "created"
        elif all(getattr(found, k) == v for k, v in values.items()):
            action = "unchanged"
        else:
            for k, v in values.items():
                setattr(found, k, v)
            found.save(update_fields=[*values, "updated_at"])
            action = "updated"
        summary.counts["routing_rules"][action] += 1
