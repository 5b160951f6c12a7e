"""What a valid reference-data folder looks like, checked before the loader writes anything.

Every problem is collected, each line naming its file and record, so one run shows all there is to fix.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.gis.gdal import GDALException, OGRGeometry
from django.core.exceptions import ValidationError
from django.db import models

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.core.geo import WGS84
from geo_meldpunt.reports.models import Category
from geo_meldpunt.zones.geometry import geometries_clean
from geo_meldpunt.zones.models import Department, RoutingRule, Zone

# Each file's record keys: key -> (accepted types, default; REQUIRED when the key must be present).
REQUIRED = object()
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
# Loaded when present: a city without an address list still loads (the local geocoder then finds nothing).
ADDRESSES_FILE = "addresses.csv"
ADDRESS_COLUMNS = ("street", "housenumber", "postcode", "municipality", "lon", "lat", "approximate")
ADDRESS_OPTIONAL_COLUMNS = ("source",)
ADDRESS_DEFAULT_SOURCE = "reference data (addresses.csv)"
# One number ("12", "12A"), a stretch of the street ("1-59"), or blank for the street as a whole.
_HOUSENUMBER = re.compile(r"^(\d{1,5}[A-Za-z]?|\d{1,5}-\d{1,5})?$")
_BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False, "": False}


class ReferenceDataError(ApplicationError):
    """The folder's data is wrong; `errors` lists every problem found, each naming file and record."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("Reference data is invalid:\n  " + "\n  ".join(errors), code="invalid_reference_data")
        self.errors = errors


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
        departments=_records(data["departments"], DEPARTMENT_KEYS, FILES["departments"], errors),
        zones=_zone_records(data["zones"], errors),
        categories=_records(data["categories"], CATEGORY_KEYS, FILES["categories"], errors),
        rules=_records(data["routing_rules"], RULE_KEYS, FILES["routing_rules"], errors),
        addresses=_address_records(folder / ADDRESSES_FILE, errors),
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


def _records(items: Any, keys: dict, filename: str, errors: list[str]) -> list[dict]:
    """Each item checked against `keys` (unknown keys, missing keys, types), with defaults filled in."""
    if not isinstance(items, list):
        errors.append(f"{filename}: expected a list of records")
        return []
    out = []
    for number, item in enumerate(items, start=1):
        where = f"{filename} record {number}" + (f" ({item.get('slug')})" if isinstance(item, dict) else "")
        if not isinstance(item, dict):
            errors.append(f"{where}: expected an object")
            continue
        record = _checked(item, keys, where, errors)
        if record is not None:
            record["_where"] = where
            out.append(record)
    return out


def _checked(item: dict, keys: dict, where: str, errors: list[str]) -> dict | None:
    record, ok = {}, True
    for key in item.keys() - keys.keys():
        errors.append(f"{where}: unknown key {key!r} (expected {', '.join(keys)})")
        ok = False
    for key, (types, default) in keys.items():
        if key not in item:
            if default is REQUIRED:
                errors.append(f"{where}: missing {key!r}")
                ok = False
            record[key] = default
            continue
        value = item[key]
        # bool is an int in Python; a priority of `true` is a mistake, not a 1.
        if not isinstance(value, types) or (isinstance(value, bool) and types is int):
            errors.append(f"{where}: {key!r} has the wrong type ({type(value).__name__})")
            ok = False
        record[key] = value
    return record if ok else None


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
        record = _checked(props, ZONE_KEYS, where, errors)
        if record is None:
            continue
        for key in ("valid_from", "valid_to"):
            try:
                record[key] = dt.date.fromisoformat(record[key]) if record[key] else None
            except ValueError:
                errors.append(f"{where}: {key} {record[key]!r} is not a date (YYYY-MM-DD)")
                record[key] = None
        fields = {k: record[k] for k in ZONE_KEYS}
        _model_check(Zone(**fields), where, errors, exclude=["geom"])
        try:
            record["wkb"] = bytes(OGRGeometry(json.dumps(feature.get("geometry"))).wkb)
        except (GDALException, TypeError, ValueError):
            errors.append(f"{where}: missing or unreadable geometry")
            continue
        record["_where"] = where
        out.append(record)
    return out


