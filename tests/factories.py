"""factory_boy factories. Zones go through `zone_upsert` (so their `ZonePart`s exist) and reports through
`report_create` (so they are validated, routed and referenced exactly as a live report is)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import factory
from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from factory.django import DjangoModelFactory
from PIL import ExifTags, Image

from geo_meldpunt.reports.models import Category, Kind, Report
from geo_meldpunt.reports.services import report_create
from geo_meldpunt.zones.models import Department, RoutingRule, Zone, ZoneType
from geo_meldpunt.zones.services import zone_upsert

# Wapenplein, Oostende: inside the reference territory, in the centre.
WAPENPLEIN = (2.9196, 51.2297)


def point_at(lon: float, lat: float) -> Point:
    return Point(lon, lat, srid=4326)


def project(point: Point, *, metres: float, azimuth_deg: float = 0.0) -> Point:
    """The point `metres` away from `point` in direction `azimuth_deg` (0 = north, 90 = east).

    Computed by PostGIS on the spheroid (ST_Project on geography), the same model ST_Distance uses,
    so a distance measured back is the one asked for, to the millimetre.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p::geometry), ST_Y(p::geometry) FROM ST_Project(ST_SetSRID(ST_MakePoint(%s, %s), 4326)"
            "::geography, %s, radians(%s)) AS p",
            [point.x, point.y, metres, azimuth_deg],
        )
        lon, lat = cursor.fetchone()
    return Point(lon, lat, srid=4326)


def square(lon: float, lat: float, half_side_deg: float) -> MultiPolygon:
    """An axis-aligned square around (lon, lat), as the MultiPolygon a zone stores."""
    return box(lon - half_side_deg, lat - half_side_deg, lon + half_side_deg, lat + half_side_deg)


def box(minlon: float, minlat: float, maxlon: float, maxlat: float) -> MultiPolygon:
    polygon = Polygon.from_bbox((minlon, minlat, maxlon, maxlat))
    polygon.srid = 4326
    return MultiPolygon(polygon, srid=4326)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    slug = factory.Sequence(lambda n: f"test-dienst-{n}")
    name_nl = factory.Sequence(lambda n: f"Testdienst {n}")
    name_en = factory.Sequence(lambda n: f"Test department {n}")
    email = factory.LazyAttribute(lambda o: f"{o.slug}@example.org")


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"test-categorie-{n}")
    name_nl = factory.Sequence(lambda n: f"Testcategorie {n}")
    name_en = factory.Sequence(lambda n: f"Test category {n}")
    kinds = factory.LazyFunction(lambda: [k.value for k in Kind])
    department = factory.SubFactory(DepartmentFactory)
    is_public = True


class ZoneFactory(DjangoModelFactory):
    """A zone built through `zone_upsert`, so routing sees it (its subdivided parts are written too)."""

    class Meta:
        model = Zone

    slug = factory.Sequence(lambda n: f"test-zone-{n}")
    name = factory.Sequence(lambda n: f"Testzone {n}")
    zone_type = ZoneType.WIJK
    geom = factory.LazyFunction(lambda: square(*WAPENPLEIN, 0.001))
    approximate = True
    source = "tests"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        zone, _changed = zone_upsert(**kwargs)
        return zone


class RoutingRuleFactory(DjangoModelFactory):
    class Meta:
        model = RoutingRule

    category = factory.SubFactory(CategoryFactory)
    zone = None
    zone_type = ""
    department = factory.SubFactory(DepartmentFactory)
    priority = 0
    note = "tests"


class ReportFactory(DjangoModelFactory):
    """A report made by `report_create`. Pass `status=` to put it in another status afterwards.

    The status is set with an update, not through a workflow service: these tests are about what the
    public and the duplicate search see, not about how a report gets there.
    """

    class Meta:
        model = Report

    kind = Kind.MELDING
    category = factory.SubFactory(CategoryFactory)
    point = factory.LazyFunction(lambda: point_at(*WAPENPLEIN))
    description = factory.Sequence(lambda n: f"Testmelding {n}: losliggende stoeptegel")
    reporter_email = "melder@example.org"

    @classmethod
    def _create(cls, model_class, *args, status=None, **kwargs):
        report = report_create(**kwargs)
        if status is not None:
            Report.objects.filter(pk=report.pk).update(status=status)
            report.status = status
        return report


# --- Photos ----------------------------------------------------------------------------------------------
# A phone photo carries its GPS position and the camera's serial number in EXIF; these values let a test
# look for them in what was stored.
EXIF_GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (51.0, 13.0, 47.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (2.0, 55.0, 10.0),
}
EXIF_CAMERA_SERIAL = "SERIAL-4711-PRIVATE"


def image_bytes(
    *,
    fmt: str = "JPEG",
    size: tuple[int, int] = (64, 32),
    color=(200, 30, 30),
    mode: str = "RGB",
    orientation: int | None = None,
    gps: bool = False,
    **save_options,
) -> bytes:
    """An encoded image. `gps` adds GPS and camera-serial EXIF; `orientation` the EXIF orientation tag."""
    image = Image.new(mode, size, color)
    # A marker in the top-left corner, so a test can see which way the stored copy was turned.
    marker = (0, 0, 255) if mode == "RGB" else (0, 0, 255, 255)
    for x in range(size[0] // 4):
        for y in range(size[1] // 4):
            image.putpixel((x, y), marker)
    exif = Image.Exif()
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.Base.Make] = "TestCam"
        exif[ExifTags.Base.Model] = "Model 1"
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(EXIF_GPS)
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = EXIF_CAMERA_SERIAL
    if len(exif) or gps:
        save_options["exif"] = exif.tobytes()
    out = io.BytesIO()
    image.save(out, format=fmt, **save_options)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Reference data -------------------------------------------------------------------------------------


def reference_check_points() -> list[dict]:
    """fixtures/oostende/check_points.json: named points with the zones each must (not) lie in."""
    path = Path(settings.BASE_DIR) / "fixtures" / "oostende" / "check_points.json"
    return json.loads(path.read_text(encoding="utf-8"))


def reference_point(name: str) -> Point:
    row = next(p for p in reference_check_points() if p["name"] == name)
    return point_at(row["lon"], row["lat"])
