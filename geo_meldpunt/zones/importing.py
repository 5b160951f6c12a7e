"""Import a city's official zones from any file OGR reads (GeoJSON, Shapefile, GeoPackage...).

Dry run by default: the report says what would be created, updated or left unchanged, and what was
repaired or rejected. With commit=True the zones are written through `zone_upsert`, all or nothing.
The `import_zones` command is a thin shell around `zones_import`; the admin shares `geometries_clean`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.geos import MultiPolygon
from django.db import transaction
from django.utils.text import slugify

from geo_meldpunt.core.errors import ApplicationError

from .geometry import geometries_clean
from .models import Zone, ZoneType
from .services import zone_matches, zone_upsert

CREATE, UPDATE, UNCHANGED, REJECTED = "create", "update", "unchanged", "rejected"


@dataclass
class ZonePlan:
    """What the import does with one feature of the file."""

    number: int  # 1-based position in the layer, as a person counts features
    slug: str
    name: str
    zone_type: str
    action: str = CREATE
    notes: list[str] = field(default_factory=list)
    geom: MultiPolygon | None = None
    wkb: bytes | None = None

    @property
    def label(self) -> str:
        return f"feature {self.number} ({self.name or self.slug or 'no name'})"


@dataclass
class ZoneImportReport:
    plans: list[ZonePlan]
    srid: int
    committed: bool = False
    kept: list[str] = field(default_factory=list)  # slugs of zones of these types that the file does not name

    @property
    def counts(self) -> Counter:
        return Counter(p.action for p in self.plans)

    @property
    def rejected(self) -> list[ZonePlan]:
        return [p for p in self.plans if p.action == REJECTED]

    def lines(self) -> list[str]:
        lines = [f"Source SRID: EPSG:{self.srid}"]
        for p in self.plans:
            target = f"{p.zone_type or '?':<13} {p.slug or '?':<30} {p.name}"
            if p.action == REJECTED:
                lines.append(f"rejected  {p.label}: {'; '.join(p.notes)}")
            else:
                lines.append(f"{p.action:<9} {target}" + (f"  [{'; '.join(p.notes)}]" if p.notes else ""))
        if self.kept:
            lines.append(f"kept, not in the file: {', '.join(self.kept)}")
        c = self.counts
        lines.append(f"{c[CREATE]} to create, {c[UPDATE]} to update, {c[UNCHANGED]} unchanged, {c[REJECTED]} rejected.")
        return lines


def zones_import(
    *,
    path: Path | str,
    zone_type: str | None = None,
    name_field: str = "name",
    slug_field: str | None = None,
    type_field: str | None = None,
    slug_prefix: str = "",
    srid: int | None = None,
    layer: int | str = 0,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    source: str | None = None,
    commit: bool = False,
) -> ZoneImportReport:
    """Read, check and (only with commit=True and no rejected feature) write the zones in a file.

    Raises ApplicationError for problems with the whole file (unreadable, unknown field, unknown SRS);
    problems with single features are in the report as rejections, and then nothing is written.
    """
    if zone_type is None and type_field is None:
        raise ApplicationError("Give a zone type, or a field that holds it.", field="zone_type")
    if zone_type is not None and zone_type not in ZoneType.values:
        raise ApplicationError(f"Unknown zone type {zone_type!r}; use one of {', '.join(ZoneType.values)}.")
    if valid_from and valid_to and valid_to <= valid_from:
        raise ApplicationError("valid_to must come after valid_from.", field="valid_to")
    path = Path(path)
    ogr_layer = _open_layer(path, layer)
    for option, name in (("name field", name_field), ("slug field", slug_field), ("type field", type_field)):
        if name is not None and name not in ogr_layer.fields:
            raise ApplicationError(f"The layer has no {option} {name!r}; its fields: {', '.join(ogr_layer.fields)}.")
    srid = srid or _layer_srid(ogr_layer)

    plans = [
        _plan(number, feature, zone_type, name_field, slug_field, type_field, slug_prefix)
        for number, feature in enumerate(ogr_layer, start=1)
    ]
    readable = [(p, p.wkb) for p in plans if p.wkb is not None]
    cleaned = geometries_clean(wkbs=[wkb for _, wkb in readable], srid=srid)
    for (plan, _), clean in zip(readable, cleaned, strict=True):
        plan.notes += clean.repairs
        if clean.error:
            _reject(plan, clean.error)
        plan.geom = clean.geom
    _reject_duplicate_slugs(plans)

    values: dict[str, Any] = {
        "valid_from": valid_from,
        "valid_to": valid_to,
        "approximate": False,
        "source": source or path.name,
    }
    report = ZoneImportReport(plans=plans, srid=srid)
    _compare_with_database(report, values)
    if commit and not report.rejected:
        with transaction.atomic():
            for plan in plans:
                if plan.action in (CREATE, UPDATE) and plan.geom is not None:
                    zone_upsert(slug=plan.slug, name=plan.name, zone_type=plan.zone_type, geom=plan.geom, **values)
        report.committed = True
    return report


def _open_layer(path: Path, layer: int | str):
    if not path.exists():
        raise ApplicationError(f"{path}: no such file.")
    try:
        source = DataSource(str(path))
        return source[layer]
    except GDALException as exc:
        raise ApplicationError(f"{path}: OGR cannot read it ({exc}).") from exc
    except (IndexError, KeyError) as exc:
        raise ApplicationError(f"{path}: no layer {layer!r}.") from exc


def _layer_srid(ogr_layer) -> int:
    """The layer's EPSG code. GeoJSON without a crs member is WGS84, and OGR reports it so."""
    srs = ogr_layer.srs
    if srs is not None:
        srs = srs.clone()
        # A Shapefile's .prj is ESRI WKT without an EPSG code; GDAL can usually name it.
        with contextlib.suppress(GDALException):
            srs.identify_epsg()
        if srs.srid:
            return srs.srid
    raise ApplicationError("The layer's spatial reference system is unknown; give it with --srid.", field="srid")