def _address_records(path: Path, errors: list[str]) -> list[dict] | None:
    """addresses.csv as records (street, housenumber, postcode, municipality, lon, lat, approximate, source);
    None when the file is absent. Each problem names its line."""
    if not path.exists():
        return None
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:  # -sig: a spreadsheet may save a BOM
            reader = csv.DictReader(f)
            columns = reader.fieldnames or []
            missing = [c for c in ADDRESS_COLUMNS if c not in columns]
            unknown = [c for c in columns if c not in ADDRESS_COLUMNS + ADDRESS_OPTIONAL_COLUMNS]
            if missing or unknown:
                errors.append(
                    f"{ADDRESSES_FILE}: columns must be {', '.join(ADDRESS_COLUMNS)} (and optionally source); "
                    + "; ".join(
                        ([f"missing {', '.join(missing)}"] if missing else [])
                        + ([f"unknown {', '.join(unknown)}"] if unknown else [])
                    )
                )
                return []
            rows = list(reader)
    except (UnicodeDecodeError, csv.Error) as exc:
        errors.append(f"{ADDRESSES_FILE}: not a readable UTF-8 CSV file ({exc})")
        return []
    out: list[dict] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        record = _address_record(row, f"{ADDRESSES_FILE} line {line}", errors)
        if record is None:
            continue
        key = (record["street"], record["housenumber"], record["postcode"])
        if key in seen:
            errors.append(f"{record['_where']}: the same address as line {seen[key]}")
            continue
        seen[key] = line
        out.append(record)
    return out


def _address_record(row: dict, where: str, errors: list[str]) -> dict | None:
    if None in row:  # more fields than the header names
        errors.append(f"{where}: more values than columns")
        return None
    text = {key: (value or "").strip() for key, value in row.items()}
    ok = True
    text.setdefault("source", "")
    for key, limit in (("street", 200), ("postcode", 10), ("municipality", 100), ("source", 300)):
        if not text[key] and key != "source":
            errors.append(f"{where}: {key} is empty")
            ok = False
        elif len(text[key]) > limit:
            errors.append(f"{where}: {key} is longer than {limit} characters")
            ok = False
    if not _HOUSENUMBER.match(text["housenumber"]):
        errors.append(
            f"{where}: housenumber {text['housenumber']!r} is not a number (12, 12A), a range (1-59) or blank"
        )
        ok = False
    coordinates = {}
    for key, low, high in (("lon", -180, 180), ("lat", -90, 90)):
        try:
            value = float(text[key])
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and low <= value <= high):
            errors.append(f"{where}: {key} {text[key]!r} is not a WGS84 coordinate")
            ok = False
        coordinates[key] = value
    approximate = _BOOLEANS.get(text["approximate"].lower())
    if approximate is None:
        errors.append(f"{where}: approximate {text['approximate']!r} must be true or false")
        ok = False
    if not ok:
        return None
    return {
        "street": text["street"],
        "housenumber": text["housenumber"].upper(),
        "postcode": text["postcode"],
        "municipality": text["municipality"],
        **coordinates,
        "approximate": approximate,
        "source": text["source"] or ADDRESS_DEFAULT_SOURCE,
        "_where": where,
    }


def _check_models(departments, categories, errors: list[str]) -> None:
    for d in departments:
        _model_check(Department(**field_values(d, DEPARTMENT_KEYS)), d["_where"], errors)
    for c in categories:
        fields = field_values(c, CATEGORY_KEYS, skip=("parent", "department"))
        _model_check(Category(**fields), c["_where"], errors, exclude=["parent", "department"])


def _clean_geometries(zones, errors: list[str]) -> None:
    """Repair now, so that a broken geometry stops the load before anything is written."""
    for z, clean in zip(zones, geometries_clean(wkbs=[z["wkb"] for z in zones], srid=WGS84), strict=True):
        if clean.error:
            errors.append(f"{z['_where']}: {clean.error}")
        z["geom"], z["repairs"] = clean.geom, clean.repairs


def field_values(record: dict, keys: dict, skip: tuple[str, ...] = ()) -> dict:
    return {k: record[k] for k in keys if k not in skip}


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
        _model_check(rule, where, errors, exclude=["category", "zone", "department"])
        if r["zone"] and r["zone_type"]:
            errors.append(f"{where}: give a zone or a zone_type, not both")
        key = _rule_identity(r)
        if key in seen_rules:
            errors.append(f"{where}: the same rule (category, zone, zone_type, department) appears twice")
        seen_rules.add(key)


def _model_check(obj: models.Model, where: str, errors: list[str], exclude: list[str] | None = None) -> bool:
    """The model's own field validation (slug format, lengths, choices, ranges, e-mail), as readable lines."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors += [f"{where}: {key}: {' '.join(msgs)}" for key, msgs in exc.message_dict.items()]
        return False
    return True


def _rule_identity(r: dict) -> tuple:
    return (r["category"], r["zone"], r["zone_type"] or "", r["department"])
