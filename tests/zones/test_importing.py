"""import_zones: dry run by default, repairs and reprojects in PostGIS, rejects what is not a polygon."""

import shutil
import subprocess
from io import StringIO

import pytest
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.db import connection

from geo_meldpunt.core.errors import ApplicationError
from geo_meldpunt.zones.importing import zones_import
from geo_meldpunt.zones.models import Zone, ZonePart
from geo_meldpunt.zones.routing import covering_zones
from tests.zones.geodata import WAPENPLEIN_LAMBERT72, WAPENPLEIN_LONLAT, bow_tie, feature, square, write_collection

pytestmark = pytest.mark.django_db

LON, LAT = WAPENPLEIN_LONLAT


@pytest.fixture
def wijken(tmp_path):
    """Two official neighbourhoods in WGS84, as a GeoJSON without a crs member."""
    return write_collection(
        tmp_path / "wijken.geojson",
        [
            feature(square(LON, LAT, 0.004), naam="Test Centrum", code="TC"),
            feature(square(LON + 0.01, LAT, 0.004), naam="Test Oost", code="TO"),
        ],
    )


def metres_from_wapenplein(slug: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(ST_Centroid(geom)::geography, ST_MakePoint(%s, %s)::geography)"
            " FROM zones_zone WHERE slug = %s",
            [LON, LAT, slug],
        )
        return cursor.fetchone()[0]


def test_dry_run_reports_and_writes_nothing(wijken):
    zones, parts = Zone.objects.count(), ZonePart.objects.count()

    report = zones_import(path=wijken, zone_type="wijk", name_field="naam")

    assert not report.committed
    assert [(p.action, p.slug) for p in report.plans] == [("create", "test-centrum"), ("create", "test-oost")]
    assert (Zone.objects.count(), ZonePart.objects.count()) == (zones, parts)


def test_commit_writes_zones_with_parts_and_a_second_import_is_unchanged(wijken):
    report = zones_import(path=wijken, zone_type="wijk", name_field="naam", commit=True)

    assert report.committed
    zone = Zone.objects.get(slug="test-centrum")
    assert (zone.name, zone.zone_type, zone.source, zone.approximate) == (
        "Test Centrum",
        "wijk",
        "wijken.geojson",
        False,
    )
    assert zone.parts.exists()
    assert "test-centrum" in [z.slug for z in covering_zones(Point(LON, LAT, srid=4326))]

    stamp = zone.updated_at
    again = zones_import(path=wijken, zone_type="wijk", name_field="naam", commit=True)
    assert [p.action for p in again.plans] == ["unchanged", "unchanged"]
    zone.refresh_from_db()
    assert zone.updated_at == stamp


def test_a_changed_name_is_an_update(wijken, tmp_path):
    zones_import(path=wijken, zone_type="wijk", name_field="naam", slug_field="code", commit=True)
    renamed = write_collection(
        tmp_path / "renamed.geojson", [feature(square(LON, LAT, 0.004), naam="Centrum (nieuw)", code="TC")]
    )

    report = zones_import(path=renamed, zone_type="wijk", name_field="naam", slug_field="code", source="wijken.geojson")

    assert [(p.action, p.slug) for p in report.plans] == [("update", "tc")]
    # The other neighbourhood is named in the report, and left alone.
    assert "to" in report.kept and "tc" not in report.kept
    assert Zone.objects.get(slug="tc").name == "Test Centrum"  # dry run


@pytest.mark.parametrize("how", ["crs member", "--srid override"])
def test_lambert72_lands_on_the_wapenplein(tmp_path, how):
    x, y = WAPENPLEIN_LAMBERT72
    path = write_collection(
        tmp_path / "l72.geojson",
        [feature(square(x, y, 20), name="Test Wapenplein")],
        epsg=31370 if how == "crs member" else None,
    )

    report = zones_import(path=path, zone_type="wijk", srid=None if how == "crs member" else 31370, commit=True)

    assert report.srid == 31370
    assert metres_from_wapenplein("test-wapenplein") < 50


def test_lambert2008_lands_on_the_wapenplein(tmp_path):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 4326), 3812) p", [LON, LAT]
        )
        x, y = cursor.fetchone()
    path = write_collection(tmp_path / "l08.geojson", [feature(square(x, y, 20), name="Test Wapenplein")], epsg=3812)

    zones_import(path=path, zone_type="wijk", commit=True)

    assert metres_from_wapenplein("test-wapenplein") < 1


def test_a_bow_tie_is_repaired_into_two_polygons(tmp_path):
    path = write_collection(tmp_path / "tie.geojson", [feature(bow_tie(LON, LAT, 0.002), name="Test Strik")])

    report = zones_import(path=path, zone_type="wijk", commit=True)

    (plan,) = report.plans
    assert plan.action == "create"
    assert any("made valid" in note and "Self-intersection" in note for note in plan.notes)
    zone = Zone.objects.get(slug="test-strik")
    assert zone.geom.valid and zone.geom.num_geom == 2
    assert zone.geom.area == pytest.approx(0.004**2 / 2)  # two triangles, each a quarter of the 0.004° square


