"""The mapping file: which column of the old register holds which field, and how its words map to the meldpunt's.

JSON or TOML (by the file's extension); docs/legacy-import.md describes every key and fixtures/legacy/ holds an
example. Checked whole before any row is read: a mapping with problems is refused with all of them listed.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.core.geo import SUPPORTED_IMPORT_SRIDS, WGS84
from geo_meldpunt.reports.models import Kind, Status

# Every field a column may feed. `x`/`y`: longitude/latitude in WGS84, or easting/northing in the mapping's srid.
FIELDS = (
    "original_reference",
    "date",
    "kind",
    "category",
    "address",
    "x",
    "y",
    "description",
    "status",
    "department",
    "answer",
    "ended_date",
    "reporter_name",
    "reporter_email",
    "reporter_phone",
    "language",
)
# Fields every file must have a column for.
REQUIRED_COLUMNS = ("original_reference", "date", "category", "description")
# Fields that may take a default instead of a column (for a register that held only one kind, say).
DEFAULTABLE = ("kind", "status", "language")
# Fields whose words the mapping may translate ("Afgehandeld" -> "afgesloten").
VALUE_FIELDS = ("kind", "status", "category", "department", "language")
DEFAULT_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d-%m-%Y", "%d.%m.%Y")


class MappingError(ApplicationError):
    pass


def fold(text: str) -> str:
    """How names are compared: case and runs of spaces do not matter."""
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str]
    date_formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    srid: int = WGS84
    delimiter: str | None = None  # None: guessed from the header line (";" or ",")
    encoding: str = "utf-8-sig"
    sheet: str | None = None  # None: the workbook's first sheet
    defaults: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # keys folded
    deadlines_from_original: bool = False

    def column(self, name: str) -> str | None:
        return self.columns.get(name) or None

    def translate(self, name: str, raw: str) -> str:
        """`raw` through the value map of field `name`, unchanged when the map does not name it."""
        return self.values.get(name, {}).get(fold(raw), raw)


def mapping_load(path: Path | str) -> Mapping:
    """Read and check the mapping file at `path` (.json or .toml). Raises MappingError listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError(
            _("The mapping file %(path)s cannot be read: %(error)s") % {"path": path, "error": exc}
        ) from exc
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(
            _("The mapping file %(path)s is not valid JSON or TOML: %(error)s") % {"path": path, "error": exc}
        ) from exc
    return mapping_from_data(data)


def mapping_from_data(data: Any) -> Mapping:
    """A checked Mapping from the mapping file's data (a dict). Raises MappingError listing every problem."""
    if not isinstance(data, dict):
        raise MappingError(_("The mapping must be an object with at least “columns”."))
    problems: list[str] = []
    known = {
        "columns", "date_formats", "srid", "delimiter", "encoding", "sheet", "defaults", "values",
        "deadlines_from_original",
    }  # fmt: skip
    problems += [_("Unknown key “%(key)s” in the mapping.") % {"key": key} for key in data if key not in known]

    columns = data.get("columns")
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        problems.append(_("“columns” must map field names to column headings (text)."))
        columns = {}
    problems += [
        _("Unknown field “%(field)s” in “columns”; the fields are: %(fields)s.")
        % {"field": f, "fields": ", ".join(FIELDS)}
        for f in columns
        if f not in FIELDS
    ]
    columns = {f: c.strip() for f, c in columns.items() if f in FIELDS and c.strip()}
    problems += [
        _("“columns” needs a column for “%(field)s”.") % {"field": f} for f in REQUIRED_COLUMNS if f not in columns
    ]
    if ("x" in columns) != ("y" in columns):
        problems.append(_("Coordinates need both “x” and “y” columns."))

    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        problems.append(_("“defaults” must map field names to values."))
        defaults = {}
    problems += [
        _("“defaults” may give only %(fields)s.") % {"fields": ", ".join(DEFAULTABLE)}
        for f in defaults
        if f not in DEFAULTABLE
    ][:1]
    allowed = {
        "kind": Kind.values,
        "status": Status.values,
        "language": [code for code, _name in settings.LANGUAGES],
    }
    for f in DEFAULTABLE:
        if f in defaults and defaults[f] not in allowed[f]:
            problems.append(
                _("The default %(field)s “%(value)s” is not one of: %(allowed)s.")
                % {"field": f, "value": defaults[f], "allowed": ", ".join(allowed[f])}
            )
    for f in ("kind", "status"):
        if f not in columns and f not in defaults:
            problems.append(_("Give a column or a default for “%(field)s”.") % {"field": f})

    values = data.get("values", {})
    if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
        problems.append(_("“values” must map field names to tables of words."))
        values = {}
    problems += [
        _("“values” may translate only %(fields)s.") % {"fields": ", ".join(VALUE_FIELDS)}
        for f in values
        if f not in VALUE_FIELDS
    ][:1]
    for f in ("kind", "status", "language"):
        for word, target in values.get(f, {}).items():
            if target not in allowed[f]:
                problems.append(
                    _("“values.%(field)s” maps “%(word)s” to “%(value)s”, which is not one of: %(allowed)s.")
                    % {"field": f, "word": word, "value": target, "allowed": ", ".join(allowed[f])}
                )
    folded_values = {f: {fold(k): str(v) for k, v in table.items()} for f, table in values.items() if f in VALUE_FIELDS}

    date_formats = data.get("date_formats", list(DEFAULT_DATE_FORMATS))
    if isinstance(date_formats, str):
        date_formats = [date_formats]
    if not isinstance(date_formats, list) or not date_formats or not all(isinstance(f, str) for f in date_formats):
        problems.append(_("“date_formats” must be a list of date formats (the codes of Python's strptime)."))
        date_formats = list(DEFAULT_DATE_FORMATS)
    problems += [
        _("“%(format)s” is not a date format: it has no strptime code.") % {"format": fmt}
        for fmt in date_formats
        if "%" not in fmt
    ]

    srid = data.get("srid", WGS84)
    if srid not in SUPPORTED_IMPORT_SRIDS:
        problems.append(
            _("“srid” must be one of %(srids)s.") % {"srids": ", ".join(str(s) for s in SUPPORTED_IMPORT_SRIDS)}
        )
    delimiter = data.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        problems.append(_("“delimiter” must be one character, such as “;”."))
    encoding = data.get("encoding", "utf-8-sig")
    try:
        "".encode(encoding)
    except (LookupError, TypeError):
        problems.append(_("Unknown encoding “%(encoding)s”.") % {"encoding": encoding})
    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        problems.append(_("“sheet” must be the name of a sheet."))
    from_original = data.get("deadlines_from_original", False)
    if not isinstance(from_original, bool):
        problems.append(_("“deadlines_from_original” must be true or false."))

    if problems:
        raise MappingError("\n".join(problems), code="invalid_mapping")
    return Mapping(
        columns=columns,
        date_formats=tuple(date_formats),
        srid=srid,
        delimiter=delimiter,
        encoding=encoding,
        sheet=sheet,
        defaults=dict(defaults),
        values=folded_values,
        deadlines_from_original=from_original,
    )