def _plan(number, feature, zone_type, name_field, slug_field, type_field, slug_prefix) -> ZonePlan:
    name = _text(feature.get(name_field))
    raw_slug = _text(feature.get(slug_field)) if slug_field else name
    slug = slugify(f"{slug_prefix}{raw_slug}") if raw_slug else ""
    kind = _text(feature.get(type_field)) if type_field else zone_type
    plan = ZonePlan(number=number, slug=slug, name=name, zone_type=kind or "")
    if not name:
        _reject(plan, f"empty {name_field!r}")
    if not slug:
        _reject(plan, "no slug")
    if plan.zone_type not in ZoneType.values:
        _reject(plan, f"unknown zone type {plan.zone_type!r}")
    try:
        plan.wkb = bytes(feature.geom.wkb)
    except GDALException:
        _reject(plan, "no geometry")
    return plan


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _reject(plan: ZonePlan, message: str) -> None:
    plan.action = REJECTED
    plan.notes.append(message)


def _reject_duplicate_slugs(plans: list[ZonePlan]) -> None:
    first: dict[str, ZonePlan] = {}
    for plan in plans:
        if plan.slug and plan.slug in first:
            _reject(plan, f"slug {plan.slug!r} is also used by {first[plan.slug].label}")
        first.setdefault(plan.slug, plan)


def _compare_with_database(report: ZoneImportReport, values: dict[str, Any]) -> None:
    plans = [p for p in report.plans if p.action != REJECTED]
    existing = {z.slug: z for z in Zone.objects.filter(slug__in=[p.slug for p in plans])}
    for plan in plans:
        zone = existing.get(plan.slug)
        if zone is None:
            continue
        if zone.zone_type != plan.zone_type:
            # Upserting would silently turn, say, the deelgemeente "stene" into a wijk.
            _reject(
                plan,
                f"slug {plan.slug!r} belongs to a zone of type {zone.zone_type!r}; use --slug-prefix or --slug-field",
            )
        elif plan.geom is not None and zone_matches(zone, values={"name": plan.name, **values}, geom=plan.geom):
            plan.action = UNCHANGED
        else:
            plan.action = UPDATE
    types = {p.zone_type for p in report.plans if p.zone_type in ZoneType.values}
    named = {p.slug for p in report.plans}
    report.kept = list(
        Zone.objects.filter(zone_type__in=types).exclude(slug__in=named).order_by("slug").values_list("slug", flat=True)
    )
