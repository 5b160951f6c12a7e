"""One row of the old register as a LegacyCase: values read, words mapped, names resolved, the address geocoded.

Every refusal is a RowRejected with a code (for the summary's counts) and a reason a clerk understands, naming
the value at fault, in the language of the import (Dutch by default).
Addresses are found with the local geocoder only (the city's own address table): an import of thousands of
rows must not send them to an online service.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from geo_meldpunt.core.geo import WGS84
from geo_meldpunt.geocoding.base import GeocodeResult
from geo_meldpunt.geocoding.local import LocalGeocoder
from geo_meldpunt.reports.models import Category, Kind, Status
from geo_meldpunt.reports.services import LegacyCase
from geo_meldpunt.zones.models import Department

from .mapping import Mapping, fold
from .reading import SourceRow, cell_text


class RowRejected(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _by_names(objects) -> dict[str, object | None]:
    """Objects by folded slug and by each of their names; a name two objects share maps to None (ambiguous)."""
    found: dict[str, set] = defaultdict(set)
    for obj in objects:
        for name in (obj.slug, obj.name_nl, obj.name_fr, obj.name_en, obj.name_de):
            if name:
                found[fold(name)].add(obj)
    return {key: next(iter(objs)) if len(objs) == 1 else None for key, objs in found.items()}


class RowReader:
    """Turns rows into LegacyCases with the mapping; categories and departments are read once, addresses are
    geocoded once each."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.categories = _by_names(Category.objects.all())
        self.departments = _by_names(Department.objects.all())
        self.geocoder = LocalGeocoder()
        self._geocoded: dict[str, GeocodeResult | None] = {}
        self.languages = [code for code, _name in settings.LANGUAGES]

    def text(self, row: SourceRow, name: str) -> str:
        column = self.mapping.column(name)
        return cell_text(row.cells.get(column)) if column else ""

    def original_reference(self, row: SourceRow) -> str:
        return self.text(row, "original_reference")

    def case(self, row: SourceRow, *, source_name: str = "") -> LegacyCase:
        """The row as a LegacyCase. Raises RowRejected with the first problem found."""
        reference = self.original_reference(row)
        if not reference:
            raise RowRejected("missing_reference", _("The original reference is missing."))
        description = self.text(row, "description")
        if not description:
            raise RowRejected("missing_description", _("The description is empty."))
        received_at = self._date(row, "date", required=True)
        assert received_at is not None
        ended_at = self._date(row, "ended_date", required=False)
        kind = self._choice(row, "kind", Kind)
        status = self._choice(row, "status", Status)
        category = self._category(row)
        department = self._department(row)
        language = self._language(row)
        email = self.text(row, "reporter_email")
        if email:
            try:
                validate_email(email)
                if len(email) > 254:  # the column's length: RFC 5321's limit
                    raise ValidationError("too long")
            except ValidationError:
                raise RowRejected("bad_email", _("E-mail address not valid: “%(value)s”.") % {"value": email}) from None
        point, address, note = self._place(row)
        where = _("Line %(line)d of %(file)s.") % {"line": row.line, "file": source_name} if source_name else ""
        return LegacyCase(
            original_reference=reference,
            received_at=received_at,
            kind=kind,
            category=category,
            description=description,
            status=status,
            point=point,
            address=address[:300],
            department=department,
            answer=self.text(row, "answer"),
            ended_at=ended_at,
            reporter_name=self.text(row, "reporter_name")[:200],
            reporter_email=email,
            reporter_phone=self.text(row, "reporter_phone")[:40],
            language=language,
            note=" ".join(part for part in (where, note) if part),
        )

    # --- Values ------------------------------------------------------------------------------------------

    def _date(self, row: SourceRow, name: str, *, required: bool) -> dt.datetime | None:
        column = self.mapping.column(name)
        value = row.cells.get(column) if column else None
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise RowRejected("missing_date", _("The date is missing."))
            return None
        parsed = self._date_value(value)
        if parsed is None:
            label = (
                _("Date not understood: “%(value)s”.") if name == "date" else _("End date not understood: “%(value)s”.")
            )
            raise RowRejected("bad_date", label % {"value": cell_text(value)})
        return parsed

    def _date_value(self, value) -> dt.datetime | None:
        """A cell as an aware datetime in the city's time zone; a date alone is that day's start."""
        if isinstance(value, dt.datetime):
            moment = value
        elif isinstance(value, dt.date):
            moment = dt.datetime.combine(value, dt.time())
        else:
            found = self._date_text(" ".join(str(value).split()))
            if found is None:
                return None
            moment = found
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment

    def _date_text(self, text: str) -> dt.datetime | None:
        for fmt in self.mapping.date_formats:
            try:
                return dt.datetime.strptime(text, fmt)  # noqa: DTZ007  made aware by the caller, in the city's zone
            except ValueError:
                continue
        try:  # ISO dates always work: the rejects file of a workbook writes its dates so
            return dt.datetime.fromisoformat(text)
        except ValueError:
            return None

    def _choice(self, row: SourceRow, name: str, choices) -> str:
        raw = self.text(row, name)
        if not raw:
            if name in self.mapping.defaults:
                return self.mapping.defaults[name]
            code = "unknown_kind" if name == "kind" else "unknown_status"
            message = _("The kind is missing.") if name == "kind" else _("The status is missing.")
            raise RowRejected(code, message)
        value = self.mapping.translate(name, raw)
        by_name = {fold(v): v for v in choices.values} | {fold(str(label)): v for v, label in choices.choices}
        found = by_name.get(fold(value))
        if found is None:
            if name == "kind":
                raise RowRejected("unknown_kind", _("Kind not understood: “%(value)s”.") % {"value": raw})
            raise RowRejected("unknown_status", _("Status not understood: “%(value)s”.") % {"value": raw})
        return found

    def _category(self, row: SourceRow) -> Category:
        raw = self.text(row, "category")
        if not raw:
            raise RowRejected("unknown_category", _("The category is missing."))
        key = fold(self.mapping.translate("category", raw))
        if key not in self.categories:
            raise RowRejected("unknown_category", _("Unknown category: “%(value)s”.") % {"value": raw})
        category = self.categories[key]
        if category is None:
            raise RowRejected(
                "unknown_category",
                _("The category name “%(value)s” fits more than one category: use its code.") % {"value": raw},
            )
        assert isinstance(category, Category)
        return category

    def _department(self, row: SourceRow) -> Department | None:
        raw = self.text(row, "department")
        if not raw:
            return None
        key = fold(self.mapping.translate("department", raw))
        department = self.departments.get(key)
        if department is None:
            raise RowRejected("unknown_department", _("Unknown department: “%(value)s”.") % {"value": raw})
        assert isinstance(department, Department)
        return department

    def _language(self, row: SourceRow) -> str:
        raw = self.text(row, "language")
        if not raw:
            return self.mapping.defaults.get("language", settings.LANGUAGE_CODE[:2])
        value = fold(self.mapping.translate("language", raw))[:2]
        if value not in self.languages:
            raise RowRejected("unknown_language", _("Language not understood: “%(value)s”.") % {"value": raw})
        return value

    def _place(self, row: SourceRow) -> tuple[Point | None, str, str]:
        """(point, address, note): coordinates when the row has them, else the address geocoded."""
        address = self.text(row, "address")
        x, y = self.text(row, "x"), self.text(row, "y")
        if x or y:
            try:
                point = Point(float(x.replace(",", ".")), float(y.replace(",", ".")), srid=self.mapping.srid)
            except ValueError:
                raise RowRejected(
                    "bad_coordinates", _("Coordinates not understood: “%(x)s”, “%(y)s”.") % {"x": x, "y": y}
                ) from None
            if self.mapping.srid != WGS84:
                point.transform(WGS84)
            if not (-180 <= point.x <= 180 and -90 <= point.y <= 90):
                raise RowRejected(
                    "bad_coordinates", _("Coordinates not understood: “%(x)s”, “%(y)s”.") % {"x": x, "y": y}
                )
            if not address:  # name the place as a pin on the map would: the nearest known address
                nearest = self.geocoder.reverse(point)
                address = nearest.label if nearest is not None else ""
            return point, address, ""
        if not address:
            return None, "", ""
        found = self._geocode(address)
        if found is None:
            raise RowRejected("address_not_found", _("Address not found: “%(value)s”.") % {"value": address})
        note = ""
        if not fold(found.label).startswith(fold(address)):  # more than the postcode and town added
            note = _("Address as written: “%(written)s”; found: “%(found)s”.") % {
                "written": address,
                "found": found.label,
            }
        return found.point, found.label, note

    def _geocode(self, address: str) -> GeocodeResult | None:
        key = fold(address)
        if key not in self._geocoded:
            results = self.geocoder.search(address, limit=1)
            self._geocoded[key] = results[0] if results else None
        return self._geocoded[key]
