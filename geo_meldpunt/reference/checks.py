"""What a valid reference-data folder looks like, checked before the loader writes anything.

The schemas of the four JSON files and the checks across them (a rule names a known department, a parent comes
before its children); the record machinery is in records.py and addresses.csv in addresses.py. Every problem is
collected, each line naming its file and record, so one run shows all there is to fix.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.gis.gdal import GDALException, OGRGeometry

from geo_meldpunt.core.geo import WGS84
from geo_meldpunt.reports.models import Category
from geo_meldpunt.zones.geometry import geometries_clean
from geo_meldpunt.zones.models import Department, RoutingRule, Zone

from .addresses import ADDRESSES_FILE, address_records
from .records import REQUIRED, ReferenceDataError, field_values, model_check, record_checked, records_checked

# Each file's record keys: key -> (accepted types, default; REQUIRED when the key must be present).
_NAMES = {"name_nl": (str, REQUIRED), "name_fr": (str, ""), "name_en": (str, ""), "name_de": (str, "")}
DEPARTMENT_KEYS = {
    "slug": (str, REQUIRED),
    **_NAMES,
    "is_external": (bool, False),
    "is_coordinator": (bool, False),
    "email": (str, ""),
    "phone": (str, ""),
}
CATEGORY_KEYS = {
    "slug": (str, REQUIRED),
    "parent": ((str, type(None)), None),
    **_NAMES,
    "kinds": (list, REQUIRED),
    "department": ((str, type(None)), None),
    "answer_days": (int, 30),
    "working_days": (bool, True),
    "is_public": (bool, True),
    "photos_public": (bool, False),
    "duplicate_radius_m": (int, 50),
}
RULE_KEYS = {
    "category": ((str, type(None)), None),
    "zone": ((str, type(None)), None),
    "zone_type": ((str, type(None)), None),
    "department": (str, REQUIRED),
    "priority": (int, 0),
    "note": (str, ""),
}
ZONE_KEYS = {
    "slug": (str, REQUIRED),
    "name": (str, REQUIRED),
    "zone_type": (str, REQUIRED),
    "approximate": (bool, False),
    "source": (str, ""),
    "valid_from": ((str, type(None)), None),
    "valid_to": ((str, type(None)), None),
}
FILES = {
    "departments": "departments.json",
    "zones": "zones.geojson",
    "categories": "categories.json",
    "routing_rules": "routing_rules.json",
}


@dataclass
class ReferenceData:
    """The files as checked records (plain dicts, defaults filled in, `_where` names the record).

    `addresses` is None when the folder has no addresses.csv."""

    departments: list[dict]
    zones: list[dict]
    categories: list[dict]
    rules: list[dict]
    addresses: list[dict] | None = None


def reference_data_read(folder: Path) -> ReferenceData:
    """Read the folder and check each record's shape and field values; needs no database."""
    data = _read_folder(folder)
    errors: list[str] = []
    result = ReferenceData(
        departments=records_checked(data["departments"], DEPARTMENT_KEYS, FILES["departments"], errors),
        zones=_zone_records(data["zones"], errors),
        categories=records_checked(data["categories"], CATEGORY_KEYS, FILES["categories"], errors),
        rules=records_checked(data["routing_rules"], RULE_KEYS, FILES["routing_rules"], errors),
        addresses=address_records(folder / ADDRESSES_FILE, errors),
    )
    if not errors:
        _check_models(result.departments, result.categories, errors)
    if errors:
        raise ReferenceDataError(errors)
    return result


def reference_data_check(data: ReferenceData) -> None:
    """Check what the records name against each other and the database, and repair the zones' geometries
    (each zone gains `geom` and `repairs`). Call inside the loader's transaction."""
    errors: list[str] = []
    _check_references(data.departments, data.categories, data.rules, data.zones, errors)
    _clean_geometries(data.zones, errors)
    if errors:
        raise ReferenceDataError(errors)


def _read_folder(folder: Path) -> dict[str, Any]:
    if not folder.is_dir():
        raise ReferenceDataError([f"{folder}: no such folder"])
    data, errors = {}, []
    for kind, name in FILES.items():
        try:
            data[kind] = json.loads((folder / name).read_text(encoding="utf-8"))
        except FileNotFoundError:
            errors.append(f"{folder / name}: file missing")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            errors.append(f"{folder / name}: not valid JSON ({exc})")
    if errors:
        raise ReferenceDataError(errors)
    return data


