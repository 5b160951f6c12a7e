"""addresses.csv in the reference-data loader: loaded when present, idempotent, checked before anything is written."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from geo_meldpunt.geocoding.models import Address
from geo_meldpunt.reference.loading import ReferenceDataError, reference_data_load
from geo_meldpunt.zones.models import Zone

pytestmark = pytest.mark.django_db

SAMPLE_REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "sample"
HEADER = "street,housenumber,postcode,municipality,lon,lat,approximate\n"
ROWS = [
    "Teststraat,,8400,Teststad,2.9200,51.2300,true",
    "Proefstraat,1-49,8400,Teststad,2.9100,51.2200,true",
    "Proefstraat,50-99,8400,Teststad,2.9120,51.2210,true",
    "Proefstraat,51A,8400,Teststad,2.9121,51.2211,false",
]


@pytest.fixture
def folder(tmp_path) -> Path:
    """The small sample reference data (tests/reference/sample) with an addresses.csv."""
    path = Path(shutil.copytree(SAMPLE_REFERENCE, tmp_path / "reference"))
    write(path, ROWS)
    return path


def write(folder: Path, rows: list[str], header: str = HEADER) -> None:
    (folder / "addresses.csv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")


def test_addresses_are_loaded_with_the_rest(folder):
    summary = reference_data_load(path=folder)

    assert summary.counts["addresses"] == {"created": 4}
    assert "addresses: 4 created, 0 updated, 0 unchanged" in summary.lines()
    row = Address.objects.get(street="Proefstraat", housenumber="51A")
    assert (row.postcode, row.municipality, row.approximate) == ("8400", "Teststad", False)
    assert (row.point.x, row.point.y) == pytest.approx((2.9121, 51.2211))
    assert row.source == "reference data (addresses.csv)"
    assert Address.objects.get(street="Teststraat").street_folded == "teststraat"


def test_a_second_load_changes_nothing_and_a_moved_point_updates_one_row(folder):
    reference_data_load(path=folder)
    ids = sorted(Address.objects.values_list("id", flat=True))

    again = reference_data_load(path=folder)
    assert again.counts["addresses"] == {"unchanged": 4} and not again.changed
    assert sorted(Address.objects.values_list("id", flat=True)) == ids

    write(folder, [*ROWS[:3], "Proefstraat,51A,8400,Teststad,2.9125,51.2215,false"])
    moved = reference_data_load(path=folder)
    assert moved.counts["addresses"] == {"updated": 1, "unchanged": 3}
    assert Address.objects.get(street="Proefstraat", housenumber="51A").point.x == pytest.approx(2.9125)


def test_an_optional_source_column_is_kept(folder):
    write(folder, ["Bronstraat,3,8400,Teststad,2.92,51.23,false,CRAB 2024"], header=HEADER.strip() + ",source\n")
    reference_data_load(path=folder)
    assert Address.objects.get(street="Bronstraat").source == "CRAB 2024"


def test_without_an_address_file_the_loader_works_as_before(folder):
    (folder / "addresses.csv").unlink()
    summary = reference_data_load(path=folder)
    assert "addresses" not in summary.counts
    assert not Address.objects.filter(street__in=["Teststraat", "Proefstraat"]).exists()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["Teststraat,,8400,Teststad,abc,51.23,true"], "addresses.csv line 2: lon 'abc' is not a WGS84 coordinate"),
        (["Teststraat,,8400,Teststad,2.92,95,true"], "addresses.csv line 2: lat '95' is not a WGS84 coordinate"),
        (["Teststraat,,8400,Teststad,2.92,nan,true"], "lat 'nan' is not a WGS84 coordinate"),
        ([",,8400,Teststad,2.92,51.23,true"], "addresses.csv line 2: street is empty"),
        (["Teststraat,12 bis,8400,Teststad,2.92,51.23,true"], "housenumber '12 bis' is not a number"),
        (["Teststraat,,8400,Teststad,2.92,51.23,maybe"], "approximate 'maybe' must be true or false"),
        (
            ["Teststraat,,8400,Teststad,2.92,51.23,true", "Teststraat,,8400,Teststad,2.93,51.24,true"],
            "line 3: the same address as line 2",
        ),
        (["Teststraat,,8400,Teststad,2.92,51.23,true,extra"], "more values than columns"),
    ],
)
def test_invalid_rows_are_refused_with_their_line_and_nothing_is_written(folder, rows, message):
    write(folder, rows)
    zones, addresses = Zone.objects.count(), Address.objects.count()

    with pytest.raises(ReferenceDataError) as excinfo:
        reference_data_load(path=folder)

    assert any(message in error for error in excinfo.value.errors), excinfo.value.errors
    assert (Zone.objects.count(), Address.objects.count()) == (zones, addresses)


def test_a_too_long_source_is_refused(folder):
    write(folder, ["Bronstraat,3,8400,Teststad,2.92,51.23,false," + "x" * 301], header=HEADER.strip() + ",source\n")
    with pytest.raises(ReferenceDataError, match="source is longer than 300 characters"):
        reference_data_load(path=folder)


def test_wrong_columns_are_named(folder):
    write(folder, ["Teststraat,8400,2.92,51.23"], header="straat,postcode,lon,lat\n")
    with pytest.raises(ReferenceDataError, match="missing street, housenumber, municipality, approximate"):
        reference_data_load(path=folder)


def test_the_command_prints_the_address_counts(folder):
    out = StringIO()
    call_command("load_reference_data", path=str(folder), stdout=out)
    assert "addresses: 4 created, 0 updated, 0 unchanged" in out.getvalue().splitlines()


def test_the_oostende_addresses_are_loaded_for_the_test_session():
    assert Address.objects.filter(postcode="8400").count() >= 170
    assert Address.objects.filter(street="Wapenplein", approximate=False).exists()
