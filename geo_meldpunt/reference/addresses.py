"""addresses.csv, the optional address list for the local geocoder, read and checked line by line.

A CSV rather than JSON because cities keep address lists in spreadsheets; every problem names its line.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

# Loaded when present: a city without an address list still loads (the local geocoder then finds nothing).
ADDRESSES_FILE = "addresses.csv"
ADDRESS_COLUMNS = ("street", "housenumber", "postcode", "municipality", "lon", "lat", "approximate")
ADDRESS_OPTIONAL_COLUMNS = ("source",)
ADDRESS_DEFAULT_SOURCE = "reference data (addresses.csv)"
# One number ("12", "12A"), a stretch of the street ("1-59"), or blank for the street as a whole.
_HOUSENUMBER = re.compile(r"^(\d{1,5}[A-Za-z]?|\d{1,5}-\d{1,5})?$")
_BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False, "": False}


def address_records(path: Path, errors: list[str]) -> list[dict] | None:
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