def _zone_records(collection: Any, errors: list[str]) -> list[dict]:
    filename = "zones.geojson"
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        errors.append(f"{filename}: expected a GeoJSON FeatureCollection")
        return []
    crs = (collection.get("crs") or {}).get("properties", {}).get("name", "")
    if crs and not crs.endswith(("CRS84", "EPSG::4326", "EPSG:4326")):
        errors.append(f"{filename}: coordinates must be WGS84 longitude/latitude, not {crs}")
    out = []
    for number, feature in enumerate(collection.get("features") or [], start=1):
        if not isinstance(feature, dict):
            errors.append(f"{filename} feature {number}: expected a GeoJSON Feature")
            continue
        props = feature.get("properties") or {}
        where = f"{filename} feature {number} ({props.get('slug')})"
        record = record_checked(props, ZONE_KEYS, where, errors)
        if record is None:
            continue
        for key in ("valid_from", "valid_to"):
            try:
                record[key] = dt.date.fromisoformat(record[key]) if record[key] else None
            except ValueError:
                errors.append(f"{where}: {key} {record[key]!r} is not a date (YYYY-MM-DD)")
                record[key] = None
        fields = {k: record[k] for k in ZONE_KEYS}
        model_check(Zone(**fields), where, errors, exclude=["geom"])
        try:
            record["wkb"] = bytes(OGRGeometry(json.dumps(feature.get("geometry"))).wkb)
        except (GDALException, TypeError, ValueError):
            errors.append(f"{where}: missing or unreadable geometry")
            continue
        record["_where"] = where
        out.append(record)
    return out


def _check_models(departments, categories, errors: list[str]) -> None:
    for d in departments:
        model_check(Department(**field_values(d, DEPARTMENT_KEYS)), d["_where"], errors)
    for c in categories:
        fields = field_values(c, CATEGORY_KEYS, skip=("parent", "department"))
        model_check(Category(**fields), c["_where"], errors, exclude=["parent", "department"])


def _clean_geometries(zones, errors: list[str]) -> None:
    """Repair now, so that a broken geometry stops the load before anything is written."""
    for z, clean in zip(zones, geometries_clean(wkbs=[z["wkb"] for z in zones], srid=WGS84), strict=True):
        if clean.error:
            errors.append(f"{z['_where']}: {clean.error}")
        z["geom"], z["repairs"] = clean.geom, clean.repairs


def _check_references(departments, categories, rules, zones, errors: list[str]) -> None:
    """Slugs a record names must exist in the files (earlier in the list, for parents) or in the database."""
    for name, records in (("departments.json", departments), ("categories.json", categories), ("zones.geojson", zones)):
        seen = Counter(r["slug"] for r in records)
        errors += [f"{name}: slug {slug!r} appears {n} times" for slug, n in seen.items() if n > 1]
    # Routing sends the unroutable to "the" coordinator; two would make that a coin toss.
    in_file = {d["slug"] for d in departments}
    coordinators = [d["slug"] for d in departments if d["is_coordinator"]]
    coordinators += (
        Department.objects.filter(is_coordinator=True).exclude(slug__in=in_file).values_list("slug", flat=True)
    )
    if len(coordinators) > 1:
        errors.append(f"departments.json: only one coordinator department allowed, found {', '.join(coordinators)}")

    department_slugs = {d["slug"] for d in departments} | set(Department.objects.values_list("slug", flat=True))
    zone_slugs = {z["slug"] for z in zones} | set(Zone.objects.values_list("slug", flat=True))
    db_parents = dict(Category.objects.values_list("slug", "parent_id"))
    category_slugs = {c["slug"] for c in categories} | db_parents.keys()

    parent_of: dict[str, str | None] = {}
    for c in categories:
        where, parent = c["_where"], c["parent"]
        if c["department"] and c["department"] not in department_slugs:
            errors.append(f"{where}: unknown department {c['department']!r}")
        if parent is not None:
            if parent not in parent_of and parent not in db_parents:
                errors.append(f"{where}: parent {parent!r} must be listed before its children")
            elif (parent_of[parent] if parent in parent_of else db_parents[parent]) is not None:
                errors.append(f"{where}: parent {parent!r} is itself a child; categories have two levels")
        parent_of[c["slug"]] = parent

    seen_rules = set()
    for r in rules:
        where = r["_where"]
        if r["department"] not in department_slugs:
            errors.append(f"{where}: unknown department {r['department']!r}")
        if r["category"] and r["category"] not in category_slugs:
            errors.append(f"{where}: unknown category {r['category']!r}")
        if r["zone"] and r["zone"] not in zone_slugs:
            errors.append(f"{where}: unknown zone {r['zone']!r}")
        rule = RoutingRule(zone_type=r["zone_type"] or "", priority=r["priority"], note=r["note"])
        model_check(rule, where, errors, exclude=["category", "zone", "department"])
        if r["zone"] and r["zone_type"]:
            errors.append(f"{where}: give a zone or a zone_type, not both")
        key = _rule_identity(r)
        if key in seen_rules:
            errors.append(f"{where}: the same rule (category, zone, zone_type, department) appears twice")
        seen_rules.add(key)


def _rule_identity(r: dict) -> tuple:
    return (r["category"], r["zone"], r["zone_type"] or "", r["department"])