def test_a_shapefile_in_lambert72_is_read_with_its_prj(tmp_path):
    assert shutil.which("ogr2ogr"), "ogr2ogr comes with gdal-bin, which ./dev installs"
    x, y = WAPENPLEIN_LAMBERT72
    source = write_collection(
        tmp_path / "src.geojson",
        [feature(square(x, y, 20), NAAM="Test Wapenplein", TYPE="wijk")],
        epsg=31370,
    )
    shp = tmp_path / "wijken.shp"
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", str(shp), str(source)], check=True, capture_output=True)

    report = zones_import(path=shp, name_field="NAAM", type_field="TYPE", commit=True)

    assert report.srid == 31370
    assert Zone.objects.get(slug="test-wapenplein").zone_type == "wijk"
    assert metres_from_wapenplein("test-wapenplein") < 50


def test_a_line_is_rejected_by_name_and_nothing_is_written(tmp_path):
    path = write_collection(
        tmp_path / "mixed.geojson",
        [
            feature(square(LON, LAT, 0.004), name="Test Centrum"),
            feature({"type": "LineString", "coordinates": [[LON, LAT], [LON + 0.01, LAT]]}, name="Test Dijk"),
            feature(None, name="Test Leeg"),
        ],
    )

    report = zones_import(path=path, zone_type="wijk", commit=True)

    assert not report.committed
    assert [(p.label, p.notes) for p in report.rejected] == [
        ("feature 2 (Test Dijk)", ["geometry is a LineString, not a polygon"]),
        ("feature 3 (Test Leeg)", ["no geometry"]),
    ]
    assert not Zone.objects.filter(slug="test-centrum").exists()


def test_metric_coordinates_without_a_crs_are_rejected(tmp_path):
    x, y = WAPENPLEIN_LAMBERT72
    path = write_collection(tmp_path / "nocrs.geojson", [feature(square(x, y, 20), name="Test Wapenplein")])

    (plan,) = zones_import(path=path, zone_type="wijk").plans

    assert plan.action == "rejected"
    assert "is the source SRID right?" in plan.notes[0]


def test_a_slug_of_another_zone_type_is_not_taken_over(wijken):
    zones_import(path=wijken, zone_type="wijk", name_field="naam", commit=True)

    report = zones_import(path=wijken, zone_type="deelgemeente", name_field="naam")
    prefixed = zones_import(path=wijken, zone_type="deelgemeente", name_field="naam", slug_prefix="dg-")

    assert all(p.action == "rejected" and "of type 'wijk'" in p.notes[0] for p in report.plans)
    assert [p.slug for p in prefixed.plans if p.action == "create"] == ["dg-test-centrum", "dg-test-oost"]


def test_duplicate_slugs_in_one_file_are_rejected(tmp_path):
    path = write_collection(
        tmp_path / "dup.geojson",
        [
            feature(square(LON, LAT, 0.001), name="Test Kaai"),
            feature(square(LON, LAT + 0.01, 0.001), name="Test  Kaai"),
        ],
    )

    report = zones_import(path=path, zone_type="wijk")

    assert report.rejected[0].notes == ["slug 'test-kaai' is also used by feature 1 (Test Kaai)"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "Give a zone type"),
        ({"zone_type": "county"}, "Unknown zone type 'county'"),
        ({"zone_type": "wijk", "name_field": "naam_nl"}, "no name field 'naam_nl'; its fields: naam, code"),
        ({"zone_type": "wijk", "srid": 3857}, "EPSG:3857 is not supported"),
    ],
)
def test_file_level_problems_raise(wijken, options, message):
    with pytest.raises(ApplicationError, match=message):
        zones_import(path=wijken, **({"name_field": "naam"} | options))


def test_command_dry_run_then_commit(wijken):
    out = StringIO()
    call_command("import_zones", str(wijken), "--zone-type", "wijk", "--name-field", "naam", stdout=out)
    assert "2 to create, 0 to update, 0 unchanged, 0 rejected." in out.getvalue()
    assert "Dry run: nothing written" in out.getvalue()
    assert not Zone.objects.filter(slug="test-centrum").exists()

    call_command(
        "import_zones",
        str(wijken),
        "--zone-type",
        "wijk",
        "--name-field",
        "naam",
        "--valid-from",
        "2025-01-01",
        "--commit",
        stdout=out,
    )
    assert "Committed." in out.getvalue()
    assert str(Zone.objects.get(slug="test-centrum").valid_from) == "2025-01-01"


def test_command_fails_on_rejected_features(tmp_path):
    path = write_collection(
        tmp_path / "pt.geojson", [feature({"type": "Point", "coordinates": [LON, LAT]}, name="Test Punt")]
    )
    out = StringIO()

    with pytest.raises(CommandError, match="1 feature\\(s\\) rejected; nothing written"):
        call_command("import_zones", str(path), "--zone-type", "wijk", "--commit", stdout=out)
    assert "rejected  feature 1 (Test Punt): geometry is a Point, not a polygon" in out.getvalue()
