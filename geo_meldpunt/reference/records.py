"""Checking records against a schema of keys, the machinery every reference file shares.

Problems are appended to an `errors` list rather than raised, each naming its file and record, so one run of the
loader shows all there is to fix; the caller raises ReferenceDataError once the list is complete.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from geo_meldpunt.core.errors import ApplicationError

# A schema maps each record key to (accepted types, default); REQUIRED as the default means the key must be there.
REQUIRED = object()


class ReferenceDataError(ApplicationError):
    """The folder's data is wrong; `errors` lists every problem found, each naming file and record."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("Reference data is invalid:\n  " + "\n  ".join(errors), code="invalid_reference_data")
        self.errors = errors


def records_checked(items: Any, keys: dict, filename: str, errors: list[str]) -> list[dict]:
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
        record = record_checked(item, keys, where, errors)
        if record is not None:
            record["_where"] = where
            out.append(record)
    return out


def record_checked(item: dict, keys: dict, where: str, errors: list[str]) -> dict | None:
    """One item checked against `keys`; None, with the problems in `errors`, when it does not fit."""
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


def model_check(obj: models.Model, where: str, errors: list[str], exclude: list[str] | None = None) -> bool:
    """The model's own field validation (slug format, lengths, choices, ranges, e-mail), as readable lines."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors += [f"{where}: {key}: {' '.join(msgs)}" for key, msgs in exc.message_dict.items()]
        return False
    return True


def field_values(record: dict, keys: dict, skip: tuple[str, ...] = ()) -> dict:
    """The record's model fields: its schema keys, without bookkeeping such as `_where`."""
    return {k: record[k] for k in keys if k not in skip}
